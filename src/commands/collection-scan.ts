/**
 * What HSCAN, SSCAN (and ZSCAN) share: Redis's scanGenericCommand argument handling and reply
 * shape. Each type's API walks its own collection; this file only parses and replies.
 *
 * Redis's order of checks, kept because it decides which error a bad call gets: the cursor
 * first, then the key (a missing key answers an empty scan whatever the options say), then its
 * type, then the options.
 */
import { ERR_SYNTAX } from './replies.ts';
import { valueOrReply } from './lookup.ts';
import type { ExecCtx } from './table.ts';
import { argIs, longLongOrReply, scanCursorOrReply } from './keys-scan.ts';
import { keyString, type Db } from '../shard/keyspace.ts';
import { stringMatch } from '../shard/glob.ts';
import type { Status } from '../shard/types/string.ts';

export interface CollectionScan {
  cursor: number;
  count: number;
  /** Whether an element (a field, a member) is wanted: MATCH's pattern, or always. */
  match: (element: string) => boolean;
}

const EMPTY_SCAN = Buffer.from('*2\r\n$1\r\n0\r\n*0\r\n', 'latin1');
const matchAll = (_element: string): boolean => true;

/**
 * Parses `XSCAN key cursor [MATCH pattern] [COUNT count]` and looks the key up with `lookup`.
 * Returns the collection and the scan, or undefined once it has replied (an error, or the
 * empty scan of a missing key).
 */
export function collectionScanOrReply<T>(ctx: ExecCtx, argv: Buffer[],
  lookup: (db: Db, key: string) => T | undefined | typeof Status.WRONGTYPE): [T, CollectionScan] | undefined {
  const cursor = scanCursorOrReply(ctx, argv[2]!, Number.MAX_SAFE_INTEGER);
  if (cursor === undefined) return undefined;
  const coll = valueOrReply(ctx, lookup, keyString(argv[1]!));
  if (coll === null) return undefined;
  if (coll === undefined) {
    ctx.out.raw(EMPTY_SCAN);
    return undefined;
  }
  let count = 10;
  let match = matchAll;
  for (let i = 3; i < argv.length; i += 2) {
    const hasValue = i + 1 < argv.length;
    if (hasValue && argIs(argv[i]!, 'count')) {
      const n = longLongOrReply(ctx, argv[i + 1]!);
      if (n === undefined) return undefined;
      if (n < 1) {
        ctx.out.error(ERR_SYNTAX);
        return undefined;
      }
      count = Number(n);
    } else if (hasValue && argIs(argv[i]!, 'match')) {
      const pattern = keyString(argv[i + 1]!);
      // "*" skips the matcher, as in Redis (the matcher would not take the empty string).
      match = pattern === '*' ? matchAll : (e: string) => stringMatch(pattern, e);
    } else {
      ctx.out.error(ERR_SYNTAX);
      return undefined;
    }
  }
  return [coll, { cursor, count, match }];
}

/** The scan reply: the next cursor, then the elements found. */
export function replyScan(ctx: ExecCtx, next: number, elements: readonly string[]): void {
  ctx.out.arrayHeader(2);
  ctx.out.bulkLatin1(String(next));
  ctx.out.latin1Array(elements);
}
