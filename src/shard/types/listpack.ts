/**
 * A listpack: a sequence of short binary strings packed into one latin1 JS string, the way
 * Redis packs a small hash, sorted set or list into one allocation.
 *
 * Why: a small collection as JS objects costs a Map or array plus one string (with its 16-byte
 * header) per element; the same elements packed cost one string. Small hashes and sorted sets
 * live here until they outgrow Redis's listpack limits (then they convert to the indexed form
 * for good, as Redis does), which is what keeps memory per key near Redis's.
 *
 * Format: each entry is its length as a varint (7 bits per char, low bits first, high bit set
 * on every char but the last) followed by its bytes. Reads walk the string; writes build a new
 * one (O(n), like Redis's memmove, and bounded by the listpack limits). Writes build it with
 * Array.join, which makes a flat sequential string: `+` would make a rope (ConsString) and
 * `slice` a view (SlicedString) that keeps the previous, larger string alive.
 */

import { ownString } from '../../util/latin1.ts';

/** One entry: the varint length, then the bytes. */
export function lpEntry(item: string): string {
  return [lengthOf(item), item].join('');
}

/** An entry's head: item's length as a varint. */
function lengthOf(item: string): string {
  let n = item.length;
  if (n < 0x80) return String.fromCharCode(n);
  const chars: number[] = [];
  while (n >= 0x80) {
    chars.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  chars.push(n);
  return String.fromCharCode(...chars);
}

/**
 * Walks a listpack one entry at a time without allocating, except for the entry strings asked
 * for with value(). `start`/`end` are the current entry's bytes; `next` is where the next
 * entry's length begins.
 */
export class LpCursor {
  /** Where the current entry's length begins. */
  head = 0;
  start = 0;
  end = 0;
  next = 0;
  /** Entries moved onto so far: the current entry's index + 1 from where the walk began. */
  seen = 0;
  readonly lp: string;
  constructor(lp: string) {
    this.lp = lp;
  }

  /** Moves to the entry at `next`; false at the end. */
  advance(): boolean {
    const lp = this.lp;
    let pos = this.next;
    if (pos >= lp.length) return false;
    this.head = pos;
    this.seen++;
    let len = 0;
    let shift = 0;
    let c: number;
    do {
      c = lp.charCodeAt(pos++);
      len |= (c & 0x7f) << shift;
      shift += 7;
    } while (c >= 0x80);
    this.start = pos;
    this.end = pos + len;
    this.next = this.end;
    return true;
  }

  value(): string {
    return this.lp.slice(this.start, this.end);
  }

  /**
   * value() as a string of its own (ownString): a long slice would keep the whole listpack
   * alive, which a value kept past the listpack (a converted hash's fields, a skiplist's
   * members) must not do.
   */
  ownValue(): string {
    return ownString(this.value());
  }
}

/*
 * A counted listpack: one char holding the entry count (or pair count, for pairs), then the
 * entries. Hashes and sorted sets keep theirs this way: the count makes HLEN and ZCARD O(1),
 * like a Redis listpack's header, and their limits (128) keep it within one char.
 */

/** The counted listpack of nothing. */
export const COUNTED_EMPTY = '\x00';

/** The count of a counted listpack. */
export function countOf(lp: string): number {
  return lp.charCodeAt(0);
}

/** A cursor at the first entry of a counted listpack, past the count. */
export function countedCursor(lp: string): LpCursor {
  const c = new LpCursor(lp);
  c.next = 1;
  return c;
}

/** A counted listpack from its count and its entries' bytes, as one flat string. */
export function counted(count: number, ...parts: string[]): string {
  return [String.fromCharCode(count), ...parts].join('');
}

/**
 * A cursor on the first entry of the pair whose first entry is `first` (a hash's field, a sorted
 * set's member) in counted listpack lp, or null when there is none. The walk compares an entry
 * only when its length matches, and then its last char before the rest: entries of one length
 * mostly differ at the end (`field:1041`, `field:1042`), so a miss reads one char a pair.
 */
export function findPair(lp: string, first: string): LpCursor | null {
  const length = first.length;
  const last = length === 0 ? -1 : first.charCodeAt(length - 1);
  const c = countedCursor(lp);
  while (c.advance()) {
    const same = c.end - c.start === length &&
      (length === 0 || (lp.charCodeAt(c.end - 1) === last && lp.startsWith(first, c.start)));
    if (same) return c;
    c.advance();
  }
  return null;
}

/**
 * A counted listpack of pairs without the pair whose first entry is `first` (a hash's field, a
 * sorted set's member), or undefined when there is none.
 */
export function countedWithoutPair(lp: string, first: string): string | undefined {
  const c = findPair(lp, first);
  if (c === null) return undefined;
  const pairStart = c.head;
  c.advance();
  return counted(countOf(lp) - 1, lp.slice(1, pairStart), lp.slice(c.next));
}
