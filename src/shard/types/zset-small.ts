/**
 * The small form of a sorted set, Redis's listpack encoding: while a set has at most 128
 * members of at most 64 bytes, all of it is one packed latin1 string, so a one-member set
 * costs the ZSet object and one string instead of a Map, a skiplist and a node.
 *
 * Layout: one char holding the pair count (at most ZSET_MAX_LISTPACK_ENTRIES, so it fits),
 * then listpack.ts entries alternating member, score, pairs ordered by (score, member) exactly
 * as the skiplist orders them. The count makes ZCARD O(1), like a listpack's header, and it
 * keeps the string flat: every rebuild joins the count with the rest, and Array.join of two or
 * more non-empty parts makes a new sequential string, where `+` would make a rope (ConsString)
 * or `slice` a view (SlicedString) holding the previous string alive.
 *
 * Scores are kept as String(score), which Number() reads back as the same double, infinities
 * included; String(-0) is "0", which is what a Redis listpack stores for -0 too.
 *
 * Everything here is O(n) in the pairs, as Redis's listpack operations are, with n <= 128.
 */
import { counted, countedCursor, countedWithoutPair, COUNTED_EMPTY, countOf, findPair, LpCursor, lpEntry }
  from './listpack.ts';
import { gteMin, lexGteMin, lexLteMax, lexRangeEmpty, lteMax, scoreRangeEmpty, type LexRange, type ScoreRange,
  type ZEntry } from './skiplist.ts';

/** The packed form of the empty set. */
export const PACKED_EMPTY = COUNTED_EMPTY;

/** How many pairs. */
export const packedLength = countOf;

/**
 * The score whose text is lp[start, end). Most scores are small integers: those are read in
 * place, which spares a slice and Number() on every pair an insert or a range walks past.
 */
function scoreAt(lp: string, start: number, end: number): number {
  const neg = lp.charCodeAt(start) === 0x2d; // '-'
  let i = neg ? start + 1 : start;
  if (i < end && end - i <= 15) { // 15 digits: exact in a double
    let v = 0;
    for (; i < end; i++) {
      const d = lp.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === end) return neg ? -v : v; // String(score) never writes "-0"
  }
  return Number(lp.slice(start, end));
}

/** member's score, or undefined when it is absent. */
export function packedScore(lp: string, member: string): number | undefined {
  const c = findPair(lp, member);
  if (c === null) return undefined;
  c.advance();
  return scoreAt(lp, c.start, c.end);
}

/** member's 0-based rank, or -1 when it is absent. */
export function packedRank(lp: string, member: string): number {
  const c = findPair(lp, member);
  return c === null ? -1 : (c.seen - 1) / 2;
}

/** lp with (member, score) in its place by (score, member); member must be absent. */
export function packedInsert(lp: string, member: string, score: number): string {
  const at = placeOf(lp, member, score, -1);
  return counted(packedLength(lp) + 1, lp.slice(1, at), lpEntry(member), lpEntry(String(score)), lp.slice(at));
}

/**
 * lp with member (which must be present) moved to its place for a new score: one string built,
 * where removing it and inserting it again built two.
 */
export function packedMove(lp: string, member: string, score: number): string {
  const c = findPair(lp, member)!;
  const from = c.head;
  c.advance();
  const to = c.next;
  const at = placeOf(lp, member, score, from);
  const count = packedLength(lp);
  const m = lpEntry(member);
  const s = lpEntry(String(score));
  if (at <= from) return counted(count, lp.slice(1, at), m, s, lp.slice(at, from), lp.slice(to));
  return counted(count, lp.slice(1, from), lp.slice(to, at), m, s, lp.slice(at));
}

/**
 * Where a pair (member, score) goes by (score, member): the start of the first pair that sorts
 * after it, or lp's length. The pair starting at `skip` (the member's own, when it moves) is
 * passed over.
 */
function placeOf(lp: string, member: string, score: number, skip: number): number {
  const c = countedCursor(lp);
  for (;;) {
    const pairStart = c.next;
    if (!c.advance()) return lp.length;
    const memberStart = c.start;
    const memberEnd = c.end;
    c.advance();
    if (pairStart === skip) continue;
    const s = scoreAt(lp, c.start, c.end);
    if (s > score || (s === score && lp.slice(memberStart, memberEnd) > member)) return pairStart;
  }
}

/** lp without the `count` pairs from rank `from` on (all of them must exist). */
export function packedDelete(lp: string, from: number, count = 1): string {
  const c = countedCursor(lp);
  for (let i = 0; i < from; i++) skipPair(c);
  const start = c.next;
  for (let i = 0; i < count; i++) skipPair(c);
  return counted(packedLength(lp) - count, lp.slice(1, start), lp.slice(c.next));
}

/** lp without member, or undefined when it is absent: one walk. */
export const packedRemove = countedWithoutPair;

function skipPair(c: LpCursor): void {
  c.advance();
  c.advance();
}

/** The packed form of pairs already in (score, member) order; at most 255 of them. */
export function pack(pairs: Iterable<ZEntry>): string {
  const parts = [''];
  for (const p of pairs) parts.push(lpEntry(p.member), lpEntry(String(p.score)));
  parts[0] = String.fromCharCode((parts.length - 1) / 2);
  return parts.join('');
}

/** The pairs as two arrays, in order. */
export interface Unpacked {
  members: string[];
  scores: number[];
}

/**
 * The pairs, members as slices of lp (for replies and other short-lived use) or, with
 * `copy`, as strings of their own: a long slice is a view that keeps all of lp alive, which members kept in a skiplist or another set must not do.
 */
export function unpack(lp: string, copy = false): Unpacked {
  const members: string[] = [];
  const scores: number[] = [];
  const c = countedCursor(lp);
  while (c.advance()) {
    members.push(copy ? c.ownValue() : c.value());
    c.advance();
    scores.push(scoreAt(lp, c.start, c.end));
  }
  return { members, scores };
}

/** The members alone, in order, as slices of lp: what a lex range reads (no score parsed). */
export function packedMembers(lp: string): string[] {
  const members: string[] = [];
  const c = countedCursor(lp);
  while (c.advance()) {
    members.push(c.value());
    c.advance();
  }
  return members;
}

/** The pairs at ranks lo..hi inclusive (0 <= lo <= hi < length), in order. */
export function packedRanks(lp: string, lo: number, hi: number): ZEntry[] {
  const c = countedCursor(lp);
  for (let i = 0; i < lo; i++) skipPair(c);
  const out: ZEntry[] = [];
  for (let i = lo; i <= hi && c.advance(); i++) {
    const member = c.value();
    c.advance();
    out.push({ member, score: scoreAt(lp, c.start, c.end) });
  }
  return out;
}

/**
 * The ranks [first, end) of the pairs whose score is in r: one run, since scores are in order,
 * so every score range walk of Redis's (zzlFirstInRange, zzlLastInRange, the deletes) is a
 * part of it. Reads scores only.
 */
export function scoreRun(lp: string, r: ScoreRange): [number, number] {
  const c = countedCursor(lp);
  let first = -1;
  let i = 0;
  for (; c.advance(); i++) {
    c.advance();
    const s = scoreAt(lp, c.start, c.end);
    if (first < 0) {
      if (!gteMin(s, r)) continue;
      first = i;
    }
    if (!lteMax(s, r)) break;
  }
  return first < 0 ? [0, 0] : [first, i];
}

/**
 * The ranks [first, end) of the pairs ZRANGEBYLEX returns, walked as Redis walks a listpack
 * (zzlFirstInLexRange/zzlLastInLexRange): the first member from the head (or the tail, when
 * reverse) on the near side of the range must be inside it, then members are taken until one
 * leaves the far side. With mixed scores that is the listpack's exact answer, which a
 * skiplist's descent does not give. One run either way, as scoreRun's; reverse only says
 * which end offset and limit count from.
 */
export function lexRun(
  members: readonly string[],
  r: LexRange,
  reverse: boolean,
  offset: number,
  limit: number,
): [number, number] {
  const n = members.length;
  if (offset < 0 || n === 0 || lexRangeEmpty(r) || !lexGteMin(members[n - 1]!, r) || !lexLteMax(members[0]!, r)) {
    return [0, 0];
  }
  let i: number;
  if (reverse) {
    for (i = n - 1; i >= 0 && !lexLteMax(members[i]!, r); i--);
    if (i < 0 || !lexGteMin(members[i]!, r)) return [0, 0];
    const top = i - offset;
    for (i = top; i >= 0 && limit !== 0 && lexGteMin(members[i]!, r); i--, limit--);
    return i < top ? [i + 1, top + 1] : [0, 0];
  }
  for (i = 0; i < n && !lexGteMin(members[i]!, r); i++);
  if (i === n || !lexLteMax(members[i]!, r)) return [0, 0];
  const first = i + offset;
  for (i = first; i < n && limit !== 0 && lexLteMax(members[i]!, r); i++, limit--);
  return i > first ? [first, i] : [0, 0];
}

/**
 * Calls visit(member, score) for each pair whose score is in r, in order, until visit returns
 * false. Walks in place: only the pairs visited are copied out.
 */
export function packedEachInScoreRange(lp: string, r: ScoreRange, visit: (member: string, score: number) => boolean): void {
  if (scoreRangeEmpty(r)) return;
  const c = countedCursor(lp);
  while (c.advance()) {
    const memberStart = c.start;
    const memberEnd = c.end;
    c.advance();
    const s = scoreAt(lp, c.start, c.end);
    if (!gteMin(s, r)) continue;
    if (!lteMax(s, r) || !visit(lp.slice(memberStart, memberEnd), s)) return;
  }
}
