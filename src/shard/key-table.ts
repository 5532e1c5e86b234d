/**
 * The keys of one group of cluster slots: a hash table from key to value and last-access clock,
 * laid out in two arrays instead of a JS Map of entry objects.
 *
 * Why not a Map: a Map entry (three words plus its share of the buckets) and an object holding
 * value and clock cost ~80 bytes per key before the key and value strings themselves; Redis
 * spends ~88 bytes on a whole small string key. Here a key costs two array slots (key, value:
 * 8 bytes each, Node's V8 having no pointer compression) and three and a half int32s (chain
 * link, hash, clock, bucket head share): ~30 bytes, ~40 with the slack of doubling. It is the
 * layout of V8's own OrderedHashMap (dense entries in insertion order, each bucket the head of a
 * chain through them), with the ints kept apart so that the GC traces only strings and values.
 *
 * Deleting leaves a hole in the dense arrays; holes are squeezed out when the table next fills
 * up. Iteration walks the dense arrays, so it is safe while keys are deleted (a deleted key is
 * skipped) and sees keys added meanwhile unless the table was rebuilt.
 */
import type { Value } from './keyspace.ts';

const NONE = -1;
const MIN_CAPACITY = 4;
/** Per entry in `ints`: chain link (+0), key hash (+HASH), access clock (+CLOCK). */
const INTS_PER_ENTRY = 3;
const HASH = 1;
const CLOCK = 2;

/** FNV-1a's offset basis as an int32: hashes are int32s, as the table stores them. */
const FNV_OFFSET = 0x811c9dc5 | 0;

/** A 32-bit FNV-1a hash of a latin1 string's chars. */
export function hashLatin1(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** hashLatin1() of the latin1 string of bytes[start, end), computed from the bytes. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

export class KeyTable {
  /** Entry i's key at 2i and its value at 2i + 1: found, a key has its value in the same cache line. */
  private entries: (string | Value | undefined)[];
  /**
   * One int32 array for the int fields: `buckets` chain heads at [0, nBuckets), then per entry
   * i, at nBuckets + 3i: its chain link, its key's hash and its clock. A chain walk compares
   * stored hashes and touches a key string only when they match: each key string a lookup
   * reads is a likely cache miss (~20% of a GET in the shard worker, measured).
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
    this.entries = new Array(2 * capacity);
    this.ints = new Int32Array(this.nBuckets + INTS_PER_ENTRY * capacity).fill(NONE, 0, this.nBuckets);
  }

  // Every method takes the key's hashLatin1() from the caller, which hashes a key once for a
  // find and the add or delete after it.

  /** The entry index of key, or NONE. */
  find(key: string, hash: number): number {
    const ints = this.ints;
    const base = this.nBuckets;
    for (let i = ints[hash & (base - 1)]!; i !== NONE; i = ints[base + INTS_PER_ENTRY * i]!) {
      if (ints[base + INTS_PER_ENTRY * i + HASH]! === hash && this.entries[2 * i] === key) return i;
    }
    return NONE;
  }

  /**
   * find() for the key whose latin1 string is bytes[start, end), without making that string:
   * a lookup that finds its key then costs no allocation (a GET or an overwriting SET).
   */
  findBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const ints = this.ints;
    const base = this.nBuckets;
    for (let i = ints[hash & (base - 1)]!; i !== NONE; i = ints[base + INTS_PER_ENTRY * i]!) {
      if (ints[base + INTS_PER_ENTRY * i + HASH]! !== hash) continue;
      const key = this.entries[2 * i] as string;
      if (key.length === end - start && sameChars(key, bytes, start)) return i;
    }
    return NONE;
  }

  keyOf(i: number): string {
    return this.entries[2 * i] as string;
  }

  valueOf(i: number): Value {
    return this.entries[2 * i + 1] as Value;
  }

  setValue(i: number, value: Value): void {
    this.entries[2 * i + 1] = value;
  }

  clockOf(i: number): number {
    return this.ints[this.nBuckets + INTS_PER_ENTRY * i + CLOCK]!;
  }

  setClock(i: number, clock: number): void {
    this.ints[this.nBuckets + INTS_PER_ENTRY * i + CLOCK] = clock;
  }

  /** Adds a key known to be absent. */
  add(key: string, hash: number, value: Value, clock: number): void {
    if (this.used === this.capacity) {
      if (this.size * 2 >= this.capacity) this.rebuild(this.capacity * 2);
      else this.compact();
    }
    const i = this.used++;
    this.entries[2 * i] = key;
    this.entries[2 * i + 1] = value;
    this.link(i, hash, clock);
    this.size++;
  }

  /** Puts entry i at the head of its hash's chain, with its hash and clock. */
  private link(i: number, hash: number, clock: number): void {
    const ints = this.ints;
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const bucket = hash & (this.nBuckets - 1);
    ints[at] = ints[bucket]!;
    ints[at + HASH] = hash;
    ints[at + CLOCK] = clock;
    ints[bucket] = i;
  }

  /** Removes key; false when it was not there. */
  delete(key: string, hash: number): boolean {
    const ints = this.ints;
    const base = this.nBuckets;
    const bucket = hash & (base - 1);
    let prev = NONE;
    let i = ints[bucket]!;
    while (i !== NONE && !(ints[base + INTS_PER_ENTRY * i + HASH]! === hash && this.entries[2 * i] === key)) {
      prev = i;
      i = ints[base + INTS_PER_ENTRY * i]!;
    }
    if (i === NONE) return false;
    const next = ints[base + INTS_PER_ENTRY * i]!;
    if (prev === NONE) ints[bucket] = next;
    else ints[base + INTS_PER_ENTRY * prev] = next;
    this.entries[2 * i] = undefined;
    this.entries[2 * i + 1] = undefined;
    this.size--;
    return true;
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.used; i++) {
      const key = this.entries[2 * i];
      if (key !== undefined) yield key as string;
    }
  }

  /** Squeezes the holes out in place (same arrays, entries in order), relinking the chains. */
  private compact(): void {
    const { entries, ints, nBuckets } = this;
    ints.fill(NONE, 0, nBuckets);
    let to = 0;
    for (let from = 0; from < this.used; from++) {
      const key = entries[2 * from];
      if (key === undefined) continue;
      const old = nBuckets + INTS_PER_ENTRY * from;
      // Linking entry `to` writes only its own ints, which are at or before from's: read first.
      const hash = ints[old + HASH]!;
      const clock = ints[old + CLOCK]!;
      entries[2 * to] = key;
      entries[2 * to + 1] = entries[2 * from + 1];
      this.link(to, hash, clock);
      to++;
    }
    entries.fill(undefined, 2 * to, 2 * this.used);
    this.used = to;
  }

  /** Re-lays the live entries, in order, into a table of the given capacity. */
  private rebuild(capacity: number): void {
    const { entries, ints, nBuckets, used } = this;
    this.capacity = capacity;
    this.nBuckets = capacity >>> 1;
    this.entries = new Array(2 * capacity);
    this.ints = new Int32Array(this.nBuckets + INTS_PER_ENTRY * capacity).fill(NONE, 0, this.nBuckets);
    this.used = 0;
    this.size = 0;
    for (let i = 0; i < used; i++) {
      const key = entries[2 * i];
      const at = nBuckets + INTS_PER_ENTRY * i;
      if (key !== undefined) this.add(key as string, ints[at + HASH]!, entries[2 * i + 1] as Value, ints[at + CLOCK]!);
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
