/**
 * Generic key commands: they work on a key of any type, as shard handlers with Redis 7.0's
 * replies. The commands over a whole database (KEYS, SCAN, DBSIZE, RANDOMKEY, FLUSH*) live in
 * keys-scan.ts and are listed in KEY_COMMANDS too.
 *
 * Routing: most rows run on the one shard that owns their key(s); DEL, EXISTS, TOUCH and
 * UNLINK are split by shard and their counts summed.
 *
 * Writes rewritten for the log: EXPIRE, PEXPIRE and EXPIREAT become PEXPIREAT with an absolute
 * time (a replica or a replay must not re-add "now"), and any of them with a time already past
 * becomes DEL. Everything else is logged as received: its effect does not depend on the clock.
 */
import { Merge, READONLY, RunsOn, WRITE, FAST, cmd } from './table.ts';
import type { CommandSpec, ExecCtx } from './table.ts';
import { ERR_DB_INDEX, ERR_NOT_INTEGER, ERR_NO_SUCH_KEY, ERR_SAME_OBJECT, ONE, ZERO, errInvalidExpire } from './replies.ts';
import { keyString, typeOf } from '../shard/keyspace.ts';
import { KEYSPACE_COMMANDS, LLONG_MAX, LLONG_MIN, argIs, longLongOrReply, parseLongLong } from './keys-scan.ts';

const ERR_EXPIRE_NX_MIX = 'ERR NX and XX, GT or LT options at the same time are not compatible';
const ERR_EXPIRE_GT_LT = 'ERR GT and LT options at the same time are not compatible';

const split = { runsOn: RunsOn.SPLIT, merge: Merge.SUM };

export const KEY_COMMANDS: readonly CommandSpec[] = [
  //   name          arity flags             first last step handler
  cmd('EXPIRE',         -3, WRITE | FAST,     1,    1,   1,   expireCommand),
  cmd('EXPIREAT',       -3, WRITE | FAST,     1,    1,   1,   expireatCommand),
  cmd('PEXPIRE',        -3, WRITE | FAST,     1,    1,   1,   pexpireCommand),
  cmd('PEXPIREAT',      -3, WRITE | FAST,     1,    1,   1,   pexpireatCommand),
  cmd('TTL',             2, READONLY | FAST,  1,    1,   1,   ttlCommand),
  cmd('PTTL',            2, READONLY | FAST,  1,    1,   1,   pttlCommand),
  cmd('EXPIRETIME',      2, READONLY | FAST,  1,    1,   1,   expiretimeCommand),
  cmd('PEXPIRETIME',     2, READONLY | FAST,  1,    1,   1,   pexpiretimeCommand),
  cmd('PERSIST',         2, WRITE | FAST,     1,    1,   1,   persistCommand),
  cmd('TYPE',            2, READONLY | FAST,  1,    1,   1,   typeCommand),
  cmd('RENAME',          3, WRITE,            1,    2,   1,   renameCommand),
  cmd('RENAMENX',        3, WRITE | FAST,     1,    2,   1,   renamenxCommand),
  cmd('MOVE',            3, WRITE | FAST,     1,    1,   1,   moveCommand),
  cmd('DEL',            -2, WRITE,            1,   -1,   1,   delCommand, split),
  cmd('UNLINK',         -2, WRITE | FAST,     1,   -1,   1,   delCommand, split),
  cmd('EXISTS',         -2, READONLY | FAST,  1,   -1,   1,   existsCommand, split),
  cmd('TOUCH',          -2, READONLY | FAST,  1,   -1,   1,   existsCommand, split),
  ...KEYSPACE_COMMANDS,
];

// ---- expiry ------------------------------------------------------------------------------

const EXPIRE_NX = 1 << 0;
const EXPIRE_XX = 1 << 1;
const EXPIRE_GT = 1 << 2;
const EXPIRE_LT = 1 << 3;

const UNIT_SECONDS = 0;
const UNIT_MS = 1;

/** Parses [NX|XX|GT|LT]... after the time; Redis checks these before the time itself. */
function expireFlagsOrReply(ctx: ExecCtx, argv: Buffer[]): number | undefined {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i]!;
    if (argIs(a, 'nx')) flags |= EXPIRE_NX;
    else if (argIs(a, 'xx')) flags |= EXPIRE_XX;
    else if (argIs(a, 'gt')) flags |= EXPIRE_GT;
    else if (argIs(a, 'lt')) flags |= EXPIRE_LT;
    else {
      // Redis formats the option with %s, so it ends at the first NUL byte.
      const nul = a.indexOf(0);
      ctx.out.error(`ERR Unsupported option ${keyString(nul === -1 ? a : a.subarray(0, nul))}`);
      return undefined;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    ctx.out.error(ERR_EXPIRE_NX_MIX);
    return undefined;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    ctx.out.error(ERR_EXPIRE_GT_LT);
    return undefined;
  }
  return flags;
}

/** The absolute expiry in ms, or undefined after replying when it is no 64-bit integer. */
function expireTimeOrReply(ctx: ExecCtx, argv: Buffer[], basetime: number, unit: number): number | undefined {
  const v = longLongOrReply(ctx, argv[2]!);
  if (v === undefined) return undefined;
  if (typeof v === 'number') {
    const when = (unit === UNIT_SECONDS ? v * 1000 : v) + basetime;
    if (Number.isSafeInteger(when)) return when;
  }
  // Beyond 2^53: check overflow exactly as Redis does in 64-bit arithmetic.
  let when = BigInt(v);
  if (unit === UNIT_SECONDS) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return expireRangeError(ctx, argv);
    when *= 1000n;
  }
  if (when > LLONG_MAX - BigInt(basetime)) return expireRangeError(ctx, argv);
  return Number(when + BigInt(basetime));
}

function expireRangeError(ctx: ExecCtx, argv: Buffer[]): undefined {
  ctx.out.error(errInvalidExpire(keyString(argv[0]!)));
  return undefined;
}

// EXPIRE key seconds [NX|XX|GT|LT]
function expireCommand(ctx: ExecCtx, argv: Buffer[]): void {
  expireGenericCommand(ctx, argv, ctx.now, UNIT_SECONDS);
}

// EXPIREAT key unix-time-seconds [NX|XX|GT|LT]
function expireatCommand(ctx: ExecCtx, argv: Buffer[]): void {
  expireGenericCommand(ctx, argv, 0, UNIT_SECONDS);
}

// PEXPIRE key milliseconds [NX|XX|GT|LT]
function pexpireCommand(ctx: ExecCtx, argv: Buffer[]): void {
  expireGenericCommand(ctx, argv, ctx.now, UNIT_MS);
}

// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]
function pexpireatCommand(ctx: ExecCtx, argv: Buffer[]): void {
  expireGenericCommand(ctx, argv, 0, UNIT_MS);
}

/** The four EXPIRE variants: the time is `basetime` plus the argument in `unit`. */
export function expireGenericCommand(ctx: ExecCtx, argv: Buffer[], basetime: number, unit: number): void {
  const flags = expireFlagsOrReply(ctx, argv);
  if (flags === undefined) return;
  const when = expireTimeOrReply(ctx, argv, basetime, unit);
  if (when === undefined) return;
  const db = ctx.db;
  const key = keyString(argv[1]!);
  if (db.lookup(key) === undefined) return ctx.out.raw(ZERO);
  if (flags !== 0) {
    const current = db.getExpire(key);
    if (flags & EXPIRE_NX && current !== undefined) return ctx.out.raw(ZERO);
    if (flags & EXPIRE_XX && current === undefined) return ctx.out.raw(ZERO);
    // A key without a TTL lives forever: no time is greater, every time is less.
    if (flags & EXPIRE_GT && (current === undefined || when <= current)) return ctx.out.raw(ZERO);
    if (flags & EXPIRE_LT && current !== undefined && when >= current) return ctx.out.raw(ZERO);
  }
  ctx.dirty++;
  if (when <= ctx.now) {
    db.delete(key);
    // The replica must not judge "already past" by its own clock: it gets the deletion itself.
    ctx.propagate(['DEL', key]);
  } else {
    db.setExpire(key, when);
    // Absolute, so that a replay later or elsewhere expires the key at the same instant; the
    // NX/XX/GT/LT condition was decided here and is not sent on.
    ctx.propagate(['PEXPIREAT', key, String(when)]);
  }
  ctx.out.raw(ONE);
}

// TTL key
function ttlCommand(ctx: ExecCtx, argv: Buffer[]): void {
  ttlGenericCommand(ctx, argv, false, false);
}

// PTTL key
function pttlCommand(ctx: ExecCtx, argv: Buffer[]): void {
  ttlGenericCommand(ctx, argv, true, false);
}

// EXPIRETIME key
function expiretimeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  ttlGenericCommand(ctx, argv, false, true);
}

// PEXPIRETIME key
function pexpiretimeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  ttlGenericCommand(ctx, argv, true, true);
}

/** -2 for no key, -1 for no TTL, else the remaining (or absolute) time, seconds rounded. */
function ttlGenericCommand(ctx: ExecCtx, argv: Buffer[], outputMs: boolean, outputAbs: boolean): void {
  const key = keyString(argv[1]!);
  if (ctx.db.lookup(key) === undefined) return ctx.out.integer(-2);
  const at = ctx.db.getExpire(key);
  if (at === undefined) return ctx.out.integer(-1);
  if (at > Number.MAX_SAFE_INTEGER) {
    // Far-future times (PEXPIREAT near 2^63) would print rounded through doubles.
    const ttl = outputAbs ? BigInt(at) : BigInt(at) - BigInt(ctx.now);
    return ctx.out.integer(outputMs ? ttl : (ttl + 500n) / 1000n);
  }
  const ttl = Math.max(0, outputAbs ? at : at - ctx.now);
  ctx.out.integer(outputMs ? ttl : Math.floor((ttl + 500) / 1000));
}

// PERSIST key
function persistCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const key = keyString(argv[1]!);
  if (ctx.db.lookup(key) === undefined || !ctx.db.persist(key)) return ctx.out.raw(ZERO);
  ctx.dirty++;
  ctx.out.raw(ONE);
}

// ---- whole keys --------------------------------------------------------------------------

// TYPE key
function typeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const value = ctx.db.lookup(keyString(argv[1]!));
  ctx.out.simple(value === undefined ? 'none' : typeOf(value));
}

// RENAME key newkey
function renameCommand(ctx: ExecCtx, argv: Buffer[]): void {
  renameGenericCommand(ctx, argv, false);
}

// RENAMENX key newkey
function renamenxCommand(ctx: ExecCtx, argv: Buffer[]): void {
  renameGenericCommand(ctx, argv, true);
}

/** Moves the value and its TTL to the new name; NX refuses to overwrite. */
function renameGenericCommand(ctx: ExecCtx, argv: Buffer[], nx: boolean): void {
  const db = ctx.db;
  const src = keyString(argv[1]!);
  const dst = keyString(argv[2]!);
  const value = db.lookup(src);
  if (value === undefined) return ctx.out.error(ERR_NO_SUCH_KEY);
  // Same name: nothing changes, but a missing key is still an error (checked above).
  if (src === dst) return nx ? ctx.out.raw(ZERO) : ctx.out.ok();
  const at = db.getExpire(src);
  if (db.lookup(dst) !== undefined) {
    if (nx) return ctx.out.raw(ZERO);
    db.delete(dst);
  }
  db.delete(src);
  db.set(dst, value);
  if (at !== undefined) db.setExpire(dst, at);
  ctx.dirty++;
  if (nx) ctx.out.raw(ONE);
  else ctx.out.ok();
}

// MOVE key db
function moveCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const id = parseLongLong(argv[2]!);
  // Redis reads the index as a C int.
  if (typeof id !== 'number' || id < -0x80000000 || id > 0x7fffffff) return ctx.out.error(ERR_NOT_INTEGER);
  if (id < 0 || id >= ctx.dbs.length) return ctx.out.error(ERR_DB_INDEX);
  if (id === ctx.dbIndex) return ctx.out.error(ERR_SAME_OBJECT);
  const src = ctx.db;
  const dst = ctx.dbs[id]!;
  const key = keyString(argv[1]!);
  const value = src.lookup(key);
  if (value === undefined) return ctx.out.raw(ZERO);
  // The worker stamps the batch time on the selected db; the target must judge expiry alike.
  dst.now = ctx.now;
  if (dst.lookup(key) !== undefined) return ctx.out.raw(ZERO);
  const at = src.getExpire(key);
  dst.set(key, value);
  if (at !== undefined) dst.setExpire(key, at);
  src.delete(key);
  ctx.dirty++;
  ctx.out.raw(ONE);
}

// DEL key [key ...]   and   UNLINK key [key ...]
// UNLINK frees in the background in Redis; dropping a reference is already O(1) here.
function delCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const db = ctx.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = keyString(argv[i]!);
    // lookup() first so that an expired key is not counted as deleted.
    if (db.lookup(key) !== undefined && db.delete(key)) deleted++;
  }
  ctx.dirty += deleted;
  ctx.out.integer(deleted);
}

// EXISTS key [key ...]   and   TOUCH key [key ...]
// A key named twice counts twice. TOUCH only updates access times, which slotkv does not keep.
function existsCommand(ctx: ExecCtx, argv: Buffer[]): void {
  let found = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.lookup(keyString(argv[i]!)) !== undefined) found++;
  ctx.out.integer(found);
}
