/**
 * String commands: GET/SET and their variants, counters, ranges, MGET/MSET. They work on the
 * string type through shard/types/string.ts.
 *
 * Writes rewritten for the log, so that replaying it gives the same data:
 *  - SET/SETEX/PSETEX with an expiry  -> SET key value PXAT <absolute ms> (a relative time
 *    would restart on replay);
 *  - SET ... GET                      -> the same SET without GET (the reply is not an effect);
 *  - INCRBYFLOAT                      -> SET key <result> KEEPTTL (float formatting must not
 *    let replicas or a reload come to a different value).
 */
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OFFSET_RANGE, ERR_OVERFLOW, ERR_INCR_NAN, ERR_STRING_TOO_LONG,
  ERR_SYNTAX, ERR_WRONGTYPE, errInvalidExpire, errWrongArgs, type ReplyWriter } from './replies.ts';
import { cmd, DENYOOM, FAST, Merge, READONLY, RunsOn, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { keyString, type Value } from '../shard/keyspace.ts';
import type { RequestArgs } from '../ring/codec.ts';
import { append, BIG_VALUE, incrBy, incrByFloat, incrLookedUp, isStatus, isString, lookupString, setRange, setStringBytes,
  Status, string2ld, string2ll, stringLength, valueFromBytes, type Int64, type StringValue } from '../shard/types/string.ts';

const ERR_DECR_OVERFLOW = 'ERR decrement would overflow';

export const STRING_COMMANDS: readonly CommandSpec[] = [
  //   name           arity flags                    first last step handler
  cmd('GET',             2, READONLY | FAST,           1,    1,   1,   getCommand, { direct: getDirect }),
  cmd('SET',            -3, WRITE | DENYOOM,           1,    1,   1,   setCommand, { direct: setDirect }),
  cmd('SETNX',           3, WRITE | DENYOOM | FAST,    1,    1,   1,   setnxCommand),
  cmd('SETEX',           4, WRITE | DENYOOM,           1,    1,   1,   setexCommand),
  cmd('PSETEX',          4, WRITE | DENYOOM,           1,    1,   1,   psetexCommand),
  cmd('GETSET',          3, WRITE | DENYOOM | FAST,    1,    1,   1,   getsetCommand),
  cmd('APPEND',          3, WRITE | DENYOOM | FAST,    1,    1,   1,   appendCommand),
  cmd('STRLEN',          2, READONLY | FAST,           1,    1,   1,   strlenCommand),
  cmd('SETRANGE',        4, WRITE | DENYOOM,           1,    1,   1,   setrangeCommand),
  cmd('GETRANGE',        4, READONLY,                  1,    1,   1,   getrangeCommand),
  cmd('SUBSTR',          4, READONLY,                  1,    1,   1,   getrangeCommand),
  cmd('INCR',            2, WRITE | DENYOOM | FAST,    1,    1,   1,   incrCommand, { direct: incrDirect }),
  cmd('DECR',            2, WRITE | DENYOOM | FAST,    1,    1,   1,   decrCommand, { direct: decrDirect }),
  cmd('INCRBY',          3, WRITE | DENYOOM | FAST,    1,    1,   1,   incrbyCommand),
  cmd('DECRBY',          3, WRITE | DENYOOM | FAST,    1,    1,   1,   decrbyCommand),
  cmd('INCRBYFLOAT',     3, WRITE | DENYOOM | FAST,    1,    1,   1,   incrbyfloatCommand),
  cmd('MGET',           -2, READONLY | FAST,           1,   -1,   1,   mgetCommand,
    { runsOn: RunsOn.SPLIT, merge: Merge.BY_POSITION, direct: mgetDirect }),
  cmd('MSET',           -3, WRITE | DENYOOM,           1,   -1,   2,   msetCommand,
    { runsOn: RunsOn.SPLIT, merge: Merge.OK, direct: msetDirect }),
  cmd('MSETNX',         -3, WRITE | DENYOOM,           1,   -1,   2,   msetnxCommand),
];

// ---------------------------------------------------------------------------------------------
// Helpers shared with bits.ts
// ---------------------------------------------------------------------------------------------

const STATUS_ERRORS = new Map<Status, string>([
  [Status.WRONGTYPE, ERR_WRONGTYPE],
  [Status.NOT_INTEGER, ERR_NOT_INTEGER],
  [Status.NOT_FLOAT, ERR_NOT_FLOAT],
  [Status.OVERFLOW, ERR_OVERFLOW],
  [Status.NAN_OR_INF, ERR_INCR_NAN],
  [Status.TOO_LONG, ERR_STRING_TOO_LONG],
]);

/** The error reply for an op's status. */
export function replyStatus(out: ReplyWriter, s: Status): void {
  out.error(STATUS_ERRORS.get(s)!);
}

/** A string value as a bulk reply, from either encoding. */
export function replyString(out: ReplyWriter, v: StringValue): void {
  if (typeof v === 'string') out.bulkLatin1(v);
  else out.bulk(v.view());
}

/** True when arg is word (lower case ASCII) in any letter case; allocates nothing. */
export function argIs(arg: Uint8Array, word: string): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < arg.length; i++) if ((arg[i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** arg as a signed 64-bit integer, or writes the error and returns undefined. */
export function int64OrReply(out: ReplyWriter, arg: Uint8Array, err = ERR_NOT_INTEGER): Int64 | undefined {
  const n = string2ll(arg);
  if (n === undefined) out.error(err);
  return n;
}

// ---------------------------------------------------------------------------------------------
// GET / SET
// ---------------------------------------------------------------------------------------------

/** Writes GET's reply; false when the key held the wrong type (the error is written). */
function getGeneric(ctx: ExecCtx, key: string): boolean {
  return replyGet(ctx, ctx.db.lookup(key));
}

/** GET's reply for a looked-up value; false when it is not a string (the error is written). */
function replyGet(ctx: ExecCtx, v: Value | undefined): boolean {
  if (v === undefined) ctx.out.nullBulk();
  else if (isString(v)) replyString(ctx.out, v);
  else {
    ctx.out.error(ERR_WRONGTYPE);
    return false;
  }
  return true;
}

// GET key
function getCommand(ctx: ExecCtx, argv: Buffer[]): void {
  getGeneric(ctx, keyString(argv[1]!));
}

function getDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  if (!replyStringOfArg(ctx, args, 1)) ctx.out.error(ERR_WRONGTYPE);
  return true;
}

/**
 * The string value of argument j's key as a bulk reply, or the null bulk for a missing key; an
 * inline value is copied from its bytes, without making its string. False when the key holds
 * another type (nothing written: GET's error and MGET's null differ).
 */
function replyStringOfArg(ctx: ExecCtx, args: RequestArgs, j: number): boolean {
  const db = ctx.db;
  if (!db.lookupEntryBytes(args.buf, args.start(j), args.end(j), args.slotOf(j))) {
    ctx.out.nullBulk();
    return true;
  }
  if (db.replyLookedUpInline(ctx.out)) return true;
  const v = db.lookedUpValue();
  if (!isString(v)) return false;
  replyString(ctx.out, v);
  return true;
}

const SET_NX = 1 << 0; // set only if the key does not exist
const SET_XX = 1 << 1; // set only if the key exists
const SET_KEEPTTL = 1 << 2; // keep the key's TTL instead of clearing it
const SET_GET = 1 << 3; // reply with the old value instead of OK
const SET_EX = 1 << 4; // relative expiry in seconds
const SET_PX = 1 << 5; // relative expiry in milliseconds
const SET_EXAT = 1 << 6; // absolute expiry in unix seconds
const SET_PXAT = 1 << 7; // absolute expiry in unix milliseconds
const SET_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;
const SET_SECONDS = SET_EX | SET_EXAT;
const SET_RELATIVE = SET_EX | SET_PX;
const INT64_MAX = 2n ** 63n - 1n;

const SET_OPTIONS: readonly [string, number, number][] = [
  // word       flag         flags it cannot be combined with
  ['nx', SET_NX, SET_XX],
  ['xx', SET_XX, SET_NX],
  ['get', SET_GET, 0],
  ['keepttl', SET_KEEPTTL, SET_EXPIRE],
  ['ex', SET_EX, SET_KEEPTTL | SET_PX | SET_EXAT | SET_PXAT],
  ['px', SET_PX, SET_KEEPTTL | SET_EX | SET_EXAT | SET_PXAT],
  ['exat', SET_EXAT, SET_KEEPTTL | SET_EX | SET_PX | SET_PXAT],
  ['pxat', SET_PXAT, SET_KEEPTTL | SET_EX | SET_PX | SET_EXAT],
];

/**
 * The absolute expiry in ms for an EX/PX/EXAT/PXAT argument, or writes the error. In BigInt
 * because Redis rejects a result past int64 and every step must be exact to match it.
 */
function expireAtOrReply(ctx: ExecCtx, arg: Buffer, flags: number, name: Buffer): bigint | undefined {
  const n = int64OrReply(ctx.out, arg);
  if (n === undefined) return undefined;
  let ms = BigInt(n);
  if (ms <= 0n || ((flags & SET_SECONDS) !== 0 && ms > INT64_MAX / 1000n)) {
    ctx.out.error(errInvalidExpire(name.toString('latin1')));
    return undefined;
  }
  if ((flags & SET_SECONDS) !== 0) ms *= 1000n;
  if ((flags & SET_RELATIVE) !== 0) ms += BigInt(ctx.now);
  if (ms > INT64_MAX) {
    ctx.out.error(errInvalidExpire(name.toString('latin1')));
    return undefined;
  }
  return ms;
}

/** SET and its variants; okReply/abortReply write the non-GET replies (SETNX answers 1/0). */
function setGeneric(ctx: ExecCtx, argv: Buffer[], flags: number, expireArg: Buffer | undefined,
  okReply: (out: ReplyWriter) => void, abortReply: (out: ReplyWriter) => void): void {
  let expireAt: bigint | undefined;
  if (expireArg !== undefined) {
    expireAt = expireAtOrReply(ctx, expireArg, flags, argv[0]!);
    if (expireAt === undefined) return;
  }
  const key = keyString(argv[1]!);
  if ((flags & SET_GET) !== 0 && !getGeneric(ctx, key)) return;
  // NX, XX and KEEPTTL depend on whether the key is alive (lookup() deletes an expired one first,
  // as Redis's lookupKeyWrite does); a plain SET overwrites whatever is there, TTL included, so
  // it skips that second hash lookup.
  if ((flags & (SET_NX | SET_XX | SET_KEEPTTL)) !== 0) {
    const found = ctx.db.lookup(key) !== undefined;
    if (((flags & SET_NX) !== 0 && found) || ((flags & SET_XX) !== 0 && !found)) {
      if ((flags & SET_GET) === 0) abortReply(ctx.out);
      return;
    }
  }
  const value = argv[2]!;
  setStringBytes(ctx.db, key, value, (flags & SET_KEEPTTL) !== 0);
  ctx.dirty++;
  if (expireAt !== undefined) {
    ctx.db.setExpire(key, Number(expireAt));
    // A relative expiry would restart when the log is replayed: log the absolute time.
    ctx.propagate(['SET', argv[1]!, value, 'PXAT', expireAt.toString()]);
  } else if ((flags & SET_GET) !== 0) {
    ctx.propagate(argv.filter((a, i) => i < 3 || !argIs(a, 'get')));
  }
  if ((flags & SET_GET) === 0) okReply(ctx.out);
}

const replyOk = (out: ReplyWriter): void => out.ok();
const replyNull = (out: ReplyWriter): void => out.nullBulk();
const replyOne = (out: ReplyWriter): void => out.integer(1);
const replyZero = (out: ReplyWriter): void => out.integer(0);

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT unix-s|PXAT unix-ms|KEEPTTL]
function setCommand(ctx: ExecCtx, argv: Buffer[]): void {
  let flags = 0;
  let expireArg: Buffer | undefined;
  for (let j = 3; j < argv.length; j++) {
    const opt = SET_OPTIONS.find(([word]) => argIs(argv[j]!, word));
    const takesArg = opt !== undefined && (opt[1] & SET_EXPIRE) !== 0;
    if (opt === undefined || (flags & opt[2]) !== 0 || (takesArg && j + 1 >= argv.length)) {
      ctx.out.error(ERR_SYNTAX);
      return;
    }
    flags |= opt[1];
    if (takesArg) expireArg = argv[++j];
  }
  setGeneric(ctx, argv, flags, expireArg, replyOk, replyNull);
}

// SET key value, with no options and a value short enough to keep as a string: nearly every SET.
function setDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  if (args.count !== 3 || args.length(2) > BIG_VALUE) return false;
  ctx.db.setBytesOfBytes(args.buf, args.start(1), args.end(1), args.buf, args.start(2), args.end(2), args.slotOf(1));
  ctx.dirty++;
  ctx.out.ok();
  return true;
}

// SETNX key value
function setnxCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setGeneric(ctx, argv, SET_NX, undefined, replyOne, replyZero);
}

// SETEX key seconds value
function setexCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setGeneric(ctx, [argv[0]!, argv[1]!, argv[3]!], SET_EX, argv[2], replyOk, replyNull);
}

// PSETEX key milliseconds value
function psetexCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setGeneric(ctx, [argv[0]!, argv[1]!, argv[3]!], SET_PX, argv[2], replyOk, replyNull);
}

// GETSET key value
function getsetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const key = keyString(argv[1]!);
  if (!getGeneric(ctx, key)) return;
  ctx.db.set(key, valueFromBytes(argv[2]!));
  ctx.dirty++;
  ctx.propagate(['SET', argv[1]!, argv[2]!]); // as Redis 7 logs it: the old value is no effect
}

// ---------------------------------------------------------------------------------------------
// Lengths and ranges
// ---------------------------------------------------------------------------------------------

// APPEND key value
function appendCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const r = append(ctx.db, keyString(argv[1]!), argv[2]!, ctx.config.protoMaxBulkLen);
  if (isStatus(r)) return replyStatus(ctx.out, r);
  ctx.dirty++;
  ctx.out.integer(r);
}

// STRLEN key
function strlenCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const v = lookupString(ctx.db, keyString(argv[1]!));
  if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
  ctx.out.integer(v === undefined ? 0 : stringLength(v));
}

// SETRANGE key offset value
function setrangeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const offset = int64OrReply(ctx.out, argv[2]!);
  if (offset === undefined) return;
  if (offset < 0) return ctx.out.error(ERR_OFFSET_RANGE);
  const key = keyString(argv[1]!);
  const value = argv[3]!;
  if (value.length === 0) {
    // Setting nothing creates nothing: reply with the current length.
    const v = lookupString(ctx.db, key);
    if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
    return ctx.out.integer(v === undefined ? 0 : stringLength(v));
  }
  const max = ctx.config.protoMaxBulkLen;
  const r = setRange(ctx.db, key, offset > max ? max + 1 : Number(offset), value, max);
  if (isStatus(r)) return replyStatus(ctx.out, r);
  ctx.dirty++;
  ctx.out.integer(r);
}

// GETRANGE key start end (and SUBSTR, its old name)
function getrangeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const s = int64OrReply(ctx.out, argv[2]!);
  if (s === undefined) return;
  const e = int64OrReply(ctx.out, argv[3]!);
  if (e === undefined) return;
  const v = lookupString(ctx.db, keyString(argv[1]!));
  if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
  const len = v === undefined ? 0 : stringLength(v);
  // Compared exactly first; past that, indexes beyond ±2^53 only ever clamp, so Number()
  // loses nothing that matters.
  if (s < 0 && e < 0 && s > e) return ctx.out.bulkLatin1('');
  let start = Number(s);
  let end = Number(e);
  if (start < 0) start = Math.max(len + start, 0);
  if (end < 0) end = Math.max(len + end, 0);
  if (end >= len) end = len - 1;
  if (v === undefined || start > end || len === 0) return ctx.out.bulkLatin1('');
  if (typeof v === 'string') ctx.out.bulkLatin1(v.slice(start, end + 1));
  else ctx.out.bulk(v.buf.subarray(start, end + 1));
}

// ---------------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------------

function incrDecrGeneric(ctx: ExecCtx, key: string, by: Int64): void {
  replyIncremented(ctx, incrBy(ctx.db, key, by));
}

function replyIncremented(ctx: ExecCtx, r: Int64 | Status): void {
  if (isStatus(r)) return replyStatus(ctx.out, r);
  ctx.dirty++;
  ctx.out.integer(r);
}

// INCR key
function incrCommand(ctx: ExecCtx, argv: Buffer[]): void {
  incrDecrGeneric(ctx, keyString(argv[1]!), 1);
}

function incrDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  return incrDecrDirect(ctx, args, 1);
}

/** INCR and DECR with the key read in place: one lookup, and no key string unless it is new. */
function incrDecrDirect(ctx: ExecCtx, args: RequestArgs, by: Int64): boolean {
  const v = ctx.db.lookupBytes(args.buf, args.start(1), args.end(1), args.slotOf(1));
  replyIncremented(ctx, incrLookedUp(ctx.db, v, by, () => args.latin1(1)));
  return true;
}

// DECR key
function decrCommand(ctx: ExecCtx, argv: Buffer[]): void {
  incrDecrGeneric(ctx, keyString(argv[1]!), -1);
}

function decrDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  return incrDecrDirect(ctx, args, -1);
}

// INCRBY key increment
function incrbyCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const by = int64OrReply(ctx.out, argv[2]!);
  if (by !== undefined) incrDecrGeneric(ctx, keyString(argv[1]!), by);
}

// DECRBY key decrement
function decrbyCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const by = int64OrReply(ctx.out, argv[2]!);
  if (by === undefined) return;
  // -INT64_MIN does not fit in int64.
  if (typeof by === 'bigint' && by === -(2n ** 63n)) return ctx.out.error(ERR_DECR_OVERFLOW);
  incrDecrGeneric(ctx, keyString(argv[1]!), -by);
}

// INCRBYFLOAT key increment
function incrbyfloatCommand(ctx: ExecCtx, argv: Buffer[]): void {
  // Redis judges the stored value before the increment, but both fail with the same error, so
  // parsing the increment first changes no reply.
  const by = string2ld(argv[2]!);
  if (by === undefined) {
    const v = lookupString(ctx.db, keyString(argv[1]!));
    return v === Status.WRONGTYPE ? replyStatus(ctx.out, v) : ctx.out.error(ERR_NOT_FLOAT);
  }
  const r = incrByFloat(ctx.db, keyString(argv[1]!), by);
  if (isStatus(r)) return replyStatus(ctx.out, r);
  ctx.dirty++;
  ctx.out.bulkLatin1(r);
  // Log the result, not the increment: long double arithmetic and formatting must not let a
  // replica or a reload arrive at a different value.
  ctx.propagate(['SET', argv[1]!, r, 'KEEPTTL']);
}

// ---------------------------------------------------------------------------------------------
// Many keys
// ---------------------------------------------------------------------------------------------

// MGET key [key ...]  (the connection splits keys by shard; each shard sees only its own)
function mgetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  ctx.out.arrayHeader(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    replyMgetValue(ctx.out, ctx.db.lookup(keyString(argv[j]!)));
  }
}

/** One MGET element: a key of another type reads as missing here, not as an error. */
function replyMgetValue(out: ReplyWriter, v: Value | undefined): void {
  if (v === undefined || !isString(v)) out.nullBulk();
  else replyString(out, v);
}

function mgetDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  ctx.out.arrayHeader(args.count - 1);
  for (let j = 1; j < args.count; j++) {
    if (!replyStringOfArg(ctx, args, j)) ctx.out.nullBulk();
  }
  return true;
}

/** MSET of short values (all of them, checked first: a decline must not follow half a write). */
function msetDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  if (args.count % 2 === 0) return false;
  for (let j = 2; j < args.count; j += 2) if (args.length(j) > BIG_VALUE) return false;
  for (let j = 1; j < args.count; j += 2) {
    ctx.db.setBytesOfBytes(args.buf, args.start(j), args.end(j), args.buf, args.start(j + 1), args.end(j + 1), args.slotOf(j));
  }
  ctx.dirty += (args.count - 1) / 2;
  ctx.out.ok();
  return true;
}

function msetGeneric(ctx: ExecCtx, argv: Buffer[], nx: boolean): void {
  if (argv.length % 2 === 0) return ctx.out.error(errWrongArgs(argv[0]!.toString('latin1')));
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (ctx.db.lookup(keyString(argv[j]!)) !== undefined) return ctx.out.integer(0);
    }
  }
  for (let j = 1; j < argv.length; j += 2) ctx.db.set(keyString(argv[j]!), valueFromBytes(argv[j + 1]!));
  ctx.dirty += (argv.length - 1) / 2;
  if (nx) ctx.out.integer(1);
  else ctx.out.ok();
}

// MSET key value [key value ...]  (split by shard like MGET)
function msetCommand(ctx: ExecCtx, argv: Buffer[]): void {
  msetGeneric(ctx, argv, false);
}

// MSETNX key value [key value ...]  (one slot only: all or nothing needs a single shard)
function msetnxCommand(ctx: ExecCtx, argv: Buffer[]): void {
  msetGeneric(ctx, argv, true);
}
