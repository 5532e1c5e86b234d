/**
 * The key-family commands that work on a whole database rather than on named keys: KEYS,
 * DBSIZE, RANDOMKEY, FLUSHDB and FLUSHALL run on every shard and their replies merge; SCAN's
 * cursor is a slot number and names the shard that continues it. keys.ts lists these rows in
 * KEY_COMMANDS; this file also holds the argument parsers the two files share.
 *
 * Nothing here is rewritten for the log: FLUSHDB and FLUSHALL are logged as received (always,
 * even on an empty db, as Redis forces them into its AOF), the rest are reads.
 */
import { FAST, Merge, READONLY, RunsOn, WRITE, cmd } from './table.ts';
import type { CommandSpec, ExecCtx } from './table.ts';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './replies.ts';
import { keyString, typeOf } from '../shard/keyspace.ts';
import type { Db } from '../shard/keyspace.ts';
import { patternSlot, stringMatch } from '../shard/glob.ts';
import { SLOT_COUNT } from '../routing/slot.ts';

const ERR_INVALID_CURSOR = 'ERR invalid cursor';

export const KEYSPACE_COMMANDS: readonly CommandSpec[] = [
  //   name          arity flags             first last step handler
  cmd('KEYS',            2, READONLY,         0,    0,   0,   keysCommand, { runsOn: RunsOn.ALL, merge: Merge.CONCAT }),
  cmd('DBSIZE',          1, READONLY | FAST,  0,    0,   0,   dbsizeCommand, { runsOn: RunsOn.ALL, merge: Merge.SUM }),
  cmd('RANDOMKEY',       1, READONLY,         0,    0,   0,   randomkeyCommand, { runsOn: RunsOn.ALL, merge: Merge.ANY_BULK }),
  cmd('FLUSHDB',        -1, WRITE,            0,    0,   0,   flushdbCommand, { runsOn: RunsOn.ALL, merge: Merge.OK }),
  cmd('FLUSHALL',       -1, WRITE,            0,    0,   0,   flushallCommand, { runsOn: RunsOn.ALL, merge: Merge.OK }),
  cmd('SWAPDB',          3, WRITE | FAST,     0,    0,   0,   swapdbCommand, { runsOn: RunsOn.ALL, merge: Merge.OK }),
  cmd('SCAN',           -2, READONLY,         0,    0,   0,   scanCommand, { runsOn: RunsOn.CURSOR }),
];

// ---- argument parsing, shared with keys.ts ------------------------------------------------

export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

/**
 * Redis's string2ll over bytes: no sign but '-', no leading zeros, no spaces, 64-bit range.
 * Up to 15 digits (always exact in a double) it allocates nothing; longer ones come back as a
 * bigint so that the callers' overflow checks stay exact.
 */
export function parseLongLong(a: Uint8Array): number | bigint | undefined {
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

export function longLongOrReply(ctx: ExecCtx, a: Uint8Array): number | bigint | undefined {
  const v = parseLongLong(a);
  if (v === undefined) ctx.out.error(ERR_NOT_INTEGER);
  return v;
}

/**
 * True when the argument is the lower-case ASCII word in any letter case. Redis compares
 * options with strcasecmp, which ends at a NUL byte, so "nx\0junk" is NX there and here.
 */
export function argIs(a: Uint8Array, word: string): boolean {
  const n = word.length;
  if (a.length < n || (a.length > n && a[n] !== 0)) return false;
  for (let i = 0; i < n; i++) if ((a[i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

// KEYS pattern
// Allocates the key list. A pattern with a literal hash tag can only match keys of one slot,
// so only that slot's keys are read.
function keysCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const db = ctx.db;
  const pattern = keyString(argv[1]!);
  // "*" skips the matcher, which (like Redis's) would not match the empty key.
  const all = pattern === '*';
  const slot = all ? -1 : patternSlot(pattern);
  const candidates: Iterable<string> = slot === -1 ? db.data.keys() : (db.slotKeys(slot)?.keys() ?? []);
  const found: string[] = [];
  for (const key of candidates) {
    if ((all || stringMatch(pattern, key)) && !db.isExpired(key)) found.push(key);
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
  db.countsReads = false; // Redis counts no keyspace hits or misses for RANDOMKEY
  // An expired pick is deleted by lookup(), so every miss shrinks the db and the loop ends.
  while (db.size > 0) {
    const keys = db.slotKeys(randomNonEmptySlot(db));
    if (keys === undefined) break;
    let skip = Math.floor(Math.random() * keys.size);
    for (const key of keys.keys()) {
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

// SWAPDB index1 index2
// Every shard swaps its two dbs, so the whole server does; clients see the swap at once.
function swapdbCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const index = (arg: Buffer, which: string): number | undefined => {
    const text = arg.toString('latin1');
    if (!/^-?(0|[1-9]\d{0,18})$/.test(text)) {
      ctx.out.error(`ERR invalid ${which} DB index`);
      return undefined;
    }
    const n = Number(text);
    if (n < 0 || n >= ctx.dbs.length) {
      ctx.out.error('ERR DB index is out of range');
      return undefined;
    }
    return n;
  };
  const a = index(argv[1]!, 'first');
  if (a === undefined) return;
  const b = index(argv[2]!, 'second');
  if (b === undefined) return;
  if (a !== b) {
    ctx.swapDbs(a, b);
    ctx.dirty++;
  }
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
    for (const key of keys.keys()) {
      if (pattern !== undefined && !stringMatch(pattern, key)) continue;
      if (type !== undefined && typeOf(db.data.get(key)!) !== type) continue;
      if (!db.isExpired(key)) found.push(key);
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
 * Returns the slot, SLOT_COUNT for any cursor past the last slot (the scan is over); HSCAN and
 * SSCAN pass their own `limit`.
 */
export function scanCursorOrReply(ctx: ExecCtx, a: Uint8Array, limit = SLOT_COUNT): number | undefined {
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
    if (first !== 0x2d || v === 0) return Math.min(v, limit);
    value = BigInt(v);
  } else {
    value = BigInt(keyString(a.subarray(digits, i)));
    if (value >= TWO_TO_64) return cursorError(ctx);
  }
  if (first === 0x2d && value !== 0n) value = TWO_TO_64 - value;
  return value < BigInt(limit) ? Number(value) : limit;
}

function cursorError(ctx: ExecCtx): undefined {
  ctx.out.error(ERR_INVALID_CURSOR);
  return undefined;
}
