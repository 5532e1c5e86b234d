/**
 * List commands: pushes and pops at both ends, index and range access, LINSERT/LREM/LTRIM,
 * LPOS, and the moves between lists. They work on the list type through shard/types/list.ts;
 * the blocking pops' handlers live in lists-blocking.ts and their rows here. (The two files
 * import each other's function declarations only, which ES modules bind before either runs.)
 *
 * Every push that creates a list signals its key ready, so a client parked in BLPOP & co on
 * that key runs again right after this command (a list that already existed has no waiters:
 * they would have popped it). Nothing here is rewritten for the log: each command's effect
 * follows from its arguments and the data alone.
 */
import { ERR_NO_SUCH_KEY, ERR_SYNTAX, ERR_WRONGTYPE, EMPTY_ARRAY, errWrongArgs, type ReplyWriter } from './replies.ts';
import { BLOCKING, cmd, DENYOOM, FAST, NOSCRIPT, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { argIs, int64OrReply } from './strings.ts';
import { blmoveCommand, blpopCommand, brpoplpushCommand, brpopCommand } from './lists-blocking.ts';
import { keyString } from '../shard/keyspace.ts';
import { Status, string2ll, type Int64 } from '../shard/types/string.ts';
import { deleteIfEmpty, List, LIST_HEAD, LIST_TAIL, listIndex, listInsert, listPopMany, listPopOne,
  listPositions, listPush, listRange, listRemove, lookupList, type Where } from '../shard/types/list.ts';
import { latin1, latin1Args } from '../util/latin1.ts';
import type { RequestArgs } from '../ring/codec.ts';
import { valueOrReply } from './lookup.ts';

const ERR_NOT_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_INDEX_RANGE = 'ERR index out of range';
const ERR_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
  'or use negative to start from the end of the list';
const ERR_COUNT_NEGATIVE = "ERR COUNT can't be negative";
const ERR_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
const LONG_MIN = -(2n ** 63n);

export const LIST_COMMANDS: readonly CommandSpec[] = [
  //   name          arity flags                   first last step handler
  cmd('LPUSH',         -3, WRITE | DENYOOM | FAST,   1,    1,   1,   lpushCommand, { direct: lpushDirect }),
  cmd('RPUSH',         -3, WRITE | DENYOOM | FAST,   1,    1,   1,   rpushCommand, { direct: rpushDirect }),
  cmd('LPUSHX',        -3, WRITE | DENYOOM | FAST,   1,    1,   1,   lpushxCommand),
  cmd('RPUSHX',        -3, WRITE | DENYOOM | FAST,   1,    1,   1,   rpushxCommand),
  cmd('LINSERT',        5, WRITE | DENYOOM,          1,    1,   1,   linsertCommand),
  cmd('LLEN',           2, READONLY | FAST,          1,    1,   1,   llenCommand),
  cmd('LINDEX',         3, READONLY,                 1,    1,   1,   lindexCommand),
  cmd('LSET',           4, WRITE | DENYOOM,          1,    1,   1,   lsetCommand),
  cmd('LPOP',          -2, WRITE | FAST,             1,    1,   1,   lpopCommand),
  cmd('RPOP',          -2, WRITE | FAST,             1,    1,   1,   rpopCommand),
  cmd('LRANGE',         4, READONLY,                 1,    1,   1,   lrangeCommand),
  cmd('LTRIM',          4, WRITE,                    1,    1,   1,   ltrimCommand),
  cmd('LPOS',          -3, READONLY,                 1,    1,   1,   lposCommand),
  cmd('LREM',           4, WRITE,                    1,    1,   1,   lremCommand),
  cmd('RPOPLPUSH',      3, WRITE | DENYOOM,          1,    2,   1,   rpoplpushCommand),
  cmd('LMOVE',          5, WRITE | DENYOOM,          1,    2,   1,   lmoveCommand),
  cmd('BLPOP',         -3, WRITE | NOSCRIPT | BLOCKING,           1,   -2,   1,   blpopCommand),
  cmd('BRPOP',         -3, WRITE | NOSCRIPT | BLOCKING,           1,   -2,   1,   brpopCommand),
  cmd('BRPOPLPUSH',     4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, 1,    2,   1,   brpoplpushCommand),
  cmd('BLMOVE',         6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, 1,    2,   1,   blmoveCommand),
];

// ---------------------------------------------------------------------------------------------
// Helpers shared with lists-blocking.ts
// ---------------------------------------------------------------------------------------------

/** arg as a long (Redis's getLongFromObjectOrReply), or writes the error and returns undefined. */
function longOrReply(out: ReplyWriter, arg: Uint8Array): number | undefined {
  const n = int64OrReply(out, arg);
  return n === undefined ? undefined : Number(n);
}

/** A non-negative long, or writes `err` (also for a non-integer, as Redis does) and returns undefined. */
function positiveLongOrReply(out: ReplyWriter, arg: Uint8Array, err: string): number | undefined {
  const n = string2ll(arg);
  if (n === undefined || n < 0) {
    out.error(err);
    return undefined;
  }
  return Number(n);
}

/** LEFT or RIGHT as a list end, or writes the syntax error and returns undefined. */
export function whereOrReply(out: ReplyWriter, arg: Uint8Array): Where | undefined {
  if (argIs(arg, 'left')) return LIST_HEAD;
  if (argIs(arg, 'right')) return LIST_TAIL;
  out.error(ERR_SYNTAX);
  return undefined;
}

/** The list at key, undefined (nothing written) when missing, or null with WRONGTYPE written. */
function listOrReply(ctx: ExecCtx, key: string): List | undefined | null {
  return valueOrReply(ctx, lookupList, key);
}

/**
 * LMOVE's core, shared with the blocking moves: pops from src at `from`, pushes to dst at
 * `to`, and replies with the element; a missing src replies nil. Returns true when it moved.
 * Like Redis, dst's type is checked before anything is popped.
 */
export function lmoveGeneric(ctx: ExecCtx, src: string, dst: string, from: Where, to: Where): boolean {
  const list = listOrReply(ctx, src);
  if (list === null) return false;
  if (list === undefined) {
    ctx.out.nullBulk();
    return false;
  }
  let target = listOrReply(ctx, dst);
  if (target === null) return false;
  const value = list.pop(from);
  const created = target === undefined;
  if (target === undefined) ctx.db.set(dst, (target = new List()));
  target.push(value, to);
  // src === dst with one element: the pop emptied it and the push refilled the same list.
  if (src !== dst) deleteIfEmpty(ctx.db, src, list);
  if (created) ctx.signalReady(dst);
  ctx.dirty++;
  ctx.out.bulkLatin1(value);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pushes
// ---------------------------------------------------------------------------------------------

function pushGeneric(ctx: ExecCtx, argv: Buffer[], where: Where, onlyIfExists: boolean): void {
  const key = keyString(argv[1]!);
  replyPushed(ctx, key, listPush(ctx.db, key, latin1Args(argv, 2), where, onlyIfExists), argv.length - 2);
}

function lpushDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  return pushDirect(ctx, args, LIST_HEAD);
}

function rpushDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  return pushDirect(ctx, args, LIST_TAIL);
}

/** LPUSH and RPUSH with the key and elements read in place. */
function pushDirect(ctx: ExecCtx, args: RequestArgs, where: Where): boolean {
  const key = args.latin1(1);
  replyPushed(ctx, key, listPush(ctx.db, key, args.latin1From(2), where, false), args.count - 2);
  return true;
}

function replyPushed(ctx: ExecCtx, key: string, r: ReturnType<typeof listPush>, pushed: number): void {
  if (r === Status.WRONGTYPE) return ctx.out.error(ERR_WRONGTYPE);
  if (r.length > 0) ctx.dirty += pushed;
  if (r.created) ctx.signalReady(key);
  ctx.out.integer(r.length);
}

// LPUSH key element [element ...]
function lpushCommand(ctx: ExecCtx, argv: Buffer[]): void {
  pushGeneric(ctx, argv, LIST_HEAD, false);
}

// RPUSH key element [element ...]
function rpushCommand(ctx: ExecCtx, argv: Buffer[]): void {
  pushGeneric(ctx, argv, LIST_TAIL, false);
}

// LPUSHX key element [element ...]
function lpushxCommand(ctx: ExecCtx, argv: Buffer[]): void {
  pushGeneric(ctx, argv, LIST_HEAD, true);
}

// RPUSHX key element [element ...]
function rpushxCommand(ctx: ExecCtx, argv: Buffer[]): void {
  pushGeneric(ctx, argv, LIST_TAIL, true);
}

// LINSERT key BEFORE|AFTER pivot element
function linsertCommand(ctx: ExecCtx, argv: Buffer[]): void {
  let after: boolean;
  if (argIs(argv[2]!, 'after')) after = true;
  else if (argIs(argv[2]!, 'before')) after = false;
  else return ctx.out.error(ERR_SYNTAX);
  const key = keyString(argv[1]!);
  const list = listOrReply(ctx, key);
  if (list === null) return;
  if (list === undefined) return ctx.out.integer(0);
  const n = listInsert(list, after, latin1(argv[3]!), latin1(argv[4]!));
  if (n > 0) ctx.dirty++;
  ctx.out.integer(n);
}

// ---------------------------------------------------------------------------------------------
// Reads and in-place writes
// ---------------------------------------------------------------------------------------------

// LLEN key
function llenCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const list = listOrReply(ctx, keyString(argv[1]!));
  if (list !== null) ctx.out.integer(list?.length ?? 0);
}

// LINDEX key index
function lindexCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const list = listOrReply(ctx, keyString(argv[1]!));
  if (list === null) return;
  if (list === undefined) return ctx.out.nullBulk();
  const index = longOrReply(ctx.out, argv[2]!);
  if (index === undefined) return;
  const i = listIndex(list, index);
  if (i < 0) ctx.out.nullBulk();
  else ctx.out.bulkLatin1(list.at(i));
}

// LSET key index element
function lsetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const list = listOrReply(ctx, keyString(argv[1]!));
  if (list === null) return;
  if (list === undefined) return ctx.out.error(ERR_NO_SUCH_KEY);
  const index = longOrReply(ctx.out, argv[2]!);
  if (index === undefined) return;
  const i = listIndex(list, index);
  if (i < 0) return ctx.out.error(ERR_INDEX_RANGE);
  list.setAt(i, latin1(argv[3]!));
  ctx.dirty++;
  ctx.out.ok();
}

// LRANGE key start stop
function lrangeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const start = longOrReply(ctx.out, argv[2]!);
  if (start === undefined) return;
  const stop = longOrReply(ctx.out, argv[3]!);
  if (stop === undefined) return;
  const list = listOrReply(ctx, keyString(argv[1]!));
  if (list === null) return;
  const range = list === undefined ? undefined : listRange(list.length, start, stop);
  if (range === undefined) return ctx.out.raw(EMPTY_ARRAY);
  const [first, last] = range;
  ctx.out.arrayHeader(last - first + 1);
  for (let i = first; i <= last; i++) ctx.out.bulkLatin1(list!.at(i));
}

// LTRIM key start stop
function ltrimCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const start = longOrReply(ctx.out, argv[2]!);
  if (start === undefined) return;
  const stop = longOrReply(ctx.out, argv[3]!);
  if (stop === undefined) return;
  const key = keyString(argv[1]!);
  const list = listOrReply(ctx, key);
  if (list === null) return;
  if (list !== undefined) {
    const len = list.length;
    const range = listRange(len, start, stop);
    const fromHead = range === undefined ? len : range[0];
    const fromTail = range === undefined ? 0 : len - 1 - range[1];
    if (fromHead + fromTail > 0) {
      list.trim(fromHead, fromTail);
      deleteIfEmpty(ctx.db, key, list);
      ctx.dirty += fromHead + fromTail;
    }
  }
  ctx.out.ok();
}

// LREM key count element
function lremCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const count = longOrReply(ctx.out, argv[2]!);
  if (count === undefined) return;
  const key = keyString(argv[1]!);
  const list = listOrReply(ctx, key);
  if (list === null) return;
  if (list === undefined) return ctx.out.integer(0);
  const removed = listRemove(list, latin1(argv[3]!), count);
  if (removed > 0) {
    deleteIfEmpty(ctx.db, key, list);
    ctx.dirty += removed;
  }
  ctx.out.integer(removed);
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
function lposCommand(ctx: ExecCtx, argv: Buffer[]): void {
  let rank: Int64 = 1;
  let count = -1; // no COUNT: reply with one position or nil
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j + 1 < argv.length;
    if (more && argIs(opt, 'rank')) {
      const r = int64OrReply(ctx.out, argv[++j]!);
      if (r === undefined) return;
      if (r === 0) return ctx.out.error(ERR_RANK_ZERO);
      rank = r;
    } else if (more && argIs(opt, 'count')) {
      const c = positiveLongOrReply(ctx.out, argv[++j]!, ERR_COUNT_NEGATIVE);
      if (c === undefined) return;
      count = c;
    } else if (more && argIs(opt, 'maxlen')) {
      const m = positiveLongOrReply(ctx.out, argv[++j]!, ERR_MAXLEN_NEGATIVE);
      if (m === undefined) return;
      maxlen = m;
    } else {
      return ctx.out.error(ERR_SYNTAX);
    }
  }
  // Redis negates LONG_MIN into itself: every match from the tail qualifies, and its COUNT
  // check overflows so that COUNT stops nothing. Kept for byte-compatible replies.
  if (rank === LONG_MIN) {
    rank = -1;
    if (count > 0) count = 0;
  }
  const list = listOrReply(ctx, keyString(argv[1]!));
  if (list === null) return;
  const element = latin1(argv[2]!);
  const found = list === undefined ? [] : listPositions(list, element, Number(rank), count === -1 ? 1 : count, maxlen);
  if (count !== -1) {
    ctx.out.arrayHeader(found.length);
    for (const i of found) ctx.out.integer(i);
  } else if (found.length === 0) ctx.out.nullBulk();
  else ctx.out.integer(found[0]!);
}

// ---------------------------------------------------------------------------------------------
// Pops and moves
// ---------------------------------------------------------------------------------------------

function popGeneric(ctx: ExecCtx, argv: Buffer[], where: Where): void {
  if (argv.length > 3) return ctx.out.error(errWrongArgs(argv[0]!.toString('latin1')));
  const hasCount = argv.length === 3;
  let count = 1;
  if (hasCount) {
    const c = positiveLongOrReply(ctx.out, argv[2]!, ERR_NOT_POSITIVE);
    if (c === undefined) return;
    count = c;
  }
  const key = keyString(argv[1]!);
  const list = listOrReply(ctx, key);
  if (list === null) return;
  if (list === undefined) return hasCount ? ctx.out.nullArray() : ctx.out.nullBulk();
  if (!hasCount) {
    ctx.dirty++;
    return ctx.out.bulkLatin1(listPopOne(ctx.db, key, list, where));
  }
  if (count === 0) return ctx.out.raw(EMPTY_ARRAY);
  const popped = listPopMany(ctx.db, key, list, where, count);
  ctx.dirty += popped.length;
  ctx.out.latin1Array(popped);
}

// LPOP key [count]
function lpopCommand(ctx: ExecCtx, argv: Buffer[]): void {
  popGeneric(ctx, argv, LIST_HEAD);
}

// RPOP key [count]
function rpopCommand(ctx: ExecCtx, argv: Buffer[]): void {
  popGeneric(ctx, argv, LIST_TAIL);
}

// RPOPLPUSH source destination
function rpoplpushCommand(ctx: ExecCtx, argv: Buffer[]): void {
  lmoveGeneric(ctx, keyString(argv[1]!), keyString(argv[2]!), LIST_TAIL, LIST_HEAD);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
function lmoveCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const from = whereOrReply(ctx.out, argv[3]!);
  if (from === undefined) return;
  const to = whereOrReply(ctx.out, argv[4]!);
  if (to === undefined) return;
  lmoveGeneric(ctx, keyString(argv[1]!), keyString(argv[2]!), from, to);
}
