/**
 * Sorted set commands: ZADD/ZINCRBY, lookups (ZSCORE, ZMSCORE, ZRANK, ZCARD, ZCOUNT,
 * ZLEXCOUNT), the ZRANGE family in its 7.0 form and the older commands it absorbed, the
 * ZREMRANGEBY* family and ZSCAN. They work on shard/types/zset.ts; ZUNIONSTORE and
 * ZINTERSTORE live in zsets-store.ts.
 *
 * Nothing is rewritten for the log: every write here is deterministic as received (ZINCRBY's
 * double arithmetic gives the same result on replay, unlike INCRBYFLOAT's long double text).
 *
 * Argument checks follow Redis 7.0's order, which decides the error a bad call gets: options,
 * then their conflicts, then the range, then the key's type.
 */
import { ERR_SYNTAX } from './replies.ts';
import { cmd, DENYOOM, FAST, MOVABLEKEYS, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { argIs } from './strings.ts';
import { doubleOrReply, ERR_SCORE_NAN, lexRangeOrReply, replyDouble, scoreRangeOrReply, zsetOrReply } from './zset-args.ts';
import { zrangeCommand, zrevrangeCommand, zrangebyscoreCommand, zrevrangebyscoreCommand, zrangebylexCommand,
  zrevrangebylexCommand, zremrangebyrankCommand, zremrangebyscoreCommand, zremrangebylexCommand,
  zscanCommand } from './zsets-range.ts';
import { zinterstoreCommand, zunionstoreCommand, zstoreKeys } from './zsets-store.ts';
import { keyString } from '../shard/keyspace.ts';
import { ZADD_ADDED, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NAN, ZADD_NOP, ZADD_NX, ZADD_UPDATED, ZADD_XX,
  ZSet } from '../shard/types/zset.ts';

export const ZSET_COMMANDS: readonly CommandSpec[] = [
  //   name                arity flags                   first last step handler
  cmd('ZADD',                -4, WRITE | DENYOOM | FAST,   1,    1,   1,   zaddCommand),
  cmd('ZINCRBY',              4, WRITE | DENYOOM | FAST,   1,    1,   1,   zincrbyCommand),
  cmd('ZREM',                -3, WRITE | FAST,             1,    1,   1,   zremCommand),
  cmd('ZCARD',                2, READONLY | FAST,          1,    1,   1,   zcardCommand),
  cmd('ZSCORE',               3, READONLY | FAST,          1,    1,   1,   zscoreCommand),
  cmd('ZMSCORE',             -3, READONLY | FAST,          1,    1,   1,   zmscoreCommand),
  cmd('ZRANK',                3, READONLY | FAST,          1,    1,   1,   zrankCommand),
  cmd('ZREVRANK',             3, READONLY | FAST,          1,    1,   1,   zrevrankCommand),
  cmd('ZCOUNT',               4, READONLY | FAST,          1,    1,   1,   zcountCommand),
  cmd('ZLEXCOUNT',            4, READONLY | FAST,          1,    1,   1,   zlexcountCommand),
  cmd('ZRANGE',              -4, READONLY,                 1,    1,   1,   zrangeCommand),
  cmd('ZREVRANGE',           -4, READONLY,                 1,    1,   1,   zrevrangeCommand),
  cmd('ZRANGEBYSCORE',       -4, READONLY,                 1,    1,   1,   zrangebyscoreCommand),
  cmd('ZREVRANGEBYSCORE',    -4, READONLY,                 1,    1,   1,   zrevrangebyscoreCommand),
  cmd('ZRANGEBYLEX',         -4, READONLY,                 1,    1,   1,   zrangebylexCommand),
  cmd('ZREVRANGEBYLEX',      -4, READONLY,                 1,    1,   1,   zrevrangebylexCommand),
  cmd('ZREMRANGEBYRANK',      4, WRITE,                    1,    1,   1,   zremrangebyrankCommand),
  cmd('ZREMRANGEBYSCORE',     4, WRITE,                    1,    1,   1,   zremrangebyscoreCommand),
  cmd('ZREMRANGEBYLEX',       4, WRITE,                    1,    1,   1,   zremrangebylexCommand),
  cmd('ZSCAN',               -3, READONLY,                 1,    1,   1,   zscanCommand),
  cmd('ZUNIONSTORE',         -4, WRITE | DENYOOM | MOVABLEKEYS, 1, 1, 1, zunionstoreCommand, { keys: zstoreKeys }),
  cmd('ZINTERSTORE',         -4, WRITE | DENYOOM | MOVABLEKEYS, 1, 1, 1, zinterstoreCommand, { keys: zstoreKeys }),
];

// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY / ZREM
// ---------------------------------------------------------------------------------------------

const ZADD_CH = 1 << 8; // reply with changed (added + updated) rather than added

const ZADD_OPTIONS: readonly [string, number][] = [
  ['nx', ZADD_NX], ['xx', ZADD_XX], ['ch', ZADD_CH], ['incr', ZADD_INCR], ['gt', ZADD_GT], ['lt', ZADD_LT],
];

/** ZADD and ZINCRBY (which Redis runs as ZADD with INCR, options loop included). */
function zaddGeneric(ctx: ExecCtx, argv: Buffer[], flags: number): void {
  let at = 2;
  for (; at < argv.length; at++) {
    const opt = ZADD_OPTIONS.find(([word]) => argIs(argv[at]!, word));
    if (opt === undefined) break;
    flags |= opt[1];
  }
  const pairs = argv.length - at;
  if (pairs === 0 || pairs % 2 !== 0) return ctx.out.error(ERR_SYNTAX);
  const has = (f: number): boolean => (flags & f) !== 0;
  if (has(ZADD_NX) && has(ZADD_XX)) return ctx.out.error('ERR XX and NX options at the same time are not compatible');
  if ((has(ZADD_GT) && has(ZADD_NX)) || (has(ZADD_LT) && has(ZADD_NX)) || (has(ZADD_GT) && has(ZADD_LT))) {
    return ctx.out.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (has(ZADD_INCR) && pairs > 2) return ctx.out.error('ERR INCR option supports a single increment-element pair');
  // Every score is checked before anything changes: ZADD applies all pairs or none.
  const scores: number[] = [];
  for (let j = at; j < argv.length; j += 2) {
    const s = doubleOrReply(ctx.out, argv[j]!);
    if (s === undefined) return;
    scores.push(s);
  }
  const key = keyString(argv[1]!);
  const found = zsetOrReply(ctx, key);
  if (found === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let nan = false;
  if (found !== undefined || !has(ZADD_XX)) { // a missing key under XX has nothing to update
    const z = found ?? new ZSet();
    for (let j = 0; j < scores.length && !nan; j++) {
      const r = z.add(keyString(argv[at + 1 + j * 2]!), scores[j]!, flags);
      nan = (r.flags & ZADD_NAN) !== 0;
      if ((r.flags & ZADD_ADDED) !== 0) added++;
      if ((r.flags & ZADD_UPDATED) !== 0) updated++;
      if ((r.flags & (ZADD_NOP | ZADD_NAN)) === 0) processed++;
      score = r.score;
    }
    if (found === undefined && z.size > 0) ctx.db.set(key, z);
    ctx.dirty += added + updated;
  }
  if (nan) ctx.out.error(ERR_SCORE_NAN);
  else if (has(ZADD_INCR)) {
    if (processed > 0) replyDouble(ctx.out, score);
    else ctx.out.nullBulk();
  } else {
    ctx.out.integer(has(ZADD_CH) ? added + updated : added);
  }
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
function zaddCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zaddGeneric(ctx, argv, 0);
}

// ZINCRBY key increment member
function zincrbyCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zaddGeneric(ctx, argv, ZADD_INCR);
}

// ZREM key member [member ...]
function zremCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const key = keyString(argv[1]!);
  const z = zsetOrReply(ctx, key);
  if (z === null) return;
  if (z === undefined) return ctx.out.integer(0);
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(keyString(argv[j]!))) deleted++;
    if (z.size === 0) break;
  }
  if (z.size === 0) ctx.db.delete(key);
  ctx.dirty += deleted;
  ctx.out.integer(deleted);
}

// ---------------------------------------------------------------------------------------------
// Lookups and counts
// ---------------------------------------------------------------------------------------------

// ZCARD key
function zcardCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z !== null) ctx.out.integer(z?.size ?? 0);
}

// ZSCORE key member
function zscoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  const s = z?.score(keyString(argv[2]!));
  if (s === undefined) ctx.out.nullBulk();
  else replyDouble(ctx.out, s);
}

// ZMSCORE key member [member ...]
function zmscoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  ctx.out.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(keyString(argv[j]!));
    if (s === undefined) ctx.out.nullBulk();
    else replyDouble(ctx.out, s);
  }
}

function zrankGeneric(ctx: ExecCtx, argv: Buffer[], reverse: boolean): void {
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  const r = z?.rank(keyString(argv[2]!), reverse);
  if (r === undefined) ctx.out.nullBulk();
  else ctx.out.integer(r);
}

// ZRANK key member
function zrankCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrankGeneric(ctx, argv, false);
}

// ZREVRANK key member
function zrevrankCommand(ctx: ExecCtx, argv: Buffer[]): void {
  zrankGeneric(ctx, argv, true);
}

// ZCOUNT key min max
function zcountCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const range = scoreRangeOrReply(ctx.out, argv[2]!, argv[3]!);
  if (range === undefined) return;
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z !== null) ctx.out.integer(z?.count(range) ?? 0);
}

// ZLEXCOUNT key min max
function zlexcountCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const range = lexRangeOrReply(ctx.out, argv[2]!, argv[3]!);
  if (range === undefined) return;
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z !== null) ctx.out.integer(z?.lexCount(range) ?? 0);
}

