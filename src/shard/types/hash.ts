/**
 * The hash type API (Redis t_hash.c's "API" half): how a hash is stored, looked up, changed and
 * walked. commands/hashes.ts goes through these functions; ops return a value or a Status and
 * never write replies.
 *
 * A small hash (at most 128 entries, none longer than 64 bytes: Redis 7.0's listpack limits) is
 * one packed string, as Redis keeps it in one listpack: a count char, then listpack.ts entries
 * alternating field and value, in insertion order with an update keeping the field's place. That
 * order is exactly Redis's, so small hashes reply HGETALL/HKEYS/HVALS byte for byte like Redis.
 * Past the limits it becomes a JS Map for good (Redis never converts back), whose order is as
 * good as any once Redis's is unspecified. `encoding` (what OBJECT ENCODING answers) is which
 * form the hash is in.
 */
import type { Db, TypedValue } from '../keyspace.ts';
import { sampleDistinct } from '../../util/sample.ts';
import { counted, countedCursor, countedWithoutPair, COUNTED_EMPTY, countOf, findPair, lpEntry } from './listpack.ts';
import { addInt64, addLongDouble, formatLongDouble, string2ld, string2ll, Status, type Int64,
  type LongDouble } from './string.ts';

/** Redis 7.0's hash-max-listpack-entries and hash-max-listpack-value defaults. */
export const HASH_MAX_LISTPACK_ENTRIES = 128;
export const HASH_MAX_LISTPACK_VALUE = 64;

const HASH_NOT_INTEGER: unique symbol = Symbol('HASH_NOT_INTEGER');
const HASH_NOT_FLOAT: unique symbol = Symbol('HASH_NOT_FLOAT');
/** The hash ops' statuses: string.ts's plus the two about a stored hash value. */
export const HashStatus = { ...Status, HASH_NOT_INTEGER, HASH_NOT_FLOAT } as const;
export type HashStatus = (typeof HashStatus)[keyof typeof HashStatus];

export function isHashStatus(r: unknown): r is HashStatus {
  return typeof r === 'symbol';
}

/** An HSCAN of a large hash parked between calls (see hashScan). */
interface ParkedScan {
  iter: Iterator<[string, string]>;
  cursor: number;
}

/**
 * The parked HSCAN of each hash that has one. Beside the hashes rather than a field of theirs:
 * few hashes are ever scanned, and a field would cost every hash a slot.
 */
const parkedScans = new WeakMap<HashValue, ParkedScan>();

export class HashValue implements TypedValue {
  /** The packed entries while small, the Map once converted: one slot either way. */
  private data: string | Map<string, string> = COUNTED_EMPTY;

  // On the prototype: an instance field would cost every hash a slot.
  get type(): 'hash' {
    return 'hash';
  }

  get encoding(): 'listpack' | 'hashtable' {
    return typeof this.data === 'string' ? 'listpack' : 'hashtable';
  }

  get size(): number {
    const d = this.data;
    return typeof d === 'string' ? countOf(d) : d.size;
  }

  get(field: string): string | undefined {
    const d = this.data;
    if (typeof d !== 'string') return d.get(field);
    const c = findPair(d, field);
    if (c === null) return undefined;
    c.advance();
    return c.value();
  }

  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  /** Stores value under field; true when the field is new. */
  set(field: string, value: string): boolean {
    const d = this.data;
    if (typeof d !== 'string') {
      const had = d.has(field);
      d.set(field, value);
      return !had;
    }
    const fits = field.length <= HASH_MAX_LISTPACK_VALUE && value.length <= HASH_MAX_LISTPACK_VALUE;
    const c = findPair(d, field);
    if (c !== null) {
      const valueAt = c.next;
      c.advance();
      if (fits) this.data = counted(countOf(d), d.slice(1, valueAt), lpEntry(value), d.slice(c.next));
      else this.convert().set(field, value);
      return false;
    }
    const count = countOf(d) + 1;
    if (fits && count <= HASH_MAX_LISTPACK_ENTRIES) this.data = counted(count, d.slice(1), lpEntry(field), lpEntry(value));
    else this.convert().set(field, value);
    return true;
  }

  delete(field: string): boolean {
    const d = this.data;
    if (typeof d !== 'string') return d.delete(field);
    const rest = countedWithoutPair(d, field);
    if (rest === undefined) return false;
    this.data = rest;
    return true;
  }

  /**
   * Every field and value, in the hash's order; with `own`, packed ones as strings of their own
   * (see LpCursor.ownValue), for keeping.
   */
  *entries(own = false): IterableIterator<[string, string]> {
    const d = this.data;
    if (typeof d !== 'string') {
      yield* d;
      return;
    }
    const c = countedCursor(d);
    while (c.advance()) {
      const field = own ? c.ownValue() : c.value();
      c.advance();
      yield [field, own ? c.ownValue() : c.value()];
    }
  }

  /** The Map a large hash lives in, made from the packed entries (for good). */
  private convert(): Map<string, string> {
    const map = new Map(this.entries(true));
    this.data = map;
    return map;
  }

  /** How a snapshot recreates this hash: HSET with every pair, in order. */
  serialize(): { command: string; items: Iterable<readonly string[]> } {
    return { command: 'HSET', items: this.entries() };
  }
}

/** The hash at key; undefined when absent (or expired). */
export function lookupHash(db: Db, key: string): HashValue | undefined | typeof Status.WRONGTYPE {
  const v = db.lookup(key);
  if (v === undefined) return undefined;
  return typeof v !== 'string' && v.type === 'hash' ? (v as HashValue) : Status.WRONGTYPE;
}

/**
 * The hash at key for a write, created (and stored) when absent: Redis's
 * hashTypeLookupWriteOrCreate. Callers must add at least one field to a created hash.
 */
export function hashForWrite(db: Db, key: string): HashValue | typeof Status.WRONGTYPE {
  const h = lookupHash(db, key);
  if (h !== undefined) return h;
  const created = new HashValue();
  db.set(key, created);
  return created;
}

/** Deletes key when its hash has become empty (an empty aggregate never stays in the db). */
export function deleteIfEmpty(db: Db, key: string, h: HashValue): void {
  if (h.size === 0) db.delete(key);
}

/** HSET's field/value pairs (field, value, field, value ...): how many fields were new. */
export function hashSetPairs(db: Db, key: string, pairs: readonly string[]): number | Status {
  const h = hashForWrite(db, key);
  if (h === Status.WRONGTYPE) return h;
  let created = 0;
  for (let j = 0; j + 1 < pairs.length; j += 2) if (h.set(pairs[j]!, pairs[j + 1]!)) created++;
  return created;
}

/** HINCRBY: the new value, or why not. The increment is already parsed. */
export function hashIncrBy(db: Db, key: string, field: string, by: Int64): Int64 | HashStatus {
  const h = lookupHash(db, key);
  if (h === Status.WRONGTYPE) return h;
  let old: Int64 | undefined = 0;
  const v = h?.get(field);
  if (v !== undefined) {
    old = string2ll(v);
    if (old === undefined) return HASH_NOT_INTEGER;
  }
  const r = addInt64(old, by);
  if (r === undefined) return Status.OVERFLOW;
  storeField(db, key, h, field, String(r));
  return r;
}

/** HINCRBYFLOAT: the new value as Redis prints it, or why not. The increment is finite. */
export function hashIncrByFloat(db: Db, key: string, field: string, by: LongDouble): string | HashStatus {
  const h = lookupHash(db, key);
  if (h === Status.WRONGTYPE) return h;
  let old: LongDouble | undefined = { neg: false, m: 0n, e: 0 };
  const v = h?.get(field);
  if (v !== undefined) {
    old = string2ld(v);
    if (old === undefined) return HASH_NOT_FLOAT;
  }
  const r = addLongDouble(old, by);
  if (r === undefined || r.e === Infinity) return Status.NAN_OR_INF;
  const text = formatLongDouble(r);
  storeField(db, key, h, field, text);
  return text;
}

function storeField(db: Db, key: string, h: HashValue | undefined, field: string, value: string): void {
  if (h === undefined) {
    h = new HashValue();
    db.set(key, h);
  }
  h.set(field, value);
}

/** A field chosen uniformly at random. O(n): Maps have no random access. */
export function randomField(h: HashValue): [string, string] {
  let skip = Math.floor(Math.random() * h.size);
  for (const entry of h.entries()) if (skip-- === 0) return entry;
  throw new Error('randomField of an empty hash');
}

/** `count` distinct entries chosen at random (count < size), in random order. Allocates. */
export function randomDistinctFields(h: HashValue, count: number): [string, string][] {
  return sampleDistinct([...h.entries()], count);
}

/**
 * Cursor scan of a hash into `out` as field, value, field, value ...; returns the next cursor.
 * A listpack hash is returned whole with cursor 0, as Redis does. A larger one pages in the
 * Map's order: the cursor counts the entries already walked, COUNT entries a call. Redis's
 * reverse-binary cursor guarantees that a field present for the whole scan is returned; a
 * cursor that counts positions cannot, when fields before it are deleted mid-scan and a later
 * call has to re-walk (the later fields shift down and one can be skipped). The usual caller,
 * which continues with the cursor it was just given, picks up the parked live iterator instead,
 * and a Map iterator sees every entry that is still there, deletions or not.
 */
export function hashScan(h: HashValue, cursor: number, count: number, match: (field: string) => boolean,
  out: string[]): number {
  if (h.encoding === 'listpack') {
    for (const [f, v] of h.entries()) if (match(f)) out.push(f, v);
    return 0;
  }
  let it: Iterator<[string, string]>;
  const parked = parkedScans.get(h);
  if (parked !== undefined && parked.cursor === cursor && cursor !== 0) {
    it = parked.iter;
  } else {
    it = h.entries();
    for (let i = 0; i < cursor; i++) if (it.next().done === true) return 0;
  }
  parkedScans.delete(h);
  let pos = cursor;
  for (let n = 0; n < count; n++) {
    const r = it.next();
    if (r.done === true) return 0;
    pos++;
    if (match(r.value[0])) out.push(r.value[0], r.value[1]);
  }
  parkedScans.set(h, { iter: it, cursor: pos });
  return pos;
}
