/**
 * The keys of one cluster slot: a hash table from key to value and last-access clock, laid
 * out in parallel arrays instead of a JS Map of entry objects.
 *
 * Why not a Map: a Map entry (three words plus its share of the buckets) and an object holding
 * value and clock cost ~80 bytes per key before the key and value strings themselves; Redis
 * spends ~88 bytes on a whole small string key. Here a key costs two array slots (key, value)
 * and three int32s (bucket head share, chain link, clock): ~26 bytes, ~35 with the slack of
 * doubling. It is the layout of V8's own OrderedHashMap (dense entries in insertion order, each
 * bucket the head of a chain through them), with the arrays split by field so that none of them
 * holds objects the GC must trace beyond the strings and values.
 *
 * Deleting leaves a hole in the dense arrays; holes are squeezed out when the table next fills
 * up. Iteration walks the dense arrays, so it is safe while keys are deleted (a deleted key is
 * skipped) and sees keys added meanwhile unless the table was rebuilt.
 */
import type { Value } from './keyspace.ts';

const NONE = -1;
const MIN_CAPACITY = 4;

/** A 32-bit FNV-1a hash of a latin1 string's chars. */
export function hashLatin1(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** hashLatin1() of the latin1 string of bytes[start, end), computed from the bytes. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

export class KeyTable {
  private keyAt: (string | undefined)[];
  private valueAt: (Value | undefined)[];
  /**
   * One int32 array for the int fields: `buckets` chain heads at [0, nBuckets), then per entry
   * its chain link at nBuckets + i and its clock at nBuckets + capacity + i.
   */
  private ints: Int32Array;
  private nBuckets: number;
  private capacity: number;
  /** Entries used so far (live or deleted): the next new entry goes at index `used`. */
  private used = 0;
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.capacity = capacity;
    this.nBuckets = capacity >>> 1;
    this.keyAt = new Array(capacity);
    this.valueAt = new Array(capacity);
    this.ints = new Int32Array(this.nBuckets + 2 * capacity).fill(NONE, 0, this.nBuckets);
  }

  // Every method takes the key's hashLatin1() from the caller, which hashes a key once for a
  // find and the add or delete after it.

  /** The entry index of key, or NONE. */
  find(key: string, hash: number): number {
    let i = this.ints[hash & (this.nBuckets - 1)]!;
    while (i !== NONE) {
      if (this.keyAt[i] === key) return i;
      i = this.ints[this.nBuckets + i]!;
    }
    return NONE;
  }

  /**
   * find() for the key whose latin1 string is bytes[start, end), without making that string:
   * a lookup that finds its key then costs no allocation (a GET or an overwriting SET).
   */
  findBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    let i = this.ints[hash & (this.nBuckets - 1)]!;
    while (i !== NONE) {
      const key = this.keyAt[i]!;
      if (key.length === length && sameChars(key, bytes, start)) return i;
      i = this.ints[this.nBuckets + i]!;
    }
    return NONE;
  }

  keyOf(i: number): string {
    return this.keyAt[i]!;
  }

  valueOf(i: number): Value {
    return this.valueAt[i]!;
  }

  setValue(i: number, value: Value): void {
    this.valueAt[i] = value;
  }

  clockOf(i: number): number {
    return this.ints[this.nBuckets + this.capacity + i]!;
  }

  setClock(i: number, clock: number): void {
    this.ints[this.nBuckets + this.capacity + i] = clock;
  }

  /** Adds a key known to be absent. */
  add(key: string, hash: number, value: Value, clock: number): void {
    if (this.used === this.capacity) {
      if (this.size * 2 >= this.capacity) this.rebuild(this.capacity * 2);
      else this.compact();
    }
    const i = this.used++;
    const bucket = hash & (this.nBuckets - 1);
    this.keyAt[i] = key;
    this.valueAt[i] = value;
    this.ints[this.nBuckets + i] = this.ints[bucket]!;
    this.ints[bucket] = i;
    this.setClock(i, clock);
    this.size++;
  }

  /** Removes key; false when it was not there. */
  delete(key: string, hash: number): boolean {
    const bucket = hash & (this.nBuckets - 1);
    let prev = NONE;
    let i = this.ints[bucket]!;
    while (i !== NONE && this.keyAt[i] !== key) {
      prev = i;
      i = this.ints[this.nBuckets + i]!;
    }
    if (i === NONE) return false;
    const next = this.ints[this.nBuckets + i]!;
    if (prev === NONE) this.ints[bucket] = next;
    else this.ints[this.nBuckets + prev] = next;
    this.keyAt[i] = undefined;
    this.valueAt[i] = undefined;
    this.size--;
    return true;
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.used; i++) {
      const key = this.keyAt[i];
      if (key !== undefined) yield key;
    }
  }

  /** Squeezes the holes out in place (same arrays, entries in order), relinking the chains. */
  private compact(): void {
    const { keyAt, valueAt, ints, nBuckets } = this;
    const clocks = nBuckets + this.capacity;
    ints.fill(NONE, 0, nBuckets);
    let to = 0;
    for (let from = 0; from < this.used; from++) {
      const key = keyAt[from];
      if (key === undefined) continue;
      if (to !== from) {
        keyAt[to] = key;
        valueAt[to] = valueAt[from];
        ints[clocks + to] = ints[clocks + from]!;
      }
      const bucket = hashLatin1(key) & (nBuckets - 1);
      ints[nBuckets + to] = ints[bucket]!;
      ints[bucket] = to;
      to++;
    }
    keyAt.fill(undefined, to, this.used);
    valueAt.fill(undefined, to, this.used);
    this.used = to;
  }

  /** Re-lays the live entries, in order, into a table of the given capacity. */
  private rebuild(capacity: number): void {
    const { keyAt, valueAt, used } = this;
    const oldClocks = this.ints.subarray(this.nBuckets + this.capacity);
    this.capacity = capacity;
    this.nBuckets = capacity >>> 1;
    this.keyAt = new Array(capacity);
    this.valueAt = new Array(capacity);
    this.ints = new Int32Array(this.nBuckets + 2 * capacity).fill(NONE, 0, this.nBuckets);
    this.used = 0;
    this.size = 0;
    for (let i = 0; i < used; i++) {
      const key = keyAt[i];
      if (key !== undefined) this.add(key, hashLatin1(key), valueAt[i]!, oldClocks[i]!);
    }
  }
}

/**
 * Whether key's chars are the bytes at bytes[start, start + key.length). Compared from the end:
 * keys sharing a chain often share a prefix ("user:1234", "user:1299") and differ at the end.
 */
function sameChars(key: string, bytes: Uint8Array, start: number): boolean {
  for (let i = key.length - 1; i >= 0; i--) if (key.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
