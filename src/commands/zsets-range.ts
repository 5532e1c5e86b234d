/**
 * The sorted set range commands: ZRANGE in its 7.0 form (BYSCORE|BYLEX, REV, LIMIT,
 * WITHSCORES) and the older commands it absorbed (ZREVRANGE, Z[REV]RANGEBYSCORE,
 * Z[REV]RANGEBYLEX), which all share zrangeGeneric as in Redis; the ZREMRANGEBY* family; and
 * ZSCAN. zsets.ts lists their rows. All reads except ZREMRANGEBY*, which are logged as received.
 */
import { ERR_SYNTAX, EMPTY_ARRAY } from './replies.ts';
import type { ExecCtx } from './table.ts';
import { argIs } from './strings.ts';
import { clampRanks, lexRangeOrReply, longOrReply, replyNodes, scoreRangeOrReply,
  zsetOrReply } from './zset-args.ts';
import { keyString } from '../shard/keyspace.ts';
import { collectionScanOrReply, replyScan } from './collection-scan.ts';
import { formatDouble, formatListpackDouble } from '../shard/types/double.ts';
import { lookupZSet, type LexRange, type ScoreRange, type ZEntry, type ZSet } from '../shard/types/zset.ts';

const BY_RANK = 0;
const BY_SCORE = 1;
const BY_LEX = 2;
const AUTO = -1; // ZRANGE: not fixed by the command name, options may choose

/**
 * Redis's zrangeGenericCommand. `by` and `reverse` are fixed by the older commands' names
 * (AUTO lets ZRANGE's BYSCORE/BYLEX/REV choose); argv[1..3] are key, min/start, max/end.
 */
function zrangeGeneric(ctx: ExecCtx, argv: Buffer[], by: number, reverse: number): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = 4; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j]!;
    if (argIs(a, 'withscores')) withScores = true;
    else if (argIs(a, 'limit') && left >= 2) {
      const o = longOrReply(ctx.out, argv[j + 1]!);
      if (o === undefined) return;
      const l = longOrReply(ctx.out, argv[j + 2]!);
      if (l === undefined) return;
      [offset, limit] = [o, l];
      j += 2;
    } else if (reverse === AUTO && argIs(a, 'rev')) reverse = 1;
    else if (by === AUTO && argIs(a, 'bylex')) by = BY_LEX;
    else if (by === AUTO && argIs(a, 'byscore')) by = BY_SCORE;
    else return ctx.out.error(ERR_SYNTAX);
  }
  const rev = reverse === 1;
  if (by === AUTO) by = BY_RANK;
  // Redis checks `limit != -1`, so "LIMIT 0 -1" on a rank range passes.
  if (limit !== -1 && by === BY_RANK) {
    return ctx.out.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && by === BY_LEX) {
    return ctx.out.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  }
  // Reversed score and lex ranges are given as max then min.
  const [lo, hi] = rev && by !== BY_RANK ? [argv[3]!, argv[2]!] : [argv[2]!, argv[3]!];
  let start = 0;
  let end = 0;
  let scores: ScoreRange | undefined;
  let lex: LexRange | undefined;
  if (by === BY_RANK) {
    const s = longOrReply(ctx.out, lo);
    if (s === undefined) return;
    const e = longOrReply(ctx.out, hi);
    if (e === undefined) return;
    [start, end] = [s, e];
  } else if (by === BY_SCORE) {
    if ((scores = scoreRangeOrReply(ctx.out, lo, hi)) === undefined) return;
  } else if ((lex = lexRangeOrReply(ctx.out, lo, hi)) === undefined) return;
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  if (z === undefined) return ctx.out.raw(EMPTY_ARRAY);
  let nodes: ZEntry[];
  if (by === BY_RANK) {
    const ranks = clampRanks(start, end, z.size);
    nodes = ranks === undefined ? [] : z.rangeByRank(ranks[0], ranks[1], rev);
  } else if (by === BY_SCORE) {
    // Redis answers at once, before looking, when the offset is past the end.
    nodes = offset > 0 && offset >= z.size ? [] : z.rangeByScore(scores!, rev, offset, limit);
  } else {
    nodes = offset > 0 && offset >= z.size ? [] : z.rangeByLex(lex!, rev, offset, limit);
  }
  replyNodes(ctx.out, nodes, withScores);
}

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
export function zrangeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrangeGeneric(ctx, argv, AUTO, AUTO);
}

// ZREVRANGE key start stop [WITHSCORES]
export function zrevrangeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrangeGeneric(ctx, argv, BY_RANK, 1);
}

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
export function zrangebyscoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrangeGeneric(ctx, argv, BY_SCORE, 0);
}

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
export function zrevrangebyscoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrangeGeneric(ctx, argv, BY_SCORE, 1);
}

// ZRANGEBYLEX key min max [LIMIT offset count]
export function zrangebylexCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrangeGeneric(ctx, argv, BY_LEX, 0);
}

// ZREVRANGEBYLEX key max min [LIMIT offset count]
export function zrevrangebylexCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrangeGeneric(ctx, argv, BY_LEX, 1);
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBY*
// ---------------------------------------------------------------------------------------------

/** Redis's zremrangeGenericCommand: parse the range, then look up, then remove. */
function zremrangeGeneric(ctx: ExecCtx, argv: Buffer[], by: number): void {
  let remove: (z: ZSet) => number;
  if (by === BY_RANK) {
    const s = longOrReply(ctx.out, argv[2]!);
    if (s === undefined) return;
    const e = longOrReply(ctx.out, argv[3]!);
    if (e === undefined) return;
    remove = (z) => {
      const ranks = clampRanks(s, e, z.size);
      return ranks === undefined ? 0 : z.removeRangeByRank(ranks[0], ranks[1]);
    };
  } else if (by === BY_SCORE) {
    const r = scoreRangeOrReply(ctx.out, argv[2]!, argv[3]!);
    if (r === undefined) return;
    remove = (z) => z.removeRangeByScore(r);
  } else {
    const r = lexRangeOrReply(ctx.out, argv[2]!, argv[3]!);
    if (r === undefined) return;
    remove = (z) => z.removeRangeByLex(r);
  }
  const key = keyString(argv[1]!);
  const z = zsetOrReply(ctx, key);
  if (z === null) return;
  const deleted = z === undefined ? 0 : remove(z);
  if (z !== undefined && z.size === 0) ctx.db.delete(key);
  ctx.dirty += deleted;
  ctx.out.integer(deleted);
}

// ZREMRANGEBYRANK key start stop
export function zremrangebyrankCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zremrangeGeneric(ctx, argv, BY_RANK);
}

// ZREMRANGEBYSCORE key min max
export function zremrangebyscoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zremrangeGeneric(ctx, argv, BY_SCORE);
}

// ZREMRANGEBYLEX key min max
export function zremrangebylexCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zremrangeGeneric(ctx, argv, BY_LEX);
}

// ---------------------------------------------------------------------------------------------
// ZSCAN
// ---------------------------------------------------------------------------------------------

// ZSCAN key cursor [MATCH pattern] [COUNT count]
// A small (listpack) set answers everything in one call with cursor 0, as Redis does, scores
// in the listpack's stored form. A large one is walked by rank: the cursor is the next rank,
// so members present for the whole scan are returned once each unless ranks shift under it.
export function zscanCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const found = collectionScanOrReply(ctx, argv, lookupZSet);
  if (found === undefined) return;
  const [z, { cursor, count, match }] = found;
  const small = z.encoding === 'listpack';
  const nodes = small ? z.rangeByRank(0, z.size - 1) : cursor >= z.size ? [] : z.rangeByRank(cursor, Math.min(cursor + count, z.size) - 1);
  const next = small || cursor + count >= z.size ? 0 : cursor + count;
  const out: string[] = [];
  for (const n of nodes) {
    if (match(n.member)) out.push(n.member, small ? formatListpackDouble(n.score) : formatDouble(n.score));
  }
  replyScan(ctx, next, out);
}
