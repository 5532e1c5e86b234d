/**
 * ZUNIONSTORE and ZINTERSTORE: Redis's zunionInterDiffGenericCommand for the two STORE forms.
 * Inputs may be sorted sets or plain sets (every member of a set scores 1). Keys are found
 * through numkeys (zstoreKeys), so the router can answer CROSSSLOT for inputs in other slots.
 *
 * Logged as received: the result is a pure function of the inputs and the double arithmetic.
 */
import { ERR_SYNTAX, ERR_WRONGTYPE } from './replies.ts';
import type { ExecCtx } from './table.ts';
import { argIs } from './strings.ts';
import { doubleOrReply, longOrReply } from './zset-args.ts';
import { parseLongLong } from './keys-scan.ts';
import { keyString, type Value } from '../shard/keyspace.ts';
import { ZSet } from '../shard/types/zset.ts';

/**
 * The part of shard/types/set.ts's SetValue read here, named structurally so that this file
 * does not depend on the set family's internals: its members and a membership test.
 */
interface SetLike {
  readonly type: 'set';
  readonly size: number;
  readonly items: readonly string[];
  has(member: string): boolean;
}

const AGGREGATE_SUM = 0;
const AGGREGATE_MIN = 1;
const AGGREGATE_MAX = 2;

/** One input: a sorted set, a set, or nothing (a missing key), and its weight. */
interface Source {
  zset?: ZSet;
  set?: SetLike;
  weight: number;
}

const sourceSize = (s: Source): number => s.zset?.size ?? s.set?.size ?? 0;

/** The input's score for member, undefined when absent; a set's members score 1. */
function sourceScore(s: Source, member: string): number | undefined {
  if (s.zset !== undefined) return s.zset.score(member);
  return s.set?.has(member) === true ? 1 : undefined;
}

function forEachMember(s: Source, visit: (member: string, score: number) => void): void {
  if (s.zset !== undefined) for (const n of s.zset.entries()) visit(n.member, n.score);
  else if (s.set !== undefined) for (const m of s.set.items) visit(m, 1);
}

function aggregate(target: number, value: number, how: number): number {
  if (how === AGGREGATE_SUM) {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum; // inf + -inf: Redis keeps the convention of 0
  }
  if (how === AGGREGATE_MIN) return value < target ? value : target;
  return value > target ? value : target;
}

/** Key positions of `Z*STORE dest numkeys key ...`: dest, then numkeys inputs when valid. */
export function zstoreKeys(argv: readonly Uint8Array[]): number[] {
  const n = argv.length > 2 ? parseLongLong(argv[2]!) : undefined;
  // A bad numkeys gets its error from the handler, on the destination's shard.
  if (n === undefined || n < 1 || n > argv.length - 3) return [1];
  const keys = [1];
  for (let i = 0; i < Number(n); i++) keys.push(3 + i);
  return keys;
}

function zstoreGeneric(ctx: ExecCtx, argv: Buffer[], union: boolean): void {
  const name = argv[0]!.toString('latin1').toLowerCase();
  const setnum = longOrReply(ctx.out, argv[2]!);
  if (setnum === undefined) return;
  if (setnum < 1) return ctx.out.error(`ERR at least 1 input key is needed for '${name}' command`);
  if (setnum > argv.length - 3) return ctx.out.error(ERR_SYNTAX);
  const sources: Source[] = [];
  let j = 3;
  for (let i = 0; i < setnum; i++, j++) {
    const v: Value | undefined = ctx.db.lookup(keyString(argv[j]!));
    if (v === undefined) sources.push({ weight: 1 });
    else if (v instanceof ZSet) sources.push({ zset: v, weight: 1 });
    else if (typeof v !== 'string' && v.type === 'set') sources.push({ set: v as unknown as SetLike, weight: 1 });
    else return ctx.out.error(ERR_WRONGTYPE);
  }
  let how = AGGREGATE_SUM;
  while (j < argv.length) {
    const remaining = argv.length - j;
    if (remaining >= setnum + 1 && argIs(argv[j]!, 'weights')) {
      j++;
      for (const s of sources) {
        const w = doubleOrReply(ctx.out, argv[j++]!, 'ERR weight value is not a float');
        if (w === undefined) return;
        s.weight = w;
      }
    } else if (remaining >= 2 && argIs(argv[j]!, 'aggregate')) {
      const a = argv[j + 1]!;
      if (argIs(a, 'sum')) how = AGGREGATE_SUM;
      else if (argIs(a, 'min')) how = AGGREGATE_MIN;
      else if (argIs(a, 'max')) how = AGGREGATE_MAX;
      else return ctx.out.error(ERR_SYNTAX);
      j += 2;
    } else {
      return ctx.out.error(ERR_SYNTAX);
    }
  }
  // Smallest first, as Redis sorts them (glibc's qsort is a stable merge sort here): the order
  // decides the order of floating-point additions, so it must match.
  sources.sort((a, b) => sourceSize(a) - sourceSize(b));
  const result = union ? unionOf(sources, how) : interOf(sources, how);
  const dest = keyString(argv[1]!);
  if (result.size > 0) {
    result.compactIfSmall();
    ctx.db.set(dest, result);
    ctx.dirty++;
  } else if (ctx.db.delete(dest)) {
    ctx.dirty++;
  }
  ctx.out.integer(result.size);
}

/** Weighted score, with NaN (0 * inf) read as 0, as Redis does. */
function weighted(weight: number, score: number): number {
  const w = weight * score;
  return Number.isNaN(w) ? 0 : w;
}

function unionOf(sources: readonly Source[], how: number): ZSet {
  const acc = new Map<string, number>();
  for (const s of sources) {
    forEachMember(s, (member, score) => {
      const w = weighted(s.weight, score);
      const cur = acc.get(member);
      acc.set(member, cur === undefined ? w : aggregate(cur, w, how));
    });
  }
  return build(acc);
}

function interOf(sources: readonly Source[], how: number): ZSet {
  const acc = new Map<string, number>();
  if (sourceSize(sources[0]!) === 0) return new ZSet(); // an empty input empties the result
  forEachMember(sources[0]!, (member, score) => {
    let total = weighted(sources[0]!.weight, score);
    for (let k = 1; k < sources.length; k++) {
      const other = sourceScore(sources[k]!, member);
      if (other === undefined) return;
      // No NaN check here in Redis: SUM turns a NaN into 0, MIN and MAX ignore it.
      total = aggregate(total, other * sources[k]!.weight, how);
    }
    acc.set(member, total);
  });
  return build(acc);
}

/** The result as Redis builds it: a skiplist first (compactIfSmall may turn it back). */
function build(acc: Map<string, number>): ZSet {
  const z = new ZSet();
  z.forceSkiplist();
  for (const [m, s] of acc) z.insertNew(m, s);
  return z;
}

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
export function zunionstoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zstoreGeneric(ctx, argv, true);
}

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
export function zinterstoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zstoreGeneric(ctx, argv, false);
}
