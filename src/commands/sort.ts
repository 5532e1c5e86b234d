/**
 * SORT and SORT_RO over lists, sets and sorted sets, as Redis 7.0's sort.c does it: numeric
 * (strtod) or ALPHA order, DESC, LIMIT, BY weights and GET values read from other keys through
 * patterns (`w_*`, `h_*->field`, `#` for the element), BY without '*' to skip sorting, and
 * STORE into a list.
 *
 * Keys named by patterns are read on this shard, which holds only the SORT key's slot: a
 * substituted key in another slot answers CROSSSLOT, as a multi-key command would. A pattern
 * with a hash tag (`{u}w_*`) keeps every such key in the tag's slot.
 *
 * Logged as an effect: SORT ... STORE becomes DEL dst + RPUSH dst <result>, since the result
 * depends on keys the command does not name and, for sets, on the set's internal order.
 */
import { ERR_CROSSSLOT, ERR_SYNTAX, ERR_WRONGTYPE, type ReplyWriter } from './replies.ts';
import { cmd, DENYOOM, MOVABLEKEYS, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { argIs, int64OrReply } from './strings.ts';
import { keyString, type Db, type Value } from '../shard/keyspace.ts';
import { slotOfBytes, slotOfLatin1 } from '../routing/slot.ts';
import { strtod } from '../shard/types/double.ts';
import { HashValue } from '../shard/types/hash.ts';
import { List, LIST_TAIL } from '../shard/types/list.ts';
import { SetValue } from '../shard/types/set.ts';
import { string2ll, StringBuf } from '../shard/types/string.ts';
import { ZSet } from '../shard/types/zset.ts';
import { ownString } from '../util/latin1.ts';

export const SORT_COMMANDS: readonly CommandSpec[] = [
  //   name      arity flags                          first last step handler
  cmd('SORT',       -2, WRITE | DENYOOM | MOVABLEKEYS,   1,    1,   1,   sortCommand, { keys: sortKeys }),
  cmd('SORT_RO',    -2, READONLY,                        1,    1,   1,   sortroCommand),
];

const ERR_NOT_DOUBLE = "ERR One or more scores can't be converted into double";
/** Smallest normal double: glibc's strtod sets ERANGE below it (the value is then subnormal). */
const DBL_MIN = 2.2250738585072014e-308;

/** A pattern reached a key outside this command's slot. */
const CROSS: unique symbol = Symbol('CROSSSLOT');

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  /** BY named a pattern without '*': keep the stored order. Once set, a later BY keeps it. */
  dontsort: boolean;
  by: string | null;
  gets: string[];
  store: string | null;
}

/** One element being sorted, with its numeric weight or its ALPHA BY value. */
interface SortItem {
  elem: string;
  score: number;
  cmp: string | null;
}

/**
 * SORT's key positions, as Redis's sortGetKeys finds them: the sorted key, then the argument
 * after the last STORE, skipping the arguments of LIMIT (2), GET and BY (1). Like Redis it does
 * not judge the syntax: the handler answers that.
 */
export function sortKeys(argv: readonly Uint8Array[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (argIs(a, 'limit')) i += 2;
    else if (argIs(a, 'get') || argIs(a, 'by')) i += 1;
    else if (argIs(a, 'store') && i + 1 < argv.length) store = i + 1;
  }
  return store === -1 ? [1] : [1, store];
}

/** The options of argv[2..], or writes the error and returns undefined. */
function sortOptionsOrReply(out: ReplyWriter, argv: Buffer[], readonly: boolean): SortOptions | undefined {
  const o: SortOptions = {
    desc: false, alpha: false, limitStart: 0, limitCount: -1, dontsort: false, by: null, gets: [], store: null,
  };
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j]!;
    const left = argv.length - j - 1;
    if (argIs(a, 'asc')) o.desc = false;
    else if (argIs(a, 'desc')) o.desc = true;
    else if (argIs(a, 'alpha')) o.alpha = true;
    else if (argIs(a, 'limit') && left >= 2) {
      const start = int64OrReply(out, argv[j + 1]!);
      if (start === undefined) return undefined;
      const count = int64OrReply(out, argv[j + 2]!);
      if (count === undefined) return undefined;
      o.limitStart = Number(start);
      o.limitCount = Number(count);
      j += 2;
    } else if (!readonly && argIs(a, 'store') && left >= 1) {
      o.store = keyString(argv[++j]!);
    } else if (argIs(a, 'by') && left >= 1) {
      o.by = keyString(argv[++j]!);
      if (!cString(o.by).includes('*')) o.dontsort = true;
    } else if (argIs(a, 'get') && left >= 1) {
      o.gets.push(keyString(argv[++j]!));
    } else {
      out.error(ERR_SYNTAX);
      return undefined;
    }
  }
  return o;
}

/** s up to its first NUL: what C's strchr and strstr see of a pattern. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/**
 * Redis's lookupKeyByPattern: the string value, or hash field, that pattern names for elem;
 * null when there is none (no '*', missing key, wrong type, missing field); CROSS when the
 * substituted key is not in `slot`.
 */
function lookupByPattern(db: Db, pattern: string, elem: string, slot: number): string | null | typeof CROSS {
  if (pattern[0] === '#' && (pattern.length === 1 || pattern[1] === '\0')) return elem;
  const c = cString(pattern);
  const star = c.indexOf('*');
  if (star === -1) return null;
  const arrow = c.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < c.length;
  const fieldLen = hasField ? pattern.length - arrow - 2 : 0;
  const postfixLen = pattern.length - star - 1 - (hasField ? fieldLen + 2 : 0);
  const key = pattern.slice(0, star) + elem + pattern.substr(star + 1, postfixLen);
  if (slotOfLatin1(key) !== slot) return CROSS;
  const v = db.lookup(key);
  if (v === undefined) return null;
  if (hasField) return v instanceof HashValue ? (v.get(pattern.slice(arrow + 2)) ?? null) : null;
  if (typeof v === 'string') return v;
  return v instanceof StringBuf ? keyString(v.view()) : null;
}

/** The number strtod reads from all of s (up to a NUL), or undefined as SORT rejects it. */
function sortScore(s: string): number | undefined {
  const n = string2ll(s);
  if (n !== undefined) return Number(n);
  const bytes = Buffer.from(s, 'latin1');
  const r = strtod(bytes);
  if (r.end !== bytes.length && bytes[r.end] !== 0) return undefined;
  if (Number.isNaN(r.value) || r.range || (r.value !== 0 && Math.abs(r.value) < DBL_MIN)) return undefined;
  return r.value;
}

/** strcmp: bytes up to the first NUL, which is what strcoll does in the C and C.UTF-8 locales. */
function compareCStrings(a: string, b: string): number {
  const x = cString(a);
  const y = cString(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const compareBinary = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Redis's sortCompare for the chosen mode. */
function comparator(o: SortOptions, byPattern: boolean): (a: SortItem, b: SortItem) => number {
  const sign = o.desc ? -1 : 1;
  const strings = o.store !== null ? compareBinary : compareCStrings;
  if (!o.alpha) {
    // Equal weights fall back to the elements' bytes, so the order is always defined.
    return (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBinary(a.elem, b.elem));
  }
  if (!byPattern) return (a, b) => sign * strings(a.elem, b.elem);
  return (a, b) => {
    if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
    return sign * strings(a.cmp, b.cmp);
  };
}

/** The elements to sort, in stored order, or in the [start, end] window when loading it directly. */
function loadElements(v: Value, o: SortOptions, start: number, end: number, direct: boolean): string[] {
  if (v instanceof List) {
    const out: string[] = [];
    if (!direct) for (let i = 0; i < v.length; i++) out.push(v.at(i));
    else for (let i = start; i <= end; i++) out.push(v.at(o.desc ? v.length - 1 - i : i));
    return out;
  }
  if (v instanceof SetValue) return [...v.ordered()];
  const z = v as ZSet;
  if (!direct) return z.rangeByRank(0, z.size - 1).map((n) => n.member);
  return end < start ? [] : z.rangeByRank(start, end, o.desc).map((n) => n.member);
}

/**
 * The sorted (or stored-order) elements to output, or the reason there are none: SORT's whole
 * computation short of replying and storing.
 */
function sortGeneric(ctx: ExecCtx, key: string, slot: number, o: SortOptions):
  (string | null)[] | typeof CROSS | 'wrongtype' | 'notdouble' {
  const found = ctx.db.lookup(key);
  if (found !== undefined && !(found instanceof List || found instanceof SetValue || found instanceof ZSet)) {
    return 'wrongtype';
  }
  const v: Value = found ?? new List();
  let by = o.by;
  // A set has no order of its own, so a stored result is sorted ALPHA to be the same everywhere.
  if (o.dontsort && v instanceof SetValue && o.store !== null) {
    o.dontsort = false;
    o.alpha = true;
    by = null;
  }
  // Redis converts a listpack sorted set for good before sorting it.
  if (v instanceof ZSet) v.forceSkiplist();
  const length = v instanceof List ? v.length : (v as SetValue | ZSet).size;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? length - 1 : start + o.limitCount - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  // Lists and sorted sets kept in stored order load just the window (DESC counts from the end).
  const direct = o.dontsort && !(v instanceof SetValue);
  const elems = loadElements(v, o, start, end, direct);
  if (direct) {
    end -= start;
    start = 0;
  }
  let items = elems.map((elem): SortItem => ({ elem, score: 0, cmp: null }));
  if (!o.dontsort) {
    let notDouble = false;
    for (const item of items) {
      let weight: string = item.elem;
      if (by !== null) {
        const w = lookupByPattern(ctx.db, by, item.elem, slot);
        if (w === CROSS) return CROSS;
        if (w === null) continue;
        weight = w;
      }
      if (o.alpha) {
        if (by !== null) item.cmp = weight;
      } else {
        const score = sortScore(weight);
        if (score === undefined) notDouble = true;
        else item.score = score;
      }
    }
    items = items.sort(comparator(o, by !== null));
    if (notDouble) return 'notdouble';
  }
  const out: (string | null)[] = [];
  for (let j = start; j <= end; j++) {
    const elem = items[j]!.elem;
    if (o.gets.length === 0) out.push(elem);
    for (const pattern of o.gets) {
      const got = lookupByPattern(ctx.db, pattern, elem, slot);
      if (got === CROSS) return CROSS;
      out.push(got);
    }
  }
  return out;
}

/** SORT and SORT_RO: parse, sort, then reply or store. */
function sortCommandGeneric(ctx: ExecCtx, argv: Buffer[], readonly: boolean): void {
  const o = sortOptionsOrReply(ctx.out, argv, readonly);
  if (o === undefined) return;
  const r = sortGeneric(ctx, keyString(argv[1]!), slotOfBytes(argv[1]!), o);
  if (r === 'wrongtype') return ctx.out.error(ERR_WRONGTYPE);
  if (r === CROSS) return ctx.out.error(ERR_CROSSSLOT);
  if (r === 'notdouble') return ctx.out.error(ERR_NOT_DOUBLE);
  if (o.store === null) {
    ctx.out.arrayHeader(r.length);
    for (const value of r) {
      if (value === null) ctx.out.nullBulk();
      else ctx.out.bulkLatin1(value);
    }
    return;
  }
  storeResult(ctx, o.store, r);
  ctx.out.integer(r.length);
}

/** STORE: the result replaces dst as a list (without TTL); an empty result deletes dst. */
function storeResult(ctx: ExecCtx, dst: string, values: readonly (string | null)[]): void {
  if (values.length === 0) {
    if (ctx.db.lookup(dst) === undefined) return;
    ctx.db.delete(dst);
    ctx.dirty++;
    ctx.propagate(['DEL', dst]);
    return;
  }
  const list = new List();
  // A GET that found nothing stores an empty string (the reply would have a nil there). A hash
  // field found by GET *->field is a slice of its hash's packed string: kept, it is copied.
  for (const value of values) list.push(ownString(value ?? ''), LIST_TAIL);
  ctx.db.set(dst, list);
  ctx.dirty += values.length;
  ctx.propagate(['DEL', dst]);
  ctx.propagate(['RPUSH', dst, ...values.map((value) => value ?? '')]);
  ctx.signalReady(dst);
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]
function sortCommand(ctx: ExecCtx, argv: Buffer[]): void {
  sortCommandGeneric(ctx, argv, false);
}

// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]
function sortroCommand(ctx: ExecCtx, argv: Buffer[]): void {
  sortCommandGeneric(ctx, argv, true);
}
