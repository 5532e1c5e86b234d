/**
 * The list type API (Redis t_list.c's "List API" half): how a list is stored and changed.
 * Command handlers (commands/lists.ts, lists-blocking.ts) go through these functions and never
 * touch the storage directly. Ops return a value or a Status and never write replies.
 *
 * Storage: a deque over a growable circular array of latin1 strings (one char per byte, the
 * compact form V8 keeps for binary data). The capacity is a power of two so a logical index
 * maps to a slot with one mask; pushes and pops at both ends are O(1) amortized, index access
 * is O(1), and inserts or removals in the middle shift the shorter side. Redis 7.0 reports
 * every list as a quicklist, and so does `encoding` here.
 *
 *        head                         head + length (mod capacity)
 *          v                             v
 *   [ . . a b c d e . . . . . . . . . . . ]     slots outside the run are undefined, so
 *                                              popped elements never outlive their list
 *
 * Invariants: a list stored in a Db is never empty (the op that empties it deletes the key);
 * capacity >= MIN_CAPACITY; it shrinks by half when a quarter full, so memory follows length.
 */
import type { Db, TypedValue } from '../keyspace.ts';
import { Status } from './string.ts';

/** One slot: most lists in a keyspace are short, and a one-element list should cost one. */
const MIN_CAPACITY = 1;

export const LIST_HEAD = 0;
export const LIST_TAIL = 1;
export type Where = typeof LIST_HEAD | typeof LIST_TAIL;

export class List implements TypedValue {
  // On the prototype: an instance field would cost every list a slot.
  get type(): 'list' {
    return 'list';
  }

  private items: (string | undefined)[] = new Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private head = 0;
  length = 0;

  /** What OBJECT ENCODING answers: Redis 7.0 keeps every list in a quicklist. */
  get encoding(): string {
    return 'quicklist';
  }

  /** The element at index (0 = head); index must be in [0, length). */
  at(index: number): string {
    return this.items[(this.head + index) & this.mask]!;
  }

  setAt(index: number, value: string): void {
    this.items[(this.head + index) & this.mask] = value;
  }

  push(value: string, where: Where): void {
    if (this.length === this.items.length) this.resize(this.items.length * 2);
    if (where === LIST_HEAD) {
      this.head = (this.head - 1) & this.mask;
      this.items[this.head] = value;
    } else {
      this.items[(this.head + this.length) & this.mask] = value;
    }
    this.length++;
  }

  /** Removes and returns the element at one end; the list must not be empty. */
  pop(where: Where): string {
    let slot: number;
    if (where === LIST_HEAD) {
      slot = this.head;
      this.head = (this.head + 1) & this.mask;
    } else {
      slot = (this.head + this.length - 1) & this.mask;
    }
    const value = this.items[slot]!;
    this.items[slot] = undefined;
    this.length--;
    this.maybeShrink();
    return value;
  }

  /** Inserts value so that it ends up at index (0..length), shifting the shorter side. */
  insertAt(index: number, value: string): void {
    if (index === 0) return this.push(value, LIST_HEAD);
    if (index === this.length) return this.push(value, LIST_TAIL);
    if (this.length === this.items.length) this.resize(this.items.length * 2);
    if (index < this.length / 2) {
      this.head = (this.head - 1) & this.mask;
      for (let i = 0; i < index; i++) this.setAt(i, this.at(i + 1));
    } else {
      for (let i = this.length; i > index; i--) this.setAt(i, this.at(i - 1));
    }
    this.setAt(index, value);
    this.length++;
  }

  /** Drops `fromHead` elements at the head and `fromTail` at the tail (LTRIM). */
  trim(fromHead: number, fromTail: number): void {
    for (let i = 0; i < fromHead; i++) this.items[(this.head + i) & this.mask] = undefined;
    for (let i = 1; i <= fromTail; i++) this.items[(this.head + this.length - i) & this.mask] = undefined;
    this.head = (this.head + fromHead) & this.mask;
    this.length -= fromHead + fromTail;
    this.maybeShrink();
  }

  /** Keeps only the elements for which keep(element, index) is true, in order. */
  retain(keep: (value: string, index: number) => boolean): void {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      const v = this.at(r);
      if (keep(v, r)) this.setAt(w++, v);
    }
    for (let i = w; i < this.length; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.length = w;
    this.maybeShrink();
  }

  /** How a snapshot recreates this list (shard/serialize.ts): RPUSH of every element, head first. */
  serialize(): { command: string; items: Iterable<readonly string[]> } {
    return { command: 'RPUSH', items: this.elements() };
  }

  private *elements(): Generator<readonly string[]> {
    for (let i = 0; i < this.length; i++) yield [this.at(i)];
  }

  private maybeShrink(): void {
    const cap = this.items.length;
    if (cap > MIN_CAPACITY && this.length <= cap / 4) this.resize(cap / 2);
  }

  /** Moves the run to a new array of `capacity` slots, head at 0. Allocates. */
  private resize(capacity: number): void {
    const next: (string | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.length; i++) next[i] = this.at(i);
    this.items = next;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

export function isList(v: TypedValue | string): v is List {
  return typeof v !== 'string' && v.type === 'list';
}

/** The list at key; undefined when absent (or expired). */
export function lookupList(db: Db, key: string): List | undefined | typeof Status.WRONGTYPE {
  const v = db.lookup(key);
  if (v === undefined) return undefined;
  return isList(v) ? v : Status.WRONGTYPE;
}

/**
 * Redis's index rule: negative counts from the tail. The element position in [0, length), or
 * -1 when out of range.
 */
export function listIndex(list: List, index: number): number {
  const i = index < 0 ? list.length + index : index;
  return i >= 0 && i < list.length ? i : -1;
}

/**
 * LRANGE/LTRIM's clamping of a start..stop pair (negative from the tail): [first, last]
 * positions, or undefined when the range is empty.
 */
export function listRange(length: number, start: number, stop: number): [number, number] | undefined {
  if (start < 0) start = length + start;
  if (stop < 0) stop = length + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return undefined;
  if (stop >= length) stop = length - 1;
  return [start, stop];
}

// ---------------------------------------------------------------------------------------------
// Ops
// ---------------------------------------------------------------------------------------------

/**
 * LPUSH/RPUSH and their X forms: pushes every element in order and returns the new length
 * (0 when onlyIfExists and the key is missing) and whether the push created the key.
 */
export function listPush(
  db: Db,
  key: string,
  elements: readonly string[],
  where: Where,
  onlyIfExists: boolean,
): { length: number; created: boolean } | typeof Status.WRONGTYPE {
  let list = lookupList(db, key);
  if (list === Status.WRONGTYPE) return list;
  let created = false;
  if (list === undefined) {
    if (onlyIfExists) return { length: 0, created: false };
    list = new List();
    db.set(key, list);
    created = true;
  }
  for (const e of elements) list.push(e, where);
  return { length: list.length, created };
}

/** Pops up to count elements from one end, deleting the key once it is empty. */
export function listPopMany(db: Db, key: string, list: List, where: Where, count: number): string[] {
  const n = Math.min(count, list.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = list.pop(where);
  deleteIfEmpty(db, key, list);
  return out;
}

/** Pops one element from one end, deleting the key once it is empty. */
export function listPopOne(db: Db, key: string, list: List, where: Where): string {
  const v = list.pop(where);
  deleteIfEmpty(db, key, list);
  return v;
}

/** Empty aggregates do not exist in Redis: the op that empties a list deletes its key. */
export function deleteIfEmpty(db: Db, key: string, list: List): void {
  if (list.length === 0) db.delete(key);
}

/** LREM: removes up to |count| matches (0: all), from the tail when count < 0. */
export function listRemove(list: List, element: string, count: number): number {
  const limit = count === 0 ? Infinity : Math.abs(count);
  let removed = 0;
  if (count >= 0) {
    list.retain((v) => {
      if (removed < limit && v === element) {
        removed++;
        return false;
      }
      return true;
    });
    return removed;
  }
  // From the tail: find the positions first, then drop them in one pass.
  const drop = new Set<number>();
  for (let i = list.length - 1; i >= 0 && drop.size < limit; i--) if (list.at(i) === element) drop.add(i);
  if (drop.size > 0) list.retain((_, i) => !drop.has(i));
  return drop.size;
}

/** LINSERT: the new length, or -1 when pivot is not in the list. */
export function listInsert(list: List, after: boolean, pivot: string, element: string): number {
  for (let i = 0; i < list.length; i++) {
    if (list.at(i) !== pivot) continue;
    list.insertAt(after ? i + 1 : i, element);
    return list.length;
  }
  return -1;
}

/**
 * LPOS: positions of matches of element, skipping the first rank-1 (rank < 0: scanning from
 * the tail), at most count of them (0: all), looking at no more than maxlen (0: all) elements.
 */
export function listPositions(list: List, element: string, rank: number, count: number, maxlen: number): number[] {
  const fromTail = rank < 0;
  const skip = Math.abs(rank) - 1;
  const len = list.length;
  const limit = maxlen === 0 ? len : Math.min(len, maxlen);
  const out: number[] = [];
  let matches = 0;
  for (let n = 0; n < limit; n++) {
    const i = fromTail ? len - 1 - n : n;
    if (list.at(i) !== element) continue;
    if (matches++ < skip) continue;
    out.push(i);
    if (count !== 0 && out.length >= count) break;
  }
  return out;
}
