/**
 * The sorted set type, in Redis's two encodings. While small (at most 128 members of at most
 * 64 bytes) a set is one packed string (zset-small.ts, Redis's listpack): O(n) work on at most
 * 128 pairs, and a one-member set costs the ZSet object and a ~32-byte string. Past either
 * limit it converts for good, as in Redis, to a Map member -> score for O(1) lookups plus a
 * SkipList ordered by (score, member) for rank and range work in O(log n). Commands (and the
 * geo family) go through this API and never see either form.
 *
 * Both forms give the same answers, with the listpack's own where it differs from a skiplist's
 * and shows: a packed set stores -0 as 0, walks linearly in lex ranges (with mixed scores the
 * two walks differ), and ZSCAN answers it in one call. The `encoding` (OBJECT ENCODING, ZSCAN)
 * is the form the set is in, so it switches exactly when Redis's does.
 *
 * Invariants: a packed set respects both limits, except while compactIfSmall has not run on
 * a STORE result; dict and zsl hold the same pairs; scores are never NaN; an empty ZSet is
 * never left in the keyspace (the commands delete the key).
 */
import type { Db, TypedValue } from '../keyspace.ts';
import { formatDouble } from './double.ts';
import { Status } from './string.ts';
import { SkipList, type ZNode, lexLteMax, lexGteMin, lteMax, gteMin, type LexRange, type ScoreRange,
  type ZEntry } from './skiplist.ts';
import { lexRun, pack, PACKED_EMPTY, packedDelete, packedEachInScoreRange, packedInsert, packedLength,
  packedMembers, packedMove, packedRank, packedRanks, packedRemove, packedScore, scoreRun, unpack }
  from './zset-small.ts';

export { ZNode, compareLex, type LexRange, type ScoreRange, type ZEntry } from './skiplist.ts';

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

/** The converted form: both structures, kept in step. */
class ZIndex {
  readonly dict = new Map<string, number>();
  readonly zsl = new SkipList();
}

export class ZSet implements TypedValue {
  /**
   * The packed pairs while the encoding is listpack, the index once converted: one field, so
   * that a small set's object is a header and one slot.
   */
  private data: string | ZIndex = PACKED_EMPTY;

  // A getter on the prototype: an instance field would cost every set a slot.
  get type(): 'zset' {
    return 'zset';
  }

  /** The encoding Redis would have chosen for this set, which is the form it is in. */
  get encoding(): 'listpack' | 'skiplist' {
    return typeof this.data === 'string' ? 'listpack' : 'skiplist';
  }

  get size(): number {
    const d = this.data;
    return typeof d === 'string' ? packedLength(d) : d.dict.size;
  }

  /** The skiplist once converted, null while packed: for tests of its invariants. */
  get zsl(): SkipList | null {
    return typeof this.data === 'string' ? null : this.data.zsl;
  }

  score(member: string): number | undefined {
    const d = this.data;
    return typeof d === 'string' ? packedScore(d, member) : d.dict.get(member);
  }

  /** Redis's zsetAdd: adds or updates one member under the ZADD_* flags. */
  add(member: string, score: number, flags = 0): ZAddResult {
    if (Number.isNaN(score)) return { flags: ZADD_NAN, score };
    const cur = this.score(member);
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
      const d = this.data;
      if (typeof d === 'string') {
        this.data = packedMove(d, member, score);
      } else {
        d.zsl.delete(cur, member);
        d.zsl.insert(score, member);
        d.dict.set(member, score);
      }
      return { flags: ZADD_UPDATED, score };
    }
    if ((flags & ZADD_XX) !== 0) return { flags: ZADD_NOP, score };
    this.insertNew(member, score);
    return { flags: ZADD_ADDED, score };
  }

  /** Adds a member known to be absent (building results); converts the encoding as needed. */
  insertNew(member: string, score: number): void {
    const d = this.data;
    if (typeof d === 'string') {
      if (packedLength(d) < ZSET_MAX_LISTPACK_ENTRIES && member.length <= ZSET_MAX_LISTPACK_VALUE) {
        this.data = packedInsert(d, member, score);
        return;
      }
    }
    const index = this.index();
    index.dict.set(member, score);
    index.zsl.insert(score, member);
  }

  /** Removes one member; false when it was not there. */
  remove(member: string): boolean {
    const d = this.data;
    if (typeof d === 'string') {
      const rest = packedRemove(d, member);
      if (rest === undefined) return false;
      this.data = rest;
      return true;
    }
    const score = d.dict.get(member);
    if (score === undefined) return false;
    d.dict.delete(member);
    d.zsl.delete(score, member);
    return true;
  }

  /** The 0-based rank of member (from the highest score when reverse), or undefined. */
  rank(member: string, reverse = false): number | undefined {
    const d = this.data;
    if (typeof d === 'string') {
      const r = packedRank(d, member);
      if (r < 0) return undefined;
      return reverse ? packedLength(d) - 1 - r : r;
    }
    const score = d.dict.get(member);
    if (score === undefined) return undefined;
    const r = d.zsl.rankOf(score, member);
    return reverse ? d.zsl.length - r : r - 1;
  }

  /** The pair at a 0-based rank (from the highest score when reverse), or null. */
  byRank(rank: number, reverse = false): ZEntry | null {
    const d = this.data;
    if (typeof d === 'string') {
      return rank < 0 || rank >= packedLength(d) ? null : this.rangeByRank(rank, rank, reverse)[0]!;
    }
    return d.zsl.byRank(reverse ? d.zsl.length - rank : rank + 1);
  }

  /**
   * Pairs with ranks start..end inclusive (0-based, already clamped by the caller to
   * 0 <= start <= end < size), in order or from the highest score when reverse.
   */
  rangeByRank(start: number, end: number, reverse = false): ZEntry[] {
    const d = this.data;
    if (typeof d === 'string') {
      const last = packedLength(d) - 1;
      return reverse ? packedRanks(d, last - end, last - start).reverse() : packedRanks(d, start, end);
    }
    const out: ZEntry[] = [];
    let x = d.zsl.byRank(reverse ? d.zsl.length - start : start + 1);
    for (let n = end - start + 1; x !== null && n > 0; n--) {
      out.push(x);
      x = reverse ? x.backward : x.next;
    }
    return out;
  }

  /**
   * Pairs with scores in r, skipping `offset` and returning at most `limit` (negative: all),
   * lowest first or highest first when reverse. A negative offset returns nothing, as Redis's
   * offset loop skips everything then.
   */
  rangeByScore(r: ScoreRange, reverse = false, offset = 0, limit = -1): ZEntry[] {
    const d = this.data;
    if (offset < 0) return [];
    if (typeof d === 'string') {
      // Redis's listpack walk (first or last in range, step over offset, take while in range)
      // is a slice of the one run of in-range ranks.
      const [first, end] = scoreRun(d, r);
      if (reverse) {
        const hi = end - 1 - offset;
        const lo = limit < 0 ? first : Math.max(first, hi - limit + 1);
        return lo > hi ? [] : packedRanks(d, lo, hi).reverse();
      }
      const lo = first + offset;
      const hi = limit < 0 ? end - 1 : Math.min(end - 1, lo + limit - 1);
      return lo > hi ? [] : packedRanks(d, lo, hi);
    }
    const zsl = d.zsl;
    let x = reverse ? zsl.lastInRange(r) : zsl.firstInRange(r);
    if (x !== null && offset > 0) {
      const rank = zsl.rankOf(x.score, x.member);
      x = zsl.byRank(reverse ? rank - offset : rank + offset);
    }
    return collect(x, reverse, limit, reverse ? (n) => gteMin(n.score, r) : (n) => lteMax(n.score, r));
  }

  /** Like rangeByScore for a member range (which assumes equal scores, as in Redis). */
  rangeByLex(r: LexRange, reverse = false, offset = 0, limit = -1): ZEntry[] {
    const d = this.data;
    if (typeof d === 'string') {
      // Only the run's scores are read.
      const [first, end] = lexRun(packedMembers(d), r, reverse, offset, limit);
      if (end === first) return [];
      const run = packedRanks(d, first, end - 1);
      return reverse ? run.reverse() : run;
    }
    if (offset < 0) return [];
    let x = reverse ? d.zsl.lastInLexRange(r) : d.zsl.firstInLexRange(r);
    for (; x !== null && offset > 0; offset--) x = reverse ? x.backward : x.next;
    return collect(x, reverse, limit, reverse ? (n) => lexGteMin(n.member, r) : (n) => lexLteMax(n.member, r));
  }

  /**
   * Calls visit(member, score) for each pair with a score in r, in order, until visit returns
   * false: a range walk that copies out only what it visits (the geo searches).
   */
  eachInScoreRange(r: ScoreRange, visit: (member: string, score: number) => boolean): void {
    const d = this.data;
    if (typeof d === 'string') return packedEachInScoreRange(d, r, visit);
    for (let x = d.zsl.firstInRange(r); x !== null && lteMax(x.score, r); x = x.next) {
      if (!visit(x.member, x.score)) return;
    }
  }

  /** How many scores lie in r: from two ranks, or a walk while packed. */
  count(r: ScoreRange): number {
    const d = this.data;
    if (typeof d === 'string') {
      const [first, end] = scoreRun(d, r);
      return end - first;
    }
    const first = d.zsl.firstInRange(r);
    if (first === null) return 0;
    const last = d.zsl.lastInRange(r)!;
    return d.zsl.rankOf(last.score, last.member) - d.zsl.rankOf(first.score, first.member) + 1;
  }

  /** How many members lie in r (walking from the first, as a listpack does, when packed). */
  lexCount(r: LexRange): number {
    const d = this.data;
    if (typeof d === 'string') {
      const [first, end] = lexRun(packedMembers(d), r, false, 0, -1);
      return end - first;
    }
    const zsl = d.zsl;
    const first = zsl.firstInLexRange(r);
    if (first === null) return 0;
    const last = zsl.lastInLexRange(r);
    if (last === null) return zsl.length - zsl.rankOf(first.score, first.member) + 1;
    return zsl.rankOf(last.score, last.member) - zsl.rankOf(first.score, first.member) + 1;
  }

  /** Removes ranks start..end (clamped as for rangeByRank); returns how many went. */
  removeRangeByRank(start: number, end: number): number {
    const d = this.data;
    if (typeof d !== 'string') return this.removeNodes(this.rangeByRank(start, end));
    return this.removePackedRun(start, end - start + 1);
  }

  removeRangeByScore(r: ScoreRange): number {
    const d = this.data;
    if (typeof d !== 'string') return this.removeNodes(this.rangeByScore(r));
    const [first, end] = scoreRun(d, r);
    return this.removePackedRun(first, end - first);
  }

  removeRangeByLex(r: LexRange): number {
    const d = this.data;
    if (typeof d !== 'string') return this.removeNodes(this.rangeByLex(r));
    const [first, end] = lexRun(packedMembers(d), r, false, 0, -1);
    return this.removePackedRun(first, end - first);
  }

  /** ZADD commands that rebuild this set (snapshots); %.17g reads back as the same double. */
  serialize(): { command: string; items: Iterable<readonly string[]> } {
    const pairs = this.entries();
    const items = (function* () {
      for (const n of pairs) yield [formatDouble(n.score), n.member];
    })();
    return { command: 'ZADD', items };
  }

  /** Every pair in order; members may be kept (they hold nothing else alive). */
  *entries(): IterableIterator<ZEntry> {
    const d = this.data;
    if (typeof d === 'string') {
      const u = unpack(d, true);
      for (let i = 0; i < u.members.length; i++) yield { member: u.members[i]!, score: u.scores[i]! };
      return;
    }
    for (let x = d.zsl.head; x !== null; x = x.next) yield x;
  }

  /**
   * After a STORE command filled this set: Redis builds the result as a skiplist and turns
   * it into a listpack when it fits (zsetConvertToListpackIfNeeded), which also writes any -0
   * as 0.
   */
  compactIfSmall(): void {
    const d = this.data;
    if (typeof d === 'string' || d.dict.size > ZSET_MAX_LISTPACK_ENTRIES) return;
    for (const m of d.dict.keys()) if (m.length > ZSET_MAX_LISTPACK_VALUE) return;
    this.data = pack(this.entries());
  }

  /** Converts to the skiplist form, as a set built big from the start (or sorted by SORT) is. */
  forceSkiplist(): void {
    this.index();
  }

  /** The converted form, converting now if the set is still packed. */
  private index(): ZIndex {
    const d = this.data;
    if (typeof d !== 'string') return d;
    const index = new ZIndex();
    const u = unpack(d, true);
    for (let i = 0; i < u.members.length; i++) {
      index.dict.set(u.members[i]!, u.scores[i]!);
      index.zsl.insert(u.scores[i]!, u.members[i]!);
    }
    this.data = index;
    return index;
  }

  private removeNodes(pairs: readonly ZEntry[]): number {
    const index = this.data as ZIndex;
    for (const n of pairs) {
      index.dict.delete(n.member);
      index.zsl.delete(n.score, n.member);
    }
    return pairs.length;
  }

  /** Removes `count` pairs from rank `first` on of the packed form; returns count. */
  private removePackedRun(first: number, count: number): number {
    if (count > 0) this.data = packedDelete(this.data as string, first, count);
    return count;
  }
}

/**
 * Up to `limit` nodes (all for -1) from x on, towards the head when reverse, while `inRange`
 * holds: the walk every skiplist range read ends with.
 */
function collect(x: ZNode | null, reverse: boolean, limit: number, inRange: (n: ZNode) => boolean): ZEntry[] {
  const out: ZEntry[] = [];
  for (; x !== null && limit !== 0 && inRange(x); limit--) {
    out.push(x);
    x = reverse ? x.backward : x.next;
  }
  return out;
}

/** The ZSet at key, undefined when there is none, or Status.WRONGTYPE for another type. */
export function lookupZSet(db: Db, key: string): ZSet | undefined | typeof Status.WRONGTYPE {
  const v = db.lookup(key);
  if (v === undefined) return undefined;
  return v instanceof ZSet ? v : Status.WRONGTYPE;
}

/** The ZSet at key, created (not yet stored) when missing; Status.WRONGTYPE for another type. */
export function zsetForWrite(db: Db, key: string): { zset: ZSet; created: boolean } | typeof Status.WRONGTYPE {
  const found = lookupZSet(db, key);
  if (found === Status.WRONGTYPE) return found;
  return found === undefined ? { zset: new ZSet(), created: true } : { zset: found, created: false };
}
