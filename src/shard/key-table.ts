/**
 * The keys of one group of cluster slots: a hash table from key to value and last-access clock,
 * with short keys and short string values stored as bytes in the table's own memory.
 *
 * Why bytes and not JS strings: a lookup is a chain of dependent loads, and with 10,000 keys or
 * more each is a likely cache miss (docs/benchmarks.md, seventh round). With key and value as
 * strings, a GET read the bucket, the entry, the array of entries, the key string and the value
 * string; with both inline it reads the bucket and the entry, one 40-byte record holding the
 * hash, chain link, clock and the bytes of key and value together (Dragonfly and Garnet store
 * small keys the same way, for the same reason). Such a key also leaves the GC nothing to trace.
 *
 *   memory (Int32Array): chain heads at [0, nBuckets), then entry i's 10 ints at
 *   nBuckets + 10i:  next | hash | clock | meta | 24 bytes: key bytes, then value bytes
 *
 *   meta: key length (bits 0-7) and value length (bits 8-15) when inline; KEY_OUTSIDE for a key
 *   longer than 24 bytes, VALUE_OUTSIDE for a value that is not a string or does not fit beside
 *   its key. Those are kept in `longKeys` and `values` at the entry's index, arrays made only
 *   when a table first needs one. HOLE marks a deleted entry.
 *
 * The layout of V8's own OrderedHashMap: dense entries in insertion order, each bucket the head
 * of a chain through them. Deleting leaves a hole; holes are squeezed out when the table next
 * fills up. Iteration walks the dense entries, so it is safe while keys are deleted (a deleted
 * key is skipped) and sees keys added meanwhile unless the table was rebuilt.
 *
 * Bytes are written through a byte view and compared through the int view of the same memory,
 * four at a time: little-endian, as every platform Node runs on is.
 */
import type { Value } from './keyspace.ts';
import { latin1 } from '../util/latin1.ts';
import { copyBytes } from '../ring/bytes.ts';

const NONE = -1;
const MIN_CAPACITY = 4;
const NEXT = 0;
const HASH = 1;
const CLOCK = 2;
const META = 3;
const DATA = 4;
const INTS_PER_ENTRY = 10;
/** Key and value bytes an entry holds itself: together at most this many. */
export const INLINE_BYTES = (INTS_PER_ENTRY - DATA) * 4;
const LENGTH_MASK = 0xff;
const VALUE_SHIFT = 8;
const KEY_OUTSIDE = 1 << 16;
const VALUE_OUTSIDE = 1 << 17;
const HOLE = -1;


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
  private ints!: Int32Array;
  /** The same memory as `ints`, by byte: for copying bytes in and out. */
  memory!: Buffer;
  /** Values not held inline, by entry index; made when the first one comes. */
  private values: (Value | undefined)[] | null = null;
  /** Keys longer than INLINE_BYTES, by entry index; made when the first one comes. */
  private longKeys: (string | undefined)[] | null = null;
  private nBuckets = 0;
  private capacity = 0;
  /** Entries used so far (live or holes): the next new entry goes at index `used`. */
  private used = 0;
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.allocate(capacity);
  }

  private allocate(capacity: number): void {
    this.capacity = capacity;
    this.nBuckets = capacity >>> 1;
    const memory = new ArrayBuffer(4 * (this.nBuckets + INTS_PER_ENTRY * capacity));
    this.ints = new Int32Array(memory).fill(NONE, 0, this.nBuckets);
    this.memory = Buffer.from(memory);
  }

  // Every method takes the key's hashLatin1() from the caller, which hashes a key once for a
  // find and the add or delete after it.

  /** The entry index of key, or NONE. */
  find(key: string, hash: number): number {
    const ints = this.ints;
    const base = this.nBuckets;
    for (let i = ints[hash & (base - 1)]!; i !== NONE; i = ints[base + INTS_PER_ENTRY * i + NEXT]!) {
      if (ints[base + INTS_PER_ENTRY * i + HASH]! === hash && this.holds(i, key)) return i;
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
    const length = end - start;
    for (let i = ints[hash & (base - 1)]!; i !== NONE; i = ints[base + INTS_PER_ENTRY * i + NEXT]!) {
      const at = base + INTS_PER_ENTRY * i;
      if (ints[at + HASH]! !== hash) continue;
      const meta = ints[at + META]!;
      if ((meta & KEY_OUTSIDE) === 0) {
        if ((meta & LENGTH_MASK) === length && sameWords(ints, at + DATA, bytes, start, length)) return i;
      } else {
        const key = this.longKeys![i]!;
        if (key.length === length && sameChars(key, bytes, start)) return i;
      }
    }
    return NONE;
  }

  keyOf(i: number): string {
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const meta = this.ints[at + META]!;
    if ((meta & KEY_OUTSIDE) !== 0) return this.longKeys![i]!;
    const start = 4 * (at + DATA);
    return latin1(this.memory, start, start + (meta & LENGTH_MASK));
  }

  valueOf(i: number): Value {
    const start = this.inlineValueStart(i);
    if (start < 0) return this.values![i]!;
    return latin1(this.memory, start, this.inlineValueEnd(i));
  }

  /** Where entry i's value starts in `memory` when it is an inline string; -1 otherwise. */
  inlineValueStart(i: number): number {
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const meta = this.ints[at + META]!;
    return (meta & VALUE_OUTSIDE) !== 0 ? -1 : 4 * (at + DATA) + (meta & LENGTH_MASK);
  }

  /** Where entry i's inline value ends in `memory` (when inlineValueStart(i) is not -1). */
  inlineValueEnd(i: number): number {
    const meta = this.ints[this.nBuckets + INTS_PER_ENTRY * i + META]!;
    return this.inlineValueStart(i) + ((meta >> VALUE_SHIFT) & LENGTH_MASK);
  }

  setValue(i: number, value: Value): void {
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const meta = this.ints[at + META]!;
    const keyLength = meta & LENGTH_MASK;
    if (typeof value === 'string' && (meta & KEY_OUTSIDE) === 0 && keyLength + value.length <= INLINE_BYTES) {
      writeChars(this.memory, 4 * (at + DATA) + keyLength, value);
      this.setInlineValueLength(i, at, meta, value.length);
    } else {
      (this.values ??= new Array(this.capacity))[i] = value;
      this.ints[at + META] = (meta & (LENGTH_MASK | KEY_OUTSIDE)) | VALUE_OUTSIDE;
    }
  }

  /**
   * setValue() of the string whose bytes are src[start, end), without making that string; false
   * (and nothing changed) when it does not fit inline: the caller then sets it as a string.
   */
  setValueBytes(i: number, src: Uint8Array, start: number, end: number): boolean {
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const meta = this.ints[at + META]!;
    const keyLength = meta & LENGTH_MASK;
    if ((meta & KEY_OUTSIDE) !== 0 || keyLength + end - start > INLINE_BYTES) return false;
    copyBytes(src, start, end, this.memory, 4 * (at + DATA) + keyLength);
    this.setInlineValueLength(i, at, meta, end - start);
    return true;
  }

  private setInlineValueLength(i: number, at: number, meta: number, length: number): void {
    this.ints[at + META] = (meta & LENGTH_MASK) | (length << VALUE_SHIFT);
    if ((meta & VALUE_OUTSIDE) !== 0) this.values![i] = undefined;
  }

  clockOf(i: number): number {
    return this.ints[this.nBuckets + INTS_PER_ENTRY * i + CLOCK]!;
  }

  setClock(i: number, clock: number): void {
    this.ints[this.nBuckets + INTS_PER_ENTRY * i + CLOCK] = clock;
  }

  /** Adds a key known to be absent. */
  add(key: string, hash: number, value: Value, clock: number): void {
    const i = this.claim();
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    if (key.length <= INLINE_BYTES) {
      writeChars(this.memory, 4 * (at + DATA), key);
      this.ints[at + META] = key.length;
    } else {
      (this.longKeys ??= new Array(this.capacity))[i] = key;
      this.ints[at + META] = KEY_OUTSIDE;
    }
    this.setValue(i, value);
    this.link(i, hash, clock);
    this.size++;
  }

  /**
   * add() of a key and a string value given as bytes, both inline: the caller checked that the
   * two together fit in INLINE_BYTES.
   */
  addBytes(key: Uint8Array, keyStart: number, keyEnd: number, hash: number, value: Uint8Array, valueStart: number, valueEnd: number, clock: number): void {
    const i = this.claim();
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const data = 4 * (at + DATA);
    const keyLength = keyEnd - keyStart;
    copyBytes(key, keyStart, keyEnd, this.memory, data);
    copyBytes(value, valueStart, valueEnd, this.memory, data + keyLength);
    this.ints[at + META] = keyLength | ((valueEnd - valueStart) << VALUE_SHIFT);
    this.link(i, hash, clock);
    this.size++;
  }

  /** The index for a new entry, making room first when the entries are used up. */
  private claim(): number {
    if (this.used === this.capacity) {
      if (this.size * 2 >= this.capacity) this.rebuild(this.capacity * 2);
      else this.compact();
    }
    return this.used++;
  }

  /** Puts entry i at the head of its hash's chain, with its hash and clock. */
  private link(i: number, hash: number, clock: number): void {
    const ints = this.ints;
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const bucket = hash & (this.nBuckets - 1);
    ints[at + NEXT] = ints[bucket]!;
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
    while (i !== NONE && !(ints[base + INTS_PER_ENTRY * i + HASH]! === hash && this.holds(i, key))) {
      prev = i;
      i = ints[base + INTS_PER_ENTRY * i + NEXT]!;
    }
    if (i === NONE) return false;
    const at = base + INTS_PER_ENTRY * i;
    if (prev === NONE) ints[bucket] = ints[at + NEXT]!;
    else ints[base + INTS_PER_ENTRY * prev + NEXT] = ints[at + NEXT]!;
    if (this.values !== null) this.values[i] = undefined;
    if (this.longKeys !== null) this.longKeys[i] = undefined;
    ints[at + META] = HOLE;
    this.size--;
    return true;
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.used; i++) {
      if (this.ints[this.nBuckets + INTS_PER_ENTRY * i + META] !== HOLE) yield this.keyOf(i);
    }
  }

  /** Whether entry i's key is key. */
  private holds(i: number, key: string): boolean {
    const at = this.nBuckets + INTS_PER_ENTRY * i;
    const meta = this.ints[at + META]!;
    if ((meta & KEY_OUTSIDE) !== 0) return this.longKeys![i] === key;
    if ((meta & LENGTH_MASK) !== key.length) return false;
    const memory = this.memory;
    const start = 4 * (at + DATA);
    for (let j = key.length - 1; j >= 0; j--) if (memory[start + j] !== key.charCodeAt(j)) return false;
    return true;
  }

  /** Squeezes the holes out in place (same memory, entries in order), relinking the chains. */
  private compact(): void {
    const { ints, nBuckets, values, longKeys } = this;
    ints.fill(NONE, 0, nBuckets);
    let to = 0;
    for (let from = 0; from < this.used; from++) {
      const old = nBuckets + INTS_PER_ENTRY * from;
      if (ints[old + META] === HOLE) continue;
      // Entry `to` is at or before from: copying forward never overwrites what is still to move.
      if (to !== from) {
        ints.copyWithin(nBuckets + INTS_PER_ENTRY * to, old, old + INTS_PER_ENTRY);
        if (values !== null) values[to] = values[from];
        if (longKeys !== null) longKeys[to] = longKeys[from];
      }
      const at = nBuckets + INTS_PER_ENTRY * to;
      this.link(to, ints[at + HASH]!, ints[at + CLOCK]!);
      to++;
    }
    values?.fill(undefined, to, this.used);
    longKeys?.fill(undefined, to, this.used);
    this.used = to;
  }

  /** Re-lays the live entries, in order, into a table of the given capacity. */
  private rebuild(capacity: number): void {
    const { ints: old, nBuckets: oldBase, values: oldValues, longKeys: oldKeys, used } = this;
    this.allocate(capacity);
    const ints = this.ints;
    const values = (this.values = oldValues === null ? null : new Array(capacity));
    const longKeys = (this.longKeys = oldKeys === null ? null : new Array(capacity));
    let to = 0;
    for (let from = 0; from < used; from++) {
      const src = oldBase + INTS_PER_ENTRY * from;
      if (old[src + META] === HOLE) continue;
      const at = this.nBuckets + INTS_PER_ENTRY * to;
      ints.set(old.subarray(src, src + INTS_PER_ENTRY), at);
      if (values !== null) values[to] = oldValues![from];
      if (longKeys !== null) longKeys[to] = oldKeys![from];
      this.link(to, ints[at + HASH]!, ints[at + CLOCK]!);
      to++;
    }
    this.used = to;
  }
}

/**
 * Whether the `length` key bytes stored from ints[word] are bytes[start, start + length),
 * compared four bytes at a time; the last word's bytes past the key (the value's) are masked.
 */
function sameWords(ints: Int32Array, word: number, bytes: Uint8Array, start: number, length: number): boolean {
  let j = 0;
  for (; j + 4 <= length; j += 4, word++) {
    const w = bytes[start + j]! | (bytes[start + j + 1]! << 8) | (bytes[start + j + 2]! << 16) | (bytes[start + j + 3]! << 24);
    if (w !== ints[word]) return false;
  }
  if (j === length) return true;
  let w = 0;
  for (let k = 0; j + k < length; k++) w |= bytes[start + j + k]! << (8 * k);
  const mask = (1 << (8 * (length - j))) - 1;
  return w === (ints[word]! & mask);
}

/**
 * Whether key's chars are the bytes at bytes[start, start + key.length). Compared from the end:
 * keys sharing a chain often share a prefix ("user:1234", "user:1299") and differ at the end.
 */
function sameChars(key: string, bytes: Uint8Array, start: number): boolean {
  for (let i = key.length - 1; i >= 0; i--) if (key.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/** A latin1 string's chars as bytes at memory[at...] (at most INLINE_BYTES of them). */
function writeChars(memory: Uint8Array, at: number, s: string): void {
  for (let j = 0; j < s.length; j++) memory[at + j] = s.charCodeAt(j);
}
