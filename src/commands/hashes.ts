/**
 * Hash commands: HSET/HGET and friends, counters, whole-hash reads, HSCAN and HRANDFIELD. They
 * work on the hash type through shard/types/hash.ts.
 *
 * Writes rewritten for the log, so that replaying it gives the same data:
 *  - HINCRBYFLOAT -> HSET key field <result> (long double arithmetic and formatting must not let
 *    replicas or a reload come to a different value).
 */
import { ERR_INCR_NAN, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_SYNTAX, ERR_WRONGTYPE, errWrongArgs } from './replies.ts';
import { cmd, DENYOOM, FAST, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { argIs, int64OrReply } from './strings.ts';
import { collectionScanOrReply, replyScan } from './collection-scan.ts';
import { valueOrReply } from './lookup.ts';
import { keyString } from '../shard/keyspace.ts';
import type { RequestArgs } from '../ring/codec.ts';
import { latin1Args } from '../util/latin1.ts';
import { hashIncrBy, hashIncrByFloat, hashScan, hashSetPairs, HashStatus, isHashStatus, lookupHash, randomDistinctFields,
  randomField, deleteIfEmpty, type HashValue } from '../shard/types/hash.ts';
import { string2ld, string2ll } from '../shard/types/string.ts';

const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
const ERR_INCR_NOT_FINITE = 'ERR value is NaN or Infinity';
const ERR_OUT_OF_RANGE = 'ERR value is out of range';
/** HRANDFIELD's count range, as Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) says it. */
const ERR_COUNT_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

export const HASH_COMMANDS: readonly CommandSpec[] = [
  //   name           arity flags                    first last step handler
  cmd('HSET',           -4, WRITE | DENYOOM | FAST,    1,    1,   1,   hsetCommand, { direct: hsetDirect }),
  cmd('HMSET',          -4, WRITE | DENYOOM | FAST,    1,    1,   1,   hmsetCommand),
  cmd('HSETNX',          4, WRITE | DENYOOM | FAST,    1,    1,   1,   hsetnxCommand),
  cmd('HGET',            3, READONLY | FAST,           1,    1,   1,   hgetCommand),
  cmd('HMGET',          -3, READONLY | FAST,           1,    1,   1,   hmgetCommand),
  cmd('HDEL',           -3, WRITE | FAST,              1,    1,   1,   hdelCommand),
  cmd('HLEN',            2, READONLY | FAST,           1,    1,   1,   hlenCommand),
  cmd('HSTRLEN',         3, READONLY | FAST,           1,    1,   1,   hstrlenCommand),
  cmd('HEXISTS',         3, READONLY | FAST,           1,    1,   1,   hexistsCommand),
  cmd('HINCRBY',         4, WRITE | DENYOOM | FAST,    1,    1,   1,   hincrbyCommand),
  cmd('HINCRBYFLOAT',    4, WRITE | DENYOOM | FAST,    1,    1,   1,   hincrbyfloatCommand),
  cmd('HKEYS',           2, READONLY,                  1,    1,   1,   hkeysCommand),
  cmd('HVALS',           2, READONLY,                  1,    1,   1,   hvalsCommand),
  cmd('HGETALL',         2, READONLY,                  1,    1,   1,   hgetallCommand),
  cmd('HSCAN',          -3, READONLY,                  1,    1,   1,   hscanCommand),
  cmd('HRANDFIELD',     -2, READONLY,                  1,    1,   1,   hrandfieldCommand),
];

/** The hash at argv[1] for a read; undefined when missing; null once WRONGTYPE is written. */
function readHash(ctx: ExecCtx, argv: Buffer[]): HashValue | undefined | null {
  return valueOrReply(ctx, lookupHash, keyString(argv[1]!));
}

const STATUS_ERRORS = new Map<HashStatus, string>([
  [HashStatus.WRONGTYPE, ERR_WRONGTYPE],
  [HashStatus.HASH_NOT_INTEGER, ERR_HASH_NOT_INTEGER],
  [HashStatus.HASH_NOT_FLOAT, ERR_HASH_NOT_FLOAT],
  [HashStatus.OVERFLOW, ERR_OVERFLOW],
  [HashStatus.NAN_OR_INF, ERR_INCR_NAN],
]);

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

/** HSET and HMSET: how many fields were new, or undefined once it replied with an error. */
function hsetGeneric(ctx: ExecCtx, argv: Buffer[]): number | undefined {
  if (argv.length % 2 === 1) {
    ctx.out.error(errWrongArgs(argv[0]!.toString('latin1')));
    return undefined;
  }
  return storePairs(ctx, keyString(argv[1]!), latin1Args(argv, 2));
}

/** HSET with the key, fields and values read in place. */
function hsetDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  if (args.count % 2 === 1) return false; // the general handler answers the arity error
  const created = storePairs(ctx, args.latin1(1), args.latin1From(2));
  if (created !== undefined) ctx.out.integer(created);
  return true;
}

/** Sets field/value pairs; the number of new fields, or undefined with the error written. */
function storePairs(ctx: ExecCtx, key: string, pairs: readonly string[]): number | undefined {
  const created = hashSetPairs(ctx.db, key, pairs);
  if (isHashStatus(created)) {
    ctx.out.error(ERR_WRONGTYPE);
    return undefined;
  }
  ctx.dirty += pairs.length / 2;
  return created;
}

// HSET key field value [field value ...]
function hsetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const created = hsetGeneric(ctx, argv);
  if (created !== undefined) ctx.out.integer(created);
}

// HMSET key field value [field value ...]  (HSET's old name: replies OK)
function hmsetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (hsetGeneric(ctx, argv) !== undefined) ctx.out.ok();
}

// HSETNX key field value
function hsetnxCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h === null) return;
  if (h?.get(keyString(argv[2]!)) !== undefined) return ctx.out.integer(0);
  hashSetPairs(ctx.db, keyString(argv[1]!), latin1Args(argv, 2));
  ctx.dirty++;
  ctx.out.integer(1);
}

// HDEL key field [field ...]
function hdelCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h === null) return;
  let deleted = 0;
  if (h !== undefined) {
    for (let j = 2; j < argv.length && h.size > 0; j++) if (h.delete(keyString(argv[j]!))) deleted++;
    if (deleted > 0) {
      deleteIfEmpty(ctx.db, keyString(argv[1]!), h);
    }
  }
  ctx.dirty += deleted;
  ctx.out.integer(deleted);
}

// HINCRBY key field increment
function hincrbyCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const by = int64OrReply(ctx.out, argv[3]!);
  if (by === undefined) return;
  const r = hashIncrBy(ctx.db, keyString(argv[1]!), keyString(argv[2]!), by);
  if (isHashStatus(r)) return ctx.out.error(STATUS_ERRORS.get(r)!);
  ctx.dirty++;
  ctx.out.integer(r);
}

// HINCRBYFLOAT key field increment
function hincrbyfloatCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const by = string2ld(argv[3]!);
  if (by === undefined) return ctx.out.error(ERR_NOT_FLOAT);
  if (by.e === Infinity) return ctx.out.error(ERR_INCR_NOT_FINITE);
  const r = hashIncrByFloat(ctx.db, keyString(argv[1]!), keyString(argv[2]!), by);
  if (isHashStatus(r)) return ctx.out.error(STATUS_ERRORS.get(r)!);
  ctx.dirty++;
  ctx.out.bulkLatin1(r);
  // Log the result, not the increment: long double arithmetic and formatting must not let a
  // replica or a reload arrive at a different value.
  ctx.propagate(['HSET', argv[1]!, argv[2]!, r]);
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

// HGET key field
function hgetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h === null) return;
  const v = h?.get(keyString(argv[2]!));
  if (v === undefined) ctx.out.nullBulk();
  else ctx.out.bulkLatin1(v);
}

// HMGET key field [field ...]
function hmgetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h === null) return;
  ctx.out.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const v = h?.get(keyString(argv[j]!));
    if (v === undefined) ctx.out.nullBulk();
    else ctx.out.bulkLatin1(v);
  }
}

// HLEN key
function hlenCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h !== null) ctx.out.integer(h?.size ?? 0);
}

// HSTRLEN key field
function hstrlenCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h !== null) ctx.out.integer(h?.get(keyString(argv[2]!))?.length ?? 0);
}

// HEXISTS key field
function hexistsCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const h = readHash(ctx, argv);
  if (h !== null) ctx.out.integer(h?.has(keyString(argv[2]!)) === true ? 1 : 0);
}

const WANT_FIELDS = 1 << 0;
const WANT_VALUES = 1 << 1;

/** HKEYS, HVALS and HGETALL: the hash in its own order, fields and/or values. */
function hgetallGeneric(ctx: ExecCtx, argv: Buffer[], want: number): void {
  const h = readHash(ctx, argv);
  if (h === null) return;
  if (h === undefined) return ctx.out.arrayHeader(0);
  const both = want === (WANT_FIELDS | WANT_VALUES);
  ctx.out.arrayHeader(both ? h.size * 2 : h.size);
  for (const [f, v] of h.entries()) {
    if ((want & WANT_FIELDS) !== 0) ctx.out.bulkLatin1(f);
    if ((want & WANT_VALUES) !== 0) ctx.out.bulkLatin1(v);
  }
}

// HKEYS key
function hkeysCommand(ctx: ExecCtx, argv: Buffer[]): void {
  hgetallGeneric(ctx, argv, WANT_FIELDS);
}

// HVALS key
function hvalsCommand(ctx: ExecCtx, argv: Buffer[]): void {
  hgetallGeneric(ctx, argv, WANT_VALUES);
}

// HGETALL key
function hgetallCommand(ctx: ExecCtx, argv: Buffer[]): void {
  hgetallGeneric(ctx, argv, WANT_FIELDS | WANT_VALUES);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
function hscanCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const found = collectionScanOrReply(ctx, argv, lookupHash);
  if (found === undefined) return;
  const [h, scan] = found;
  const out: string[] = [];
  const next = hashScan(h, scan.cursor, scan.count, scan.match, out);
  replyScan(ctx, next, out);
}

const LONG_MAX = 2n ** 63n - 1n;

// HRANDFIELD key [count [WITHVALUES]]
function hrandfieldCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (argv.length === 2) {
    const h = readHash(ctx, argv);
    if (h === null) return;
    if (h === undefined) return ctx.out.nullBulk();
    return ctx.out.bulkLatin1(randomField(h)[0]);
  }
  const n = string2ll(argv[2]!);
  if (n === undefined) return ctx.out.error(ERR_NOT_INTEGER);
  if (n < -LONG_MAX) return ctx.out.error(ERR_COUNT_RANGE);
  if (argv.length > 4 || (argv.length === 4 && !argIs(argv[3]!, 'withvalues'))) return ctx.out.error(ERR_SYNTAX);
  const withValues = argv.length === 4;
  // Redis halves the range with WITHVALUES, so that count*2 cannot overflow.
  if (withValues && (n < -LONG_MAX / 2n || n > LONG_MAX / 2n)) return ctx.out.error(ERR_OUT_OF_RANGE);
  const h = readHash(ctx, argv);
  if (h === null) return;
  if (h === undefined || n === 0) return ctx.out.arrayHeader(0);
  const width = withValues ? 2 : 1;
  if (n < 0 || n === 1) {
    // Repeats allowed: every pick samples the whole hash.
    const count = n === 1 ? 1 : -Number(n);
    ctx.out.arrayHeader(count * width);
    for (let i = 0; i < count; i++) writeEntry(ctx, randomField(h), withValues);
    return;
  }
  const count = Number(n);
  const entries = count >= h.size ? h.entries() : randomDistinctFields(h, count);
  ctx.out.arrayHeader(Math.min(count, h.size) * width);
  for (const e of entries) writeEntry(ctx, e, withValues);
}

function writeEntry(ctx: ExecCtx, [f, v]: [string, string], withValues: boolean): void {
  ctx.out.bulkLatin1(f);
  if (withValues) ctx.out.bulkLatin1(v);
}
