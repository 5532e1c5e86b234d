/**
 * The keys of a group of cluster slots: a hash table from key to value and last-access clock,
 * laid out in one array instead of a JS Map of entry objects.
 *
 * Why not a Map: a Map entry (three words plus its share of the buckets) and an object holding
 * value and clock cost ~80 bytes per key before the key and value strings themselves; Redis
 * spends ~88 bytes on a whole small string key. Here a key costs four array slots (key, value,
 * chain link, clock: 16 bytes with V8's compressed pointers) and half a bucket head: ~18 bytes,
 * ~25 with the slack of doubling. It is the layout of V8's own OrderedHashMap (dense entries in
 * insertion order, each bucket the head of a chain through them). All in one array because
 * every object a lookup passes through is a likely cache miss under load: one array and the
 * key string, where parallel key, value and Int32Array fields were three arrays (~10% of a
 * pipelined GET's CPU, docs/benchmarks.md).
 *
 * Deleting leaves a hole in the dense entries; holes are squeezed out when the table next fills
 * up. Iteration walks the dense entries, so it is safe while keys are deleted (a deleted key is
 * skipped) and sees keys added meanwhile unless the table was rebuilt.
 */
import type { Value } from './keyspace.ts';

const NONE = -1;
const MIN_CAPACITY = 4;
/** Access clocks are whole seconds since 2020 (keyspace.ts): 30 bits last until 2054. */
const CLOCK_MASK = 0x3fffffff;

/** A 32-bit FNV-1a hash of a latin1 string's chars. */
export function hashLatin1(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** Slots per entry in the table's array: key, value, chain link, clock. */
const ENTRY = 4;

export class KeyTable {
  /**
   * The whole table in one array, so that a lookup walks one object and the key strings:
   * bucket heads at [0, nBuckets), then entry i at nBuckets + ENTRY * i as key, value, the
   * next entry of its chain, and its access clock. A deleted entry's key is undefined.
   */
  private slots: (string | Value | number | undefined)[];
  private nBuckets: number;
  private capacity: number;
  /** Entries used so far (live or deleted): the next new entry goes at index `used`. */
  private used = 0;
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.capacity = capacity;
    this.nBuckets = capacity >>> 1;
    this.slots = KeyTable.layout(this.nBuckets, capacity);
  }

  private static layout(nBuckets: number, capacity: number): (string | Value | number | undefined)[] {
    const slots = new Array<string | Value | number | undefined>(nBuckets + ENTRY * capacity);
    slots.fill(NONE, 0, nBuckets);
    return slots;
  }

  // Every method takes the key's hashLatin1() from the caller, which hashes a key once for a
  // find and the add or delete after it.

  /** The entry index of key, or NONE. */
  find(key: string, hash: number): number {
    const slots = this.slots;
    const nBuckets = this.nBuckets;
    let i = slots[hash & (nBuckets - 1)] as number;
    while (i !== NONE) {
      const at = nBuckets + ENTRY * i;
      if (slots[at] === key) return i;
      i = slots[at + 2] as number;
    }
    return NONE;
  }

  valueOf(i: number): Value {
    return this.slots[this.nBuckets + ENTRY * i + 1] as Value;
  }

  setValue(i: number, value: Value): void {
    this.slots[this.nBuckets + ENTRY * i + 1] = value;
  }

  clockOf(i: number): number {
    return this.slots[this.nBuckets + ENTRY * i + 3] as number;
  }

  setClock(i: number, clock: number): void {
    // Masked to 30 bits so that the compiler knows it stores a small integer (no write barrier).
    this.slots[this.nBuckets + ENTRY * i + 3] = clock & CLOCK_MASK;
  }

  /** Adds a key known to be absent. */
  add(key: string, hash: number, value: Value, clock: number): void {
    if (this.used === this.capacity) {
      if (this.size * 2 >= this.capacity) this.rebuild(this.capacity * 2);
      else this.compact();
    }
    const i = this.used++;
    const slots = this.slots;
    const bucket = hash & (this.nBuckets - 1);
    const at = this.nBuckets + ENTRY * i;
    slots[at] = key;
    slots[at + 1] = value;
    slots[at + 2] = slots[bucket];
    slots[at + 3] = clock & CLOCK_MASK;
    slots[bucket] = i;
    this.size++;
  }

  /** Removes key; false when it was not there. */
  delete(key: string, hash: number): boolean {
    const slots = this.slots;
    const nBuckets = this.nBuckets;
    const bucket = hash & (nBuckets - 1);
    let prev = NONE;
    let i = slots[bucket] as number;
    while (i !== NONE && slots[nBuckets + ENTRY * i] !== key) {
      prev = i;
      i = slots[nBuckets + ENTRY * i + 2] as number;
    }
    if (i === NONE) return false;
    const at = nBuckets + ENTRY * i;
    if (prev === NONE) slots[bucket] = slots[at + 2];
    else slots[nBuckets + ENTRY * prev + 2] = slots[at + 2];
    slots[at] = undefined;
    slots[at + 1] = undefined;
    this.size--;
    return true;
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.used; i++) {
      const key = this.slots[this.nBuckets + ENTRY * i];
      if (key !== undefined) yield key as string;
    }
  }

  /** Squeezes the holes out in place (same array, entries in order), relinking the chains. */
  private compact(): void {
    const { slots, nBuckets } = this;
    slots.fill(NONE, 0, nBuckets);
    let to = 0;
    for (let from = 0; from < this.used; from++) {
      const src = nBuckets + ENTRY * from;
      const key = slots[src] as string | undefined;
      if (key === undefined) continue;
      const dst = nBuckets + ENTRY * to;
      if (to !== from) {
        slots[dst] = key;
        slots[dst + 1] = slots[src + 1];
        slots[dst + 3] = slots[src + 3];
      }
      const bucket = hashLatin1(key) & (nBuckets - 1);
      slots[dst + 2] = slots[bucket];
      slots[bucket] = to;
      to++;
    }
    slots.fill(undefined, nBuckets + ENTRY * to, nBuckets + ENTRY * this.used);
    this.used = to;
  }

  /** Re-lays the live entries, in order, into a table of the given capacity. */
  private rebuild(capacity: number): void {
    const { slots, nBuckets, used } = this;
    this.capacity = capacity;
    this.nBuckets = capacity >>> 1;
    this.slots = KeyTable.layout(this.nBuckets, capacity);
    this.used = 0;
    this.size = 0;
    for (let i = 0; i < used; i++) {
      const at = nBuckets + ENTRY * i;
      const key = slots[at] as string | undefined;
      if (key !== undefined) this.add(key, hashLatin1(key), slots[at + 1] as Value, slots[at + 3] as number);
    }
  }
}
