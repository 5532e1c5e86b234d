/**
 * Generic key commands: they work on a key of any type (or on the whole keyspace), as shard
 * handlers with Redis 7.0's replies.
 *
 * Routing: most rows run on the one shard that owns their key(s). DEL, EXISTS, TOUCH and
 * UNLINK are split by shard and their counts summed; KEYS, DBSIZE, RANDOMKEY and the FLUSHes
 * run on every shard; SCAN's cursor is a slot number and names the shard that continues it.
 *
 * Writes rewritten for the log: EXPIRE, PEXPIRE and EXPIREAT become PEXPIREAT with an absolute
 * time (a replica or a replay must not re-add "now"), and any of them with a time already past
 * becomes DEL. Everything else is logged as received: its effect does not depend on the clock.
 */
import { Merge, READONLY, RunsOn, WRITE, FAST, cmd } from './table.ts';
import type { CommandSpec, ExecCtx } from './table.ts';
import {
  ERR_DB_INDEX,
  ERR_NOT_INTEGER,
  ERR_NO_SUCH_KEY,
  ERR_SAME_OBJECT,
  ERR_SYNTAX,
  ONE,
  ZERO,
  errInvalidExpire,
} from './replies.ts';
import { keyString, typeOf } from '../shard/keyspace.ts';
import type { Db } from '../shard/keyspace.ts';
import { patternSlot, stringMatch } from '../shard/glob.ts';
import { SLOT_COUNT } from '../routing/slot.ts';

const ERR_INVALID_CURSOR = 'ERR invalid cursor';
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
  cmd('KEYS',            2, READONLY,         0,    0,   0,   keysCommand, { runsOn: RunsOn.ALL, merge: Merge.CONCAT }),
  cmd('DBSIZE',          1, READONLY | FAST,  0,    0,   0,   dbsizeCommand, { runsOn: RunsOn.ALL, merge: Merge.SUM }),
  cmd('RANDOMKEY',       1, READONLY,         0,    0,   0,   randomkeyCommand, { runsOn: RunsOn.ALL, merge: Merge.ANY_BULK }),
  cmd('FLUSHDB',        -1, WRITE,            0,    0,   0,   flushdbCommand, { runsOn: RunsOn.ALL, merge: Merge.OK }),
  cmd('FLUSHALL',       -1, WRITE,            0,    0,   0,   flushallCommand, { runsOn: RunsOn.ALL, merge: Merge.OK }),
  cmd('SCAN',           -2, READONLY,         0,    0,   0,   scanCommand, { runsOn: RunsOn.CURSOR }),
];

// ---- argument parsing --------------------------------------------------------------------

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/**
 * Redis's string2ll over bytes: no sign but '-', no leading zeros, no spaces, 64-bit range.
 * Up to 15 digits (always exact in a double) it allocates nothing; longer ones come back as a
 * bigint so that the callers' overflow checks stay exact.
 */
function parseLongLong(a: Uint8Array): number | bigint | undefined {
  const n = a.length;
  if (n === 0 || n > 20) return undefined;
  if (n === 1 && a[0] === 0x30) return 0;
  const neg = a[0] === 0x2d;
  let i = neg ? 1 : 0;
  if (i === n || a[i]! < 0x31 || a[i]! > 0x39) return undefined;
  let v = 0;
  for (; i < n; i++) {
    const d = a[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  if (n - (neg ? 1 : 0) <= 15) return neg ? -v : v;
  const big = BigInt(keyString(a));
  return big > LLONG_MAX || big < LLONG_MIN ? undefined : big;
}

function longLongOrReply(ctx: ExecCtx, a: Uint8Array): number | bigint | undefined {
  const v = parseLongLong(a);
  if (v === undefined) ctx.out.error(ERR_NOT_INTEGER);
  return v;
}

/**
 * True when the argument is the lower-case ASCII word in any letter case. Redis compares
 * options with strcasecmp, which ends at a NUL byte, so "nx\0junk" is NX there and here.
 */
function argIs(a: Uint8Array, word: string): boolean {
  const n = word.length;
  if (a.length < n || (a.length > n && a[n] !== 0)) return false;
  for (let i = 0; i < n; i++) if ((a[i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** Expired but not yet collected: the read-only walks skip these instead of deleting. */
function isExpired(db: Db, key: string, now: number): boolean {
  const at = db.getExpire(key);
  return at !== undefined && at <= now;
}

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

// ---- the whole keyspace ------------------------------------------------------------------

// KEYS pattern
// Allocates the key list. A pattern with a literal hash tag can only match keys of one slot,
// so only that slot's keys are read.
function keysCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const db = ctx.db;
  const pattern = keyString(argv[1]!);
  // "*" skips the matcher, which (like Redis's) would not match the empty key.
  const all = pattern === '*';
  const slot = all ? -1 : patternSlot(pattern);
  const candidates: Iterable<string> = slot === -1 ? db.data.keys() : (db.slotKeys(slot) ?? []);
  const found: string[] = [];
  for (const key of candidates) {
    if ((all || stringMatch(pattern, key)) && !isExpired(db, key, ctx.now)) found.push(key);
  }
  ctx.out.latin1Array(found);
}

// DBSIZE
// Counts keys that expired but were not yet collected, as Redis does.
function dbsizeCommand(ctx: ExecCtx): void {
  ctx.out.integer(ctx.db.size);
}

// RANDOMKEY
function randomkeyCommand(ctx: ExecCtx): void {
  const db = ctx.db;
  // An expired pick is deleted by lookup(), so every miss shrinks the db and the loop ends.
  while (db.size > 0) {
    const keys = db.slotKeys(randomNonEmptySlot(db));
    if (keys === undefined) break;
    let skip = Math.floor(Math.random() * keys.size);
    for (const key of keys) {
      if (skip-- > 0) continue;
      if (db.lookup(key) !== undefined) return ctx.out.bulkLatin1(key);
      break;
    }
  }
  ctx.out.nullBulk();
}

const RANDOM_PROBES = 32;

/**
 * A random slot holding keys, without walking the key map. Random probes find one at once in
 * a populated db; a sweep from a random start bounds the cost of a sparse one (16384 reads).
 */
function randomNonEmptySlot(db: Db): number {
  for (let i = 0; i < RANDOM_PROBES; i++) {
    const slot = Math.floor(Math.random() * SLOT_COUNT);
    if (db.slotKeys(slot) !== undefined) return slot;
  }
  const start = Math.floor(Math.random() * SLOT_COUNT);
  for (let i = 0; i < SLOT_COUNT; i++) {
    const slot = (start + i) % SLOT_COUNT;
    if (db.slotKeys(slot) !== undefined) return slot;
  }
  return -1;
}

/** FLUSHDB and FLUSHALL take one optional SYNC or ASYNC; both free at once here. */
function flushArgsOk(ctx: ExecCtx, argv: Buffer[]): boolean {
  if (argv.length === 1 || (argv.length === 2 && (argIs(argv[1]!, 'sync') || argIs(argv[1]!, 'async')))) return true;
  ctx.out.error(ERR_SYNTAX);
  return false;
}

// FLUSHDB [ASYNC|SYNC]
function flushdbCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (!flushArgsOk(ctx, argv)) return;
  const removed = ctx.db.size;
  ctx.db.clear();
  // At least one change even on an empty db: Redis forces FLUSHDB into the log regardless.
  ctx.dirty += Math.max(removed, 1);
  ctx.out.ok();
}

// FLUSHALL [ASYNC|SYNC]
function flushallCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (!flushArgsOk(ctx, argv)) return;
  let removed = 0;
  for (const db of ctx.dbs) {
    removed += db.size;
    db.clear();
  }
  // Redis adds one on top of the keys removed, so that an empty FLUSHALL is still logged.
  ctx.dirty += removed + 1;
  ctx.out.ok();
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
// The cursor is a slot. Whole slots are returned, so a key present for the whole scan is
// returned even if others are deleted meanwhile; the walk stops at the first slot this shard
// does not own, and that slot is the next cursor (the connection thread routes it).
function scanCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const cursor = scanCursorOrReply(ctx, argv[1]!);
  if (cursor === undefined) return;
  let pattern: string | undefined;
  let type: string | undefined;
  let count = 10;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!;
    const hasValue = i + 1 < argv.length;
    if (hasValue && argIs(opt, 'count')) {
      const n = longLongOrReply(ctx, argv[i + 1]!);
      if (n === undefined) return;
      if (n < 1) return ctx.out.error(ERR_SYNTAX);
      count = Number(n);
    } else if (hasValue && argIs(opt, 'match')) {
      pattern = keyString(argv[i + 1]!);
      if (pattern === '*') pattern = undefined; // as in KEYS: "*" also takes the empty key
    } else if (hasValue && argIs(opt, 'type')) {
      // Redis compares type names case-insensitively; an unknown name simply matches nothing.
      type = keyString(argv[i + 1]!).toLowerCase();
    } else {
      return ctx.out.error(ERR_SYNTAX);
    }
  }
  const db = ctx.db;
  const found: string[] = [];
  let visited = 0;
  let slot = cursor;
  while (slot < SLOT_COUNT && visited < count && ctx.ownsSlot(slot)) {
    const keys = db.slotKeys(slot);
    slot++;
    if (keys === undefined) continue;
    visited += keys.size;
    for (const key of keys) {
      if (pattern !== undefined && !stringMatch(pattern, key)) continue;
      if (type !== undefined && typeOf(db.data.get(key)!) !== type) continue;
      if (!isExpired(db, key, ctx.now)) found.push(key);
    }
  }
  ctx.out.arrayHeader(2);
  ctx.out.bulkLatin1(slot >= SLOT_COUNT ? '0' : String(slot));
  ctx.out.latin1Array(found);
}

const TWO_TO_64 = 1n << 64n;

/**
 * Redis reads the cursor with strtoul: an optional sign, decimal digits, and nothing after them
 * up to a NUL byte; a leading space or a value beyond 2^64-1 is an error, a negative one wraps.
 * Returns the slot, SLOT_COUNT for any cursor past the last slot (the scan is over).
 */
function scanCursorOrReply(ctx: ExecCtx, a: Uint8Array): number | undefined {
  const n = a.length;
  const first = a[0];
  if (first === 0x20 || (first !== undefined && first >= 0x09 && first <= 0x0d)) return cursorError(ctx);
  let i = first === 0x2b || first === 0x2d ? 1 : 0;
  const digits = i;
  while (i < n && a[i]! >= 0x30 && a[i]! <= 0x39) i++;
  // No digits: strtoul leaves its end pointer at the very start of the string.
  if (i === digits) return n === 0 || first === 0 ? 0 : cursorError(ctx);
  if (i < n && a[i] !== 0) return cursorError(ctx);
  let value = 0n;
  if (i - digits <= 15) {
    let v = 0;
    for (let j = digits; j < i; j++) v = v * 10 + (a[j]! - 0x30);
    if (first !== 0x2d || v === 0) return Math.min(v, SLOT_COUNT);
    value = BigInt(v);
  } else {
    value = BigInt(keyString(a.subarray(digits, i)));
    if (value >= TWO_TO_64) return cursorError(ctx);
  }
  if (first === 0x2d && value !== 0n) value = TWO_TO_64 - value;
  return value < BigInt(SLOT_COUNT) ? Number(value) : SLOT_COUNT;
}

function cursorError(ctx: ExecCtx): undefined {
  ctx.out.error(ERR_INVALID_CURSOR);
  return undefined;
}
