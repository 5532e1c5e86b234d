/**
 * A db's keys: one hash table per group of cluster slots, from key to value and last-access
 * clock, with short keys and short string values stored as bytes in the table's own memory.
 *
 * Why bytes and not JS strings: a lookup is a chain of dependent loads, and with 10,000 keys or
 * more each is a likely cache miss (docs/benchmarks.md, seventh round). With key and value as
 * strings, a GET read the bucket, the entry, the array of entries, the key string and the value
 * string; with both inline it reads the bucket and the entry, one 40-byte record holding the
 * hash, chain link, clock and the bytes of key and value together (Dragonfly and Garnet store
 * small keys the same way, for the same reason). Such a key also leaves the GC nothing to trace.
 * And why one object for all the groups' tables, each a region of a shared arena
 * (table-arena.ts) located through a directory of ints: a table object of its own per group,
 * with its own Int32Array, cost three more misses a lookup (eighth round).
 *
 *   directory: per group, its region's chunk and offsets, bucket mask, capacity, used, size
 *   region:    chain heads at [0, nBuckets), then entry i's 10 ints:
 *              next | hash | clock | meta | 24 bytes: key bytes, then value bytes
 *
 *   meta: key length (bits 0-7) and value length (bits 8-15) when inline; VALUE_OUTSIDE for a
 *   value that is not a string or does not fit beside its key, KEY_OUTSIDE for a key too long
 *   to stay inline (over 24 bytes, or over 20 beside a handle). What is outside lives in
 *   arrays for the whole db, `outsideValues` and `outsideKeys`, at the handle kept in the
 *   entry's last 4 bytes: an
 *   entry moves without it, and a collection's value is one array element away, not a table's
 *   own array and then its element. HOLE marks a deleted entry.
 *
 * Each table has the layout of V8's own OrderedHashMap: dense entries in insertion order, each
 * bucket the head of a chain through them. Deleting leaves a hole; holes are squeezed out when
 * the table next fills up, or it moves to a region twice the size. Iteration walks the dense
 * entries, so it is safe while keys are deleted (a deleted key is skipped) and sees keys added
 * meanwhile unless the table was rebuilt. A group's last key gone, its region is freed.
 *
 * Bytes are written through a byte view and compared through the int view of the same memory,
 * four at a time: little-endian, as every platform Node runs on is.
 */
import type { Value } from './keyspace.ts';
import { latin1 } from '../util/latin1.ts';
import { copyBytes } from '../ring/bytes.ts';
import { sameChars, sameWords, sameWordsAsChars, writeChars } from './key-bytes.ts';
import { chunkOf, offsetOf, regionAddress, TableArena } from './table-arena.ts';

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
/** The data's last int: the entry's handle into the outside arrays, when it has anything there. */
const HANDLE = INTS_PER_ENTRY - 1;
/** The longest key kept inline beside a handle. */
const KEY_BESIDE_HANDLE = INLINE_BYTES - 4;
const LENGTH_MASK = 0xff;
const VALUE_SHIFT = 8;
const KEY_OUTSIDE = 1 << 16;
const VALUE_OUTSIDE = 1 << 17;
const HOLE = -1;


/** Per group in the directory: where its table is and how full (7 ints, padded to 8). */
const DIR_INTS = 8;
const D_CHUNK = 0; // the arena chunk holding its region
const D_HEADS = 1; // int offset of its bucket heads in the chunk
const D_ENTRIES = 2; // int offset of its entry 0
const D_MASK = 3; // bucket count - 1
const D_CAPACITY = 4; // entries it has room for; 0: the group has no table
const D_USED = 5; // entries used so far, live or holes: the next new entry's index
const D_SIZE = 6; // live entries

export class KeyTables {
  private readonly dir: Int32Array;
  private readonly arena = new TableArena();
  /** What entries do not hold inline, for the whole db, by handle: an entry keeps its handle when it moves. */
  private outsideValues: (Value | undefined)[] = [];
  /** Keys not held inline (rarer than values: only the long ones), by the same handles. */
  private outsideKeys: (string | undefined)[] = [];
  private freeHandles: number[] = [];

  constructor(groupCount: number) {
    this.dir = new Int32Array(groupCount * DIR_INTS);
  }

  /** Keys in group g's table. */
  size(g: number): number {
    return this.dir[g * DIR_INTS + D_SIZE]!;
  }

  // Every method takes the key's hashLatin1() from the caller, which hashes a key once for a
  // find and the add or delete after it.

  /** The entry index of key in group g, or NONE. */
  find(g: number, key: string, hash: number): number {
    const d = g * DIR_INTS;
    const dir = this.dir;
    if (dir[d + D_CAPACITY] === 0) return NONE;
    const ints = this.arena.chunks[dir[d + D_CHUNK]!]!;
    const entries = dir[d + D_ENTRIES]!;
    for (let i = ints[this.bucketOf(g, hash)]!; i !== NONE; i = ints[entries + INTS_PER_ENTRY * i + NEXT]!) {
      if (ints[entries + INTS_PER_ENTRY * i + HASH]! === hash && this.holds(g, i, key)) return i;
    }
    return NONE;
  }

  /**
   * find() for the key whose latin1 string is bytes[start, end), without making that string:
   * a lookup that finds its key then costs no allocation (a GET or an overwriting SET).
   */
  findBytes(g: number, bytes: Uint8Array, start: number, end: number, hash: number): number {
    const d = g * DIR_INTS;
    const dir = this.dir;
    if (dir[d + D_CAPACITY] === 0) return NONE;
    const ints = this.arena.chunks[dir[d + D_CHUNK]!]!;
    const entries = dir[d + D_ENTRIES]!;
    const length = end - start;
    for (let i = ints[this.bucketOf(g, hash)]!; i !== NONE; i = ints[entries + INTS_PER_ENTRY * i + NEXT]!) {
      const at = entries + INTS_PER_ENTRY * i;
      if (ints[at + HASH]! !== hash) continue;
      const meta = ints[at + META]!;
      if ((meta & KEY_OUTSIDE) === 0) {
        if ((meta & LENGTH_MASK) === length && sameWords(ints, at + DATA, bytes, start, length)) return i;
      } else {
        const key = this.outsideKeys[ints[at + HANDLE]!]!;
        if (key.length === length && sameChars(key, bytes, start)) return i;
      }
    }
    return NONE;
  }

  keyOf(g: number, i: number): string {
    const ints = this.chunk(g);
    const at = this.entryAt(g, i);
    const meta = ints[at + META]!;
    if ((meta & KEY_OUTSIDE) !== 0) return this.outsideKeys[ints[at + HANDLE]!]!;
    const start = 4 * (at + DATA);
    return latin1(this.memory(g), start, start + (meta & LENGTH_MASK));
  }

  valueOf(g: number, i: number): Value {
    const ints = this.chunk(g);
    const at = this.entryAt(g, i);
    const meta = ints[at + META]!;
    if ((meta & VALUE_OUTSIDE) !== 0) return this.outsideValues[ints[at + HANDLE]!]!;
    const start = 4 * (at + DATA) + (meta & LENGTH_MASK);
    return latin1(this.memory(g), start, start + ((meta >> VALUE_SHIFT) & LENGTH_MASK));
  }

  /** Group g's table's memory by byte, where inlineValueStart() points. */
  memory(g: number): Buffer {
    return this.arena.bytes[this.dir[g * DIR_INTS + D_CHUNK]!]!;
  }

  /** Where entry i's value starts in memory(g) when it is an inline string; -1 otherwise. */
  inlineValueStart(g: number, i: number): number {
    const at = this.entryAt(g, i);
    const meta = this.chunk(g)[at + META]!;
    return (meta & VALUE_OUTSIDE) !== 0 ? -1 : 4 * (at + DATA) + (meta & LENGTH_MASK);
  }

  /** Where entry i's inline value ends in memory(g) (when inlineValueStart() is not -1). */
  inlineValueEnd(g: number, i: number): number {
    const at = this.entryAt(g, i);
    const meta = this.chunk(g)[at + META]!;
    return 4 * (at + DATA) + (meta & LENGTH_MASK) + ((meta >> VALUE_SHIFT) & LENGTH_MASK);
  }

  setValue(g: number, i: number, value: Value): void {
    const ints = this.chunk(g);
    const at = this.entryAt(g, i);
    const meta = ints[at + META]!;
    const keyLength = meta & LENGTH_MASK;
    if ((meta & KEY_OUTSIDE) === 0 && typeof value === 'string' && keyLength + value.length <= INLINE_BYTES) {
      // Its handle first: the value's bytes may overwrite it.
      if ((meta & VALUE_OUTSIDE) !== 0) this.freeHandle(ints[at + HANDLE]!);
      writeChars(this.memory(g), 4 * (at + DATA) + keyLength, value);
      ints[at + META] = keyLength | (value.length << VALUE_SHIFT);
      return;
    }
    if ((meta & VALUE_OUTSIDE) !== 0) {
      this.outsideValues[ints[at + HANDLE]!] = value;
      return;
    }
    const h = this.newHandle();
    if (keyLength > KEY_BESIDE_HANDLE) {
      // The handle takes the key's last bytes: the key goes outside with the value.
      this.setOutsideKey(h, this.keyOf(g, i));
      ints[at + META] = KEY_OUTSIDE | VALUE_OUTSIDE;
    } else {
      ints[at + META] = keyLength | VALUE_OUTSIDE;
    }
    this.outsideValues[h] = value;
    ints[at + HANDLE] = h;
  }

  /**
   * setValue() of the string whose bytes are src[start, end), without making that string; false
   * (and nothing changed) when it does not fit inline: the caller then sets it as a string.
   */
  setValueBytes(g: number, i: number, src: Uint8Array, start: number, end: number): boolean {
    const ints = this.chunk(g);
    const at = this.entryAt(g, i);
    const meta = ints[at + META]!;
    const keyLength = meta & LENGTH_MASK;
    if ((meta & KEY_OUTSIDE) !== 0 || keyLength + end - start > INLINE_BYTES) return false;
    if ((meta & VALUE_OUTSIDE) !== 0) this.freeHandle(ints[at + HANDLE]!);
    copyBytes(src, start, end, this.memory(g), 4 * (at + DATA) + keyLength);
    ints[at + META] = keyLength | ((end - start) << VALUE_SHIFT);
    return true;
  }

  clockOf(g: number, i: number): number {
    return this.chunk(g)[this.entryAt(g, i) + CLOCK]!;
  }

  setClock(g: number, i: number, clock: number): void {
    this.chunk(g)[this.entryAt(g, i) + CLOCK] = clock;
  }

  /** Adds a key known to be absent to group g. */
  add(g: number, key: string, hash: number, value: Value, clock: number): void {
    const i = this.claim(g);
    const at = this.entryAt(g, i);
    const ints = this.chunk(g);
    if (key.length <= INLINE_BYTES) {
      writeChars(this.memory(g), 4 * (at + DATA), key);
      ints[at + META] = key.length;
    } else {
      const h = this.newHandle();
      this.setOutsideKey(h, key);
      ints[at + HANDLE] = h;
      ints[at + META] = KEY_OUTSIDE | VALUE_OUTSIDE;
    }
    this.setValue(g, i, value);
    this.link(g, i, hash, clock);
  }

  /**
   * add() of a key and a string value given as bytes, both inline: the caller checked that the
   * two together fit in INLINE_BYTES.
   */
  addBytes(g: number, key: Uint8Array, keyStart: number, keyEnd: number, hash: number, value: Uint8Array, valueStart: number, valueEnd: number, clock: number): void {
    const i = this.claim(g);
    const at = this.entryAt(g, i);
    const data = 4 * (at + DATA);
    const memory = this.memory(g);
    const keyLength = keyEnd - keyStart;
    copyBytes(key, keyStart, keyEnd, memory, data);
    copyBytes(value, valueStart, valueEnd, memory, data + keyLength);
    this.chunk(g)[at + META] = keyLength | ((valueEnd - valueStart) << VALUE_SHIFT);
    this.link(g, i, hash, clock);
  }

  /** Removes key from group g; false when it was not there. The last key's table is dropped. */
  delete(g: number, key: string, hash: number): boolean {
    const d = g * DIR_INTS;
    const dir = this.dir;
    if (dir[d + D_CAPACITY] === 0) return false;
    const ints = this.chunk(g);
    const entries = dir[d + D_ENTRIES]!;
    const bucket = this.bucketOf(g, hash);
    let prev = NONE;
    let i = ints[bucket]!;
    while (i !== NONE && !(ints[entries + INTS_PER_ENTRY * i + HASH]! === hash && this.holds(g, i, key))) {
      prev = i;
      i = ints[entries + INTS_PER_ENTRY * i + NEXT]!;
    }
    if (i === NONE) return false;
    const at = entries + INTS_PER_ENTRY * i;
    if (prev === NONE) ints[bucket] = ints[at + NEXT]!;
    else ints[entries + INTS_PER_ENTRY * prev + NEXT] = ints[at + NEXT]!;
    if ((ints[at + META]! & VALUE_OUTSIDE) !== 0) this.freeHandle(ints[at + HANDLE]!);
    ints[at + META] = HOLE;
    if (--dir[d + D_SIZE]! === 0) this.drop(g);
    return true;
  }

  /** Group g's keys, in insertion order. */
  *keys(g: number): IterableIterator<string> {
    // Reads the directory at every step: the table may grow, shrink or go meanwhile.
    for (let i = 0; i < this.dir[g * DIR_INTS + D_USED]!; i++) {
      if (this.chunk(g)[this.entryAt(g, i) + META] !== HOLE) yield this.keyOf(g, i);
    }
  }

  /** Every table dropped at once (FLUSHDB). */
  clear(): void {
    this.dir.fill(0);
    this.outsideValues = [];
    this.outsideKeys = [];
    this.freeHandles = [];
    this.arena.clear();
  }

  private newHandle(): number {
    const h = this.freeHandles.pop();
    if (h !== undefined) return h;
    this.outsideValues.push(undefined);
    return this.outsideValues.length - 1;
  }

  /** Fills any gap first: an array written far past its end turns into a slow dictionary. */
  private setOutsideKey(h: number, key: string): void {
    const keys = this.outsideKeys;
    while (keys.length < h) keys.push(undefined);
    keys[h] = key;
  }

  private freeHandle(h: number): void {
    this.outsideValues[h] = undefined;
    if (h < this.outsideKeys.length) this.outsideKeys[h] = undefined;
    this.freeHandles.push(h);
  }

  private chunk(g: number): Int32Array {
    return this.arena.chunks[this.dir[g * DIR_INTS + D_CHUNK]!]!;
  }

  /** The int offset in its chunk of the head of the chain that a key hashing to `hash` is on. */
  private bucketOf(g: number, hash: number): number {
    const d = g * DIR_INTS;
    return this.dir[d + D_HEADS]! + (hash & this.dir[d + D_MASK]!);
  }

  /** The int offset of group g's entry i in its chunk. */
  private entryAt(g: number, i: number): number {
    return this.dir[g * DIR_INTS + D_ENTRIES]! + INTS_PER_ENTRY * i;
  }

  /** Whether group g's entry i holds key. */
  private holds(g: number, i: number, key: string): boolean {
    const ints = this.chunk(g);
    const at = this.entryAt(g, i);
    const meta = ints[at + META]!;
    if ((meta & KEY_OUTSIDE) !== 0) return this.outsideKeys[ints[at + HANDLE]!] === key;
    return (meta & LENGTH_MASK) === key.length && sameWordsAsChars(ints, at + DATA, key);
  }

  /** The index for a new entry of group g, making its table or room in it first. */
  private claim(g: number): number {
    const d = g * DIR_INTS;
    const dir = this.dir;
    const capacity = dir[d + D_CAPACITY]!;
    if (capacity === 0) this.place(g, MIN_CAPACITY);
    else if (dir[d + D_USED] === capacity) {
      if (dir[d + D_SIZE]! * 2 >= capacity) this.rebuild(g, capacity * 2);
      else this.compact(g);
    }
    dir[d + D_SIZE]!++;
    return dir[d + D_USED]!++;
  }

  /** Gives group g an empty table of `capacity` entries, in a region of its own. */
  private place(g: number, capacity: number): void {
    const buckets = capacity >>> 1;
    const address = this.arena.allocate(sizeClass(capacity), buckets + INTS_PER_ENTRY * capacity);
    const d = g * DIR_INTS;
    const offset = offsetOf(address);
    this.dir.set([chunkOf(address), offset, offset + buckets, buckets - 1, capacity, 0, 0, 0], d);
    this.arena.chunks[chunkOf(address)]!.fill(NONE, offset, offset + buckets);
  }

  /** Group g's table gone: its region freed for another table of its size. */
  private drop(g: number): void {
    const d = g * DIR_INTS;
    const capacity = this.dir[d + D_CAPACITY]!;
    this.arena.release(sizeClass(capacity), regionAddress(this.dir[d + D_CHUNK]!, this.dir[d + D_HEADS]!));
    this.dir.fill(0, d, d + DIR_INTS);
  }

  /** Puts entry i at the head of its hash's chain, with its hash and clock. */
  private link(g: number, i: number, hash: number, clock: number): void {
    const ints = this.chunk(g);
    const at = this.entryAt(g, i);
    const bucket = this.bucketOf(g, hash);
    ints[at + NEXT] = ints[bucket]!;
    ints[at + HASH] = hash;
    ints[at + CLOCK] = clock;
    ints[bucket] = i;
  }

  /** Squeezes the holes out in place (same region, entries in order), relinking the chains. */
  private compact(g: number): void {
    const d = g * DIR_INTS;
    const dir = this.dir;
    const ints = this.chunk(g);
    const heads = dir[d + D_HEADS]!;
    const entries = dir[d + D_ENTRIES]!;
    const used = dir[d + D_USED]!;
    ints.fill(NONE, heads, entries);
    let to = 0;
    for (let from = 0; from < used; from++) {
      const old = entries + INTS_PER_ENTRY * from;
      if (ints[old + META] === HOLE) continue;
      // Entry `to` is at or before from: copying forward never overwrites what is still to move.
      if (to !== from) ints.copyWithin(entries + INTS_PER_ENTRY * to, old, old + INTS_PER_ENTRY);
      const at = entries + INTS_PER_ENTRY * to;
      this.link(g, to, ints[at + HASH]!, ints[at + CLOCK]!);
      to++;
    }
    dir[d + D_USED] = to;
  }

  /** Moves group g's live entries, in order, into a new region with room for `capacity`. */
  private rebuild(g: number, capacity: number): void {
    const d = g * DIR_INTS;
    const dir = this.dir;
    const [oldChunk, oldHeads, oldEntries, , oldCapacity, used, size] = dir.subarray(d, d + DIR_INTS);
    this.place(g, capacity);
    const old = this.arena.chunks[oldChunk!]!;
    const ints = this.chunk(g);
    const entries = dir[d + D_ENTRIES]!;
    let to = 0;
    for (let from = 0; from < used!; from++) {
      const src = oldEntries! + INTS_PER_ENTRY * from;
      if (old[src + META] === HOLE) continue;
      const at = entries + INTS_PER_ENTRY * to;
      ints.set(old.subarray(src, src + INTS_PER_ENTRY), at);
      this.link(g, to, ints[at + HASH]!, ints[at + CLOCK]!);
      to++;
    }
    dir[d + D_USED] = to;
    dir[d + D_SIZE] = size!;
    this.arena.release(sizeClass(oldCapacity!), regionAddress(oldChunk!, oldHeads!));
  }
}

/** A table's size class: log2 of its capacity (a power of two). */
function sizeClass(capacity: number): number {
  return 31 - Math.clz32(capacity);
}
