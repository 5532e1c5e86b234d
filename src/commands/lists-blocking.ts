/**
 * The blocking list pops: BLPOP, BRPOP, BRPOPLPUSH and BLMOVE (their rows are in lists.ts).
 *
 * When a key has data they act at once like LPOP/RPOP/LMOVE. When none has, the handler calls
 * ctx.block() and writes nothing; the shard parks the command and, once a push signals one of
 * its keys ready, runs the same handler again with the same arguments, oldest waiter first (a
 * waiter that still finds nothing keeps its place). At the deadline the shard answers `*-1`.
 *
 * Writes rewritten for the log: the command as received must never reach it (a replica or a
 * replay would block, or pop at another time), so a pop is logged as what it did:
 *   BLPOP/BRPOP -> LPOP/RPOP key;  BRPOPLPUSH -> RPOPLPUSH src dst;  BLMOVE -> LMOVE src dst ...
 */
import { ERR_WRONGTYPE } from './replies.ts';
import type { ExecCtx } from './table.ts';
import { timeoutOrReply } from './timeouts.ts';
import { lmoveGeneric, whereOrReply } from './lists.ts';
import { keyString } from '../shard/keyspace.ts';
import { isList, LIST_HEAD, LIST_TAIL, listPopOne, type Where } from '../shard/types/list.ts';


/** The absolute deadline for a wait of `ms` from now (0 stays 0: no deadline). */
const deadline = (ctx: ExecCtx, ms: number): number => (ms === 0 ? 0 : ctx.now + ms);

/** Keys once each: a command parked twice under one key would be woken twice. */
function uniqueKeys(keys: string[]): string[] {
  return keys.length === 1 ? keys : [...new Set(keys)];
}

function blockingPopGeneric(ctx: ExecCtx, argv: Buffer[], where: Where): void {
  const ms = timeoutOrReply(ctx.out, argv[argv.length - 1]!);
  if (ms === undefined) return;
  const keys: string[] = [];
  for (let i = 1; i < argv.length - 1; i++) {
    const key = keyString(argv[i]!);
    const v = ctx.db.lookup(key);
    if (v === undefined) {
      keys.push(key);
      continue;
    }
    if (!isList(v)) return ctx.out.error(ERR_WRONGTYPE);
    // A stored list is never empty: pop from the first key that exists.
    const value = listPopOne(ctx.db, key, v, where);
    ctx.dirty++;
    ctx.propagate([where === LIST_HEAD ? 'LPOP' : 'RPOP', key]);
    ctx.out.arrayHeader(2);
    ctx.out.bulkLatin1(key);
    ctx.out.bulkLatin1(value);
    return;
  }
  ctx.block(uniqueKeys(keys), deadline(ctx, ms));
}

// BLPOP key [key ...] timeout
export function blpopCommand(ctx: ExecCtx, argv: Buffer[]): void {
  blockingPopGeneric(ctx, argv, LIST_HEAD);
}

// BRPOP key [key ...] timeout
export function brpopCommand(ctx: ExecCtx, argv: Buffer[]): void {
  blockingPopGeneric(ctx, argv, LIST_TAIL);
}

/** BLMOVE's core: moves at once when src has data, otherwise parks on src. */
function blmoveGeneric(ctx: ExecCtx, argv: Buffer[], from: Where, to: Where, ms: number,
  effect: readonly (Uint8Array | string)[]): void {
  const src = keyString(argv[1]!);
  const v = ctx.db.lookup(src);
  if (v === undefined) return ctx.block([src], deadline(ctx, ms));
  if (!isList(v)) return ctx.out.error(ERR_WRONGTYPE);
  if (lmoveGeneric(ctx, src, keyString(argv[2]!), from, to)) ctx.propagate(effect);
}

// BRPOPLPUSH source destination timeout
export function brpoplpushCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const ms = timeoutOrReply(ctx.out, argv[3]!);
  if (ms === undefined) return;
  blmoveGeneric(ctx, argv, LIST_TAIL, LIST_HEAD, ms, ['RPOPLPUSH', argv[1]!, argv[2]!]);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
export function blmoveCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const from = whereOrReply(ctx.out, argv[3]!);
  if (from === undefined) return;
  const to = whereOrReply(ctx.out, argv[4]!);
  if (to === undefined) return;
  const ms = timeoutOrReply(ctx.out, argv[5]!);
  if (ms === undefined) return;
  blmoveGeneric(ctx, argv, from, to, ms, ['LMOVE', argv[1]!, argv[2]!, argv[3]!, argv[4]!]);
}
