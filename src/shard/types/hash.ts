/**
 * The hash type API (Redis t_hash.c's "API" half): how a hash is stored, looked up, changed and
 * walked. commands/hashes.ts goes through these functions; ops return a value or a Status and
 * never write replies.
 *
 * A hash is one JS Map from field to value, both latin1 strings (one char per byte). The Map
 * keeps insertion order, and an update keeps a field's place: exactly how Redis 7.0's listpack
 * behaves, so small hashes reply HGETALL/HKEYS/HVALS byte for byte like Redis. Once Redis would
 * have converted the hash to a hashtable its order is unspecified, and the Map's order is as
 * good as any.
 *
 * `encoding` answers what OBJECT ENCODING would: listpack while the hash holds at most 128
 * entries and has never stored a field or value longer than 64 bytes, then hashtable for good
 * (Redis never converts back).
 */
import type { Db, TypedValue } from '../keyspace.ts';
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

export class HashValue implements TypedValue {
  readonly type = 'hash' as const;
  readonly map = new Map<string, string>();
  private hashtable = false;
  /**
   * A live iterator parked by the last HSCAN call of a large hash, under the cursor that call
   * returned, so that continuing the scan costs O(COUNT) instead of re-walking to the cursor.
   */
  scanIter: Iterator<[string, string]> | null = null;
  scanCursor = 0;

  get encoding(): 'listpack' | 'hashtable' {
    return this.hashtable ? 'hashtable' : 'listpack';
  }

  get size(): number {
    return this.map.size;
  }

  get(field: string): string | undefined {
    return this.map.get(field);
  }

  /** Stores value under field; true when the field is new. */
  set(field: string, value: string): boolean {
    const had = this.map.has(field);
    this.map.set(field, value);
    if (!this.hashtable &&
      (field.length > HASH_MAX_LISTPACK_VALUE || value.length > HASH_MAX_LISTPACK_VALUE ||
        this.map.size > HASH_MAX_LISTPACK_ENTRIES)) this.hashtable = true;
    return !had;
  }

  delete(field: string): boolean {
    return this.map.delete(field);
  }

  /** How a snapshot recreates this hash: HSET with every pair, in order. */
  serialize(): { command: string; items: Iterable<readonly string[]> } {
    return { command: 'HSET', items: this.map.entries() };
  }
}

/** The latin1 string form of argument bytes (a copy, safe to keep). */
export function latin1(bytes: Uint8Array): string {
  return Buffer.prototype.latin1Slice.call(bytes, 0, bytes.length);
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

/** HSET's pairs (argv[from], argv[from+1], ...): how many fields were new. */
export function hashSetPairs(db: Db, key: string, argv: readonly Uint8Array[], from: number): number | Status {
  const h = hashForWrite(db, key);
  if (h === Status.WRONGTYPE) return h;
  let created = 0;
  for (let j = from; j + 1 < argv.length; j += 2) if (h.set(latin1(argv[j]!), latin1(argv[j + 1]!))) created++;
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
  for (const entry of h.map) if (skip-- === 0) return entry;
  throw new Error('randomField of an empty hash');
}

/** `count` distinct entries chosen at random (count < size), in random order. Allocates. */
export function randomDistinctFields(h: HashValue, count: number): [string, string][] {
  const all = [...h.map];
  // A partial Fisher-Yates shuffle: the first `count` slots end up a uniform sample.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (all.length - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  all.length = count;
  return all;
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
    for (const [f, v] of h.map) if (match(f)) out.push(f, v);
    return 0;
  }
  let it: Iterator<[string, string]>;
  if (h.scanIter !== null && h.scanCursor === cursor && cursor !== 0) {
    it = h.scanIter;
  } else {
    it = h.map[Symbol.iterator]();
    for (let i = 0; i < cursor; i++) if (it.next().done === true) return 0;
  }
  h.scanIter = null;
  let pos = cursor;
  for (let n = 0; n < count; n++) {
    const r = it.next();
    if (r.done === true) return 0;
    pos++;
    if (match(r.value[0])) out.push(r.value[0], r.value[1]);
  }
  h.scanIter = it;
  h.scanCursor = pos;
  return pos;
}
