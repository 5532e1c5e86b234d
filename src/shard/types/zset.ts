/**
 * The sorted set type: a Map member -> score for O(1) lookups plus a SkipList ordered by
 * (score, member) for rank and range work in O(log n). Commands (and the geo family) go
 * through this API and never touch the two structures' consistency themselves.
 *
 * Encoding: Redis keeps a set as a listpack while it has at most 128 members of at most 64
 * bytes, and converts to a skiplist for good once either limit is passed. slotkv has one
 * representation but reports the same `encoding` (OBJECT ENCODING, ZSCAN's one-call reply)
 * and imitates the listpack where it shows: a listpack stores -0 as 0, and walks linearly in
 * lex ranges (see SkipList.firstInLexRangeLinear).
 *
 * Invariants: dict and zsl hold the same pairs; scores are never NaN; an empty ZSet is never
 * left in the keyspace (the commands delete the key).
 */
import type { Db, TypedValue } from '../keyspace.ts';
import { formatDouble } from './double.ts';
import { SkipList, lexLteMax, lexGteMin, lteMax, gteMin, type LexRange, type ScoreRange, type ZNode } from './skiplist.ts';

export { ZNode, compareLex, type LexRange, type ScoreRange } from './skiplist.ts';

export const ZSET_MAX_LISTPACK_ENTRIES = 128;
export const ZSET_MAX_LISTPACK_VALUE = 64;

/** ZADD input flags, as Redis's ZADD_IN_*. */
export const ZADD_INCR = 1 << 0; // add the score to the current one
export const ZADD_NX = 1 << 1; // only add new members
export const ZADD_XX = 1 << 2; // only update existing members
export const ZADD_GT = 1 << 3; // only update when the new score is greater
export const ZADD_LT = 1 << 4; // only update when the new score is less

/** What add() did, as Redis's ZADD_OUT_* (none of them: the score was already that). */
export const ZADD_NAN = 1 << 0; // the resulting score was NaN: nothing changed
export const ZADD_NOP = 1 << 1; // a condition (NX/XX/GT/LT) skipped the member
export const ZADD_ADDED = 1 << 2; // the member was new
export const ZADD_UPDATED = 1 << 3; // the member's score changed

export interface ZAddResult {
  flags: number;
  /** The member's score afterwards (for INCR replies); meaningful unless NAN or NOP. */
  score: number;
}

export class ZSet implements TypedValue {
  readonly type = 'zset' as const;
  readonly dict = new Map<string, number>();
  readonly zsl = new SkipList();
  private skiplist = false;

  /** The encoding Redis would have chosen for this set. */
  get encoding(): 'listpack' | 'skiplist' {
    return this.skiplist ? 'skiplist' : 'listpack';
  }

  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Redis's zsetAdd: adds or updates one member under the ZADD_* flags. */
  add(member: string, score: number, flags = 0): ZAddResult {
    if (Number.isNaN(score)) return { flags: ZADD_NAN, score };
    const cur = this.dict.get(member);
    if (cur !== undefined) {
      if ((flags & ZADD_NX) !== 0) return { flags: ZADD_NOP, score: cur };
      if ((flags & ZADD_INCR) !== 0) {
        score += cur;
        if (Number.isNaN(score)) return { flags: ZADD_NAN, score };
      }
      if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) {
        return { flags: ZADD_NOP, score: cur };
      }
      if (score === cur) return { flags: 0, score }; // -0 and 0 are the same score here too
      this.zsl.delete(cur, member);
      this.zsl.insert(score, member);
      this.dict.set(member, score);
      return { flags: ZADD_UPDATED, score };
    }
    if ((flags & ZADD_XX) !== 0) return { flags: ZADD_NOP, score };
    this.insertNew(member, score);
    return { flags: ZADD_ADDED, score };
  }

  /** Adds a member known to be absent (building results); converts the encoding as needed. */
  insertNew(member: string, score: number): void {
    if (!this.skiplist && (this.dict.size + 1 > ZSET_MAX_LISTPACK_ENTRIES || member.length > ZSET_MAX_LISTPACK_VALUE)) {
      this.skiplist = true;
    }
    // A listpack keeps scores as text and writes -0 as "0": the sign is lost there.
    const stored = !this.skiplist && score === 0 ? 0 : score;
    this.dict.set(member, stored);
    this.zsl.insert(stored, member);
  }

  /** Removes one member; false when it was not there. */
  remove(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    this.dict.delete(member);
    this.zsl.delete(score, member);
    return true;
  }

  /** The 0-based rank of member (from the highest score when reverse), or undefined. */
  rank(member: string, reverse = false): number | undefined {
    const score = this.dict.get(member);
    if (score === undefined) return undefined;
    const r = this.zsl.rankOf(score, member);
    return reverse ? this.zsl.length - r : r - 1;
  }

  /** The node at a 0-based rank (from the highest score when reverse), or null. */
  byRank(rank: number, reverse = false): ZNode | null {
    return this.zsl.byRank(reverse ? this.zsl.length - rank : rank + 1);
  }

  /**
   * Nodes with ranks start..end inclusive (0-based, already clamped by the caller to
   * 0 <= start <= end < size), in order or from the highest score when reverse.
   */
  rangeByRank(start: number, end: number, reverse = false): ZNode[] {
    const out: ZNode[] = [];
    let x = this.byRank(start, reverse);
    for (let n = end - start + 1; x !== null && n > 0; n--) {
      out.push(x);
      x = reverse ? x.backward : x.next;
    }
    return out;
  }

  /**
   * Nodes with scores in r, skipping `offset` and returning at most `limit` (negative: all),
   * lowest first or highest first when reverse. A negative offset returns nothing, as Redis's
   * offset loop skips everything then.
   */
  rangeByScore(r: ScoreRange, reverse = false, offset = 0, limit = -1): ZNode[] {
    if (offset < 0) return [];
    let x = reverse ? this.zsl.lastInRange(r) : this.zsl.firstInRange(r);
    if (x !== null && offset > 0) {
      const rank = this.zsl.rankOf(x.score, x.member);
      x = this.zsl.byRank(reverse ? rank - offset : rank + offset);
    }
    const out: ZNode[] = [];
    for (; x !== null && limit !== 0; limit--) {
      if (reverse ? !gteMin(x.score, r) : !lteMax(x.score, r)) break;
      out.push(x);
      x = reverse ? x.backward : x.next;
    }
    return out;
  }

  /** Like rangeByScore for a member range (which assumes equal scores, as in Redis). */
  rangeByLex(r: LexRange, reverse = false, offset = 0, limit = -1): ZNode[] {
    if (offset < 0) return [];
    let x = reverse ? this.lastInLex(r) : this.firstInLex(r);
    for (; x !== null && offset > 0; offset--) x = reverse ? x.backward : x.next;
    const out: ZNode[] = [];
    for (; x !== null && limit !== 0; limit--) {
      if (reverse ? !lexGteMin(x.member, r) : !lexLteMax(x.member, r)) break;
      out.push(x);
      x = reverse ? x.backward : x.next;
    }
    return out;
  }

  /** How many scores lie in r, from two ranks. */
  count(r: ScoreRange): number {
    const first = this.zsl.firstInRange(r);
    if (first === null) return 0;
    const last = this.zsl.lastInRange(r)!;
    return this.zsl.rankOf(last.score, last.member) - this.zsl.rankOf(first.score, first.member) + 1;
  }

  /** How many members lie in r (walking from the first, as a listpack does, when small). */
  lexCount(r: LexRange): number {
    if (!this.skiplist) return this.rangeByLex(r).length;
    const first = this.zsl.firstInLexRange(r);
    if (first === null) return 0;
    const last = this.zsl.lastInLexRange(r);
    if (last === null) return this.zsl.length - this.zsl.rankOf(first.score, first.member) + 1;
    return this.zsl.rankOf(last.score, last.member) - this.zsl.rankOf(first.score, first.member) + 1;
  }

  /** Removes ranks start..end (clamped as for rangeByRank); returns how many went. */
  removeRangeByRank(start: number, end: number): number {
    return this.removeNodes(this.rangeByRank(start, end));
  }

  removeRangeByScore(r: ScoreRange): number {
    return this.removeNodes(this.rangeByScore(r));
  }

  removeRangeByLex(r: LexRange): number {
    return this.removeNodes(this.rangeByLex(r));
  }

  /** ZADD commands that rebuild this set (snapshots); %.17g reads back as the same double. */
  serialize(): { command: string; items: Iterable<readonly string[]> } {
    const nodes = this.entries();
    const items = (function* () {
      for (const n of nodes) yield [formatDouble(n.score), n.member];
    })();
    return { command: 'ZADD', items };
  }

  /** Every pair in order. */
  *entries(): IterableIterator<ZNode> {
    for (let x = this.zsl.head; x !== null; x = x.next) yield x;
  }

  /**
   * After a STORE command filled this set: Redis builds the result as a skiplist and turns
   * it into a listpack when it fits, which also writes any -0 as 0.
   */
  compactIfSmall(): void {
    if (this.dict.size > ZSET_MAX_LISTPACK_ENTRIES) return;
    for (const m of this.dict.keys()) if (m.length > ZSET_MAX_LISTPACK_VALUE) return;
    this.skiplist = false;
    for (const [m, s] of this.dict) {
      if (Object.is(s, -0)) {
        this.remove(m);
        this.insertNew(m, 0);
      }
    }
  }

  /** Marks the set as converted, as a set built big from the start would be. */
  forceSkiplist(): void {
    this.skiplist = true;
  }

  private firstInLex(r: LexRange): ZNode | null {
    return this.skiplist ? this.zsl.firstInLexRange(r) : this.zsl.firstInLexRangeLinear(r);
  }

  private lastInLex(r: LexRange): ZNode | null {
    return this.skiplist ? this.zsl.lastInLexRange(r) : this.zsl.lastInLexRangeLinear(r);
  }

  private removeNodes(nodes: readonly ZNode[]): number {
    for (const n of nodes) {
      this.dict.delete(n.member);
      this.zsl.delete(n.score, n.member);
    }
    return nodes.length;
  }
}

/** The ZSet at key, undefined when there is none, or 'wrongtype' for another type. */
export function lookupZSet(db: Db, key: string): ZSet | undefined | 'wrongtype' {
  const v = db.lookup(key);
  if (v === undefined) return undefined;
  return v instanceof ZSet ? v : 'wrongtype';
}

/** The ZSet at key, created (not yet stored) when missing; 'wrongtype' for another type. */
export function zsetForWrite(db: Db, key: string): { zset: ZSet; created: boolean } | 'wrongtype' {
  const found = lookupZSet(db, key);
  if (found === 'wrongtype') return found;
  return found === undefined ? { zset: new ZSet(), created: true } : { zset: found, created: false };
}
