/**
 * The set type API (Redis t_set.c's "API" half): how a set is stored, changed, sampled and
 * walked. commands/sets.ts goes through these functions and never touches the layout.
 *
 * A set is a dense array of its members (latin1 strings) plus, past SET_INDEX_MIN members, a
 * Map from member to its index, so membership, add and remove are O(1) and a random member is
 * one array read (SPOP and SRANDMEMBER stay O(1) per member, as in Redis). A smaller set is
 * searched linearly and its array kept at its exact length: an index and an array's growth slack
 * would cost a one-member set more than Redis spends on the whole key. Removal moves the last
 * member into the hole, so the array's order is arbitrary: fine, since Redis leaves a hashtable
 * set's order open.
 *
 * `encoding` answers what Redis 7.0's OBJECT ENCODING would: intset while every member is an
 * integer as string2ll reads it and there are at most 512, then hashtable for good. An intset
 * replies in ascending numeric order, so `ordered()` sorts while the set is an intset: small
 * integer sets then match Redis byte for byte.
 */
import type { Db, TypedValue } from '../keyspace.ts';
import { sampleDistinct } from '../../util/sample.ts';
import { string2ll, Status } from './string.ts';

/** Redis 7.0's set-max-intset-entries default. */
export const SET_MAX_INTSET_ENTRIES = 512;

/** Sets with more members than this keep a member -> position index. */
export const SET_INDEX_MIN = 16;

export class SetValue implements TypedValue {
  /** The members, in no particular order. Read-only outside this class. */
  items: string[] = [];
  /** Position of each member in `items`, once the set is past SET_INDEX_MIN members. */
  private index: Map<string, number> | null = null;
  private hashtable = false;
  /** The members sorted as an intset holds them, kept until the next change. */
  private sorted: string[] | null = null;

  // On the prototype: an instance field would cost every set a slot.
  get type(): 'set' {
    return 'set';
  }

  get encoding(): 'intset' | 'hashtable' {
    return this.hashtable ? 'hashtable' : 'intset';
  }

  get size(): number {
    return this.items.length;
  }

  has(member: string): boolean {
    return this.positionOf(member) !== -1;
  }

  private positionOf(member: string): number {
    return this.index === null ? this.items.indexOf(member) : (this.index.get(member) ?? -1);
  }

  /** True when member was not there. */
  add(member: string): boolean {
    if (this.has(member)) return false;
    if (this.index !== null) {
      this.index.set(member, this.items.length);
      this.items.push(member);
    } else if (this.items.length < SET_INDEX_MIN) {
      this.items = this.items.concat(member); // exactly as long as needed
    } else {
      this.items.push(member);
      this.index = new Map(this.items.map((m, i) => [m, i]));
    }
    this.sorted = null;
    if (!this.hashtable && (this.items.length > SET_MAX_INTSET_ENTRIES || string2ll(member) === undefined)) {
      this.hashtable = true;
    }
    return true;
  }

  /** How a snapshot recreates this set: SADD with every member. */
  serialize(): { command: string; items: Iterable<readonly string[]> } {
    return { command: 'SADD', items: this.items.map((m) => [m]) };
  }

  /** True when member was there. */
  remove(member: string): boolean {
    const at = this.positionOf(member);
    if (at === -1) return false;
    this.index?.delete(member);
    const last = this.items.pop()!;
    if (at < this.items.length) {
      this.items[at] = last;
      this.index?.set(last, at);
    }
    this.sorted = null;
    return true;
  }

  /** The member at a random position. The set must not be empty. */
  random(): string {
    return this.items[Math.floor(Math.random() * this.items.length)]!;
  }

  /**
   * The members in the order Redis would list them: ascending numbers for an intset, the
   * array's order otherwise. Do not modify the result; it is valid until the next change.
   */
  ordered(): readonly string[] {
    if (this.hashtable) return this.items;
    return (this.sorted ??= [...this.items].sort(compareIntegers));
  }
}

/**
 * Numeric order of two canonical integer strings (string2ll-valid: no leading zeros or '+',
 * no "-0"), decided without parsing: sign, then length, then digits.
 */
export function compareIntegers(a: string, b: string): number {
  const an = a.charCodeAt(0) === 0x2d;
  const bn = b.charCodeAt(0) === 0x2d;
  if (an !== bn) return an ? -1 : 1;
  let c = a.length - b.length;
  if (c === 0) c = a < b ? -1 : a > b ? 1 : 0;
  return an ? -c : c;
}

/** The set at key; undefined when absent (or expired). */
export function lookupSet(db: Db, key: string): SetValue | undefined | typeof Status.WRONGTYPE {
  const v = db.lookup(key);
  if (v === undefined) return undefined;
  return typeof v !== 'string' && v.type === 'set' ? (v as SetValue) : Status.WRONGTYPE;
}

/** SADD: how many members were new. `members` are latin1 strings. */
export function setAdd(db: Db, key: string, members: readonly string[]): number | Status {
  let s = lookupSet(db, key);
  if (s === Status.WRONGTYPE) return s;
  if (s === undefined) {
    s = new SetValue();
    db.set(key, s);
  }
  let added = 0;
  for (const m of members) if (s.add(m)) added++;
  return added;
}

/** SREM: how many members were removed; deletes the key once the set is empty. */
export function setRemove(db: Db, key: string, members: readonly string[]): number | Status {
  const s = lookupSet(db, key);
  if (s === Status.WRONGTYPE) return s;
  if (s === undefined) return 0;
  let removed = 0;
  for (const m of members) {
    if (!s.remove(m)) continue;
    removed++;
    if (s.size === 0) break;
  }
  if (removed > 0) afterRemove(db, key, s);
  return removed;
}

/** Deletes a set's key once the members that left it made it empty. */
export function afterRemove(db: Db, key: string, s: SetValue): void {
  if (s.size === 0) db.delete(key);
}

/**
 * Removes and returns `count` random members (count < size). Redis 7.0 picks by one of two
 * strategies (remove the picks, or keep the picks and rebuild from the rest) depending on the
 * ratio; either way the popped members are a uniform sample, which is all that is observable.
 */
export function popRandom(s: SetValue, count: number): string[] {
  const popped: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = s.random();
    s.remove(m);
    popped.push(m);
  }
  return popped;
}

/** `count` distinct random members (count < size), in random order. Allocates. */
export function randomDistinctMembers(s: SetValue, count: number): string[] {
  return sampleDistinct([...s.items], count);
}

/**
 * Cursor scan of a set. An intset is returned whole with cursor 0, as Redis does. A hashtable
 * set pages through its array: the cursor is the position to continue from, COUNT members a
 * call. Redis's reverse-binary cursor guarantees that a member present for the whole scan is
 * returned; here a removal during the scan moves the last member into the hole, so a member
 * not yet returned can land behind the cursor and be missed (insertions are always seen).
 */
export function setScan(s: SetValue, cursor: number, count: number, match: (m: string) => boolean,
  out: string[]): number {
  if (s.encoding === 'intset') {
    for (const m of s.ordered()) if (match(m)) out.push(m);
    return 0;
  }
  const end = Math.min(cursor + count, s.size);
  for (let i = cursor; i < end; i++) if (match(s.items[i]!)) out.push(s.items[i]!);
  return end >= s.size ? 0 : end;
}
