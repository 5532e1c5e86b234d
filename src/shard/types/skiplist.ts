/**
 * The ordered index of a sorted set: a skiplist with span counts, in the manner of Redis's
 * zskiplist, so that insert, delete, rank, element-by-rank and the first/last element of a score
 * or lex range all take O(log n).
 *
 * Order is (score, then member), members compared as unsigned bytes: members are latin1
 * strings (one char per byte), so JS string comparison is exactly memcmp-then-length.
 *
 * Invariants: level 0 links every node in order and `backward` links them in reverse;
 * `span[i]` of a node is the number of level-0 steps its `forward[i]` link jumps (so summing
 * spans along a search path gives a 1-based rank); the header holds no element; `length` counts
 * the nodes. A (score, member) pair is in the list at most once: the owning ZSet's Map makes
 * sure of it.
 */

const MAX_LEVEL = 32;
const P = 0.25; // chance of one more level: 1/4 gives ~1.33 links per node, as in Redis

/** What a sorted set gives out for one pair: the skiplist's node, or a plain pair. */
export interface ZEntry {
  readonly member: string;
  readonly score: number;
}

export class ZNode implements ZEntry {
  readonly member: string;
  readonly score: number;
  backward: ZNode | null = null;
  readonly forward: (ZNode | null)[];
  readonly span: number[];

  constructor(level: number, score: number, member: string) {
    this.member = member;
    this.score = score;
    this.forward = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }

  /** The next node in order, or null at the tail. */
  get next(): ZNode | null {
    return this.forward[0]!;
  }
}

/** A score interval; `minex`/`maxex` make an end exclusive (the "(" prefix). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lex bound is a member (latin1 string) or one of the two infinities, written "-" and "+"
 * by clients; -Infinity and Infinity stand for them here.
 */
export type LexBound = string | number;

export interface LexRange {
  min: LexBound;
  max: LexBound;
  minex: boolean;
  maxex: boolean;
}

/** Compares two lex bounds as Redis's sdscmplex does (the infinities beat every string). */
export function compareLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === -Infinity || b === Infinity) return -1;
  if (a === Infinity || b === -Infinity) return 1;
  return a < b ? -1 : 1;
}

export const gteMin = (score: number, r: ScoreRange): boolean => (r.minex ? score > r.min : score >= r.min);
export const lteMax = (score: number, r: ScoreRange): boolean => (r.maxex ? score < r.max : score <= r.max);
export const lexGteMin = (m: string, r: LexRange): boolean => (r.minex ? compareLex(m, r.min) > 0 : compareLex(m, r.min) >= 0);
export const lexLteMax = (m: string, r: LexRange): boolean => (r.maxex ? compareLex(m, r.max) < 0 : compareLex(m, r.max) <= 0);

/** True when no score can be inside r (min above max, or a point with an open end). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

export function lexRangeEmpty(r: LexRange): boolean {
  const cmp = compareLex(r.min, r.max);
  return cmp > 0 || (cmp === 0 && (r.minex || r.maxex));
}

/** True when (score, member) sorts before (s, m). */
function before(node: ZNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** Scratch for insert/delete: the search path (one list works at a time in a shard). */
const update = new Array<ZNode>(MAX_LEVEL);
const rank = new Array<number>(MAX_LEVEL);

export class SkipList {
  /**
   * The header's links grow with the list's level rather than starting at MAX_LEVEL: most
   * sorted sets are small, and 32 empty links per set cost more than the set itself.
   */
  readonly header = new ZNode(1, 0, '');
  tail: ZNode | null = null;
  length = 0;
  level = 1;

  /** The first node, or null when empty. */
  get head(): ZNode | null {
    return this.header.forward[0]!;
  }

  /** Inserts a pair that is not in the list yet; returns its node. */
  insert(score: number, member: string): ZNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let f = x.forward[i]!;
      while (f !== null && before(f, score, member)) {
        rank[i]! += x.span[i]!;
        x = f;
        f = x.forward[i]!;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
        if (this.header.forward.length <= i) this.header.forward.push(null);
      }
      this.level = level;
    }
    const node = new ZNode(level, score, member);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.forward[i] = u.forward[i]!;
      u.forward[i] = node;
      // rank[0] - rank[i] is how far update[i] lies behind the new node's predecessor.
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.forward[0] !== null) node.forward[0]!.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Removes the pair; false when it is not there. */
  delete(score: number, member: string): boolean {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && before(f, score, member)) {
        x = f;
        f = x.forward[i]!;
      }
      update[i] = x;
    }
    const node = x.forward[0]!;
    if (node === null || node.score !== score || node.member !== member) return false;
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.forward[i] === node) {
        u.span[i]! += node.span[i]! - 1;
        u.forward[i] = node.forward[i]!;
      } else {
        u.span[i]!--;
      }
    }
    if (node.forward[0] !== null) node.forward[0]!.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
    this.length--;
    return true;
  }

  /** The 1-based rank of the pair, or 0 when it is not there. */
  rankOf(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && (before(f, score, member) || (f.score === score && f.member === member))) {
        rank += x.span[i]!;
        x = f;
        f = x.forward[i]!;
      }
      if (x !== this.header && x.score === score && x.member === member) return rank;
    }
    return 0;
  }

  /** The node at a 1-based rank, or null when out of range. */
  byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] !== null && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = x.forward[i]!;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /**
   * The last node, in order, for which `before` holds (the header when none does): the one
   * descent that every range search below starts with.
   */
  private lastWhere(before: (n: ZNode) => boolean): ZNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] !== null && before(x.forward[i]!)) x = x.forward[i]!;
    }
    return x;
  }

  /** The first node whose score is inside r, or null. */
  firstInRange(r: ScoreRange): ZNode | null {
    if (!this.mayHaveScores(r)) return null;
    const first = this.lastWhere((n) => !gteMin(n.score, r)).forward[0]!;
    return first !== null && lteMax(first.score, r) ? first : null;
  }

  /** The last node whose score is inside r, or null. */
  lastInRange(r: ScoreRange): ZNode | null {
    if (!this.mayHaveScores(r)) return null;
    const x = this.lastWhere((n) => lteMax(n.score, r));
    return x !== this.header && gteMin(x.score, r) ? x : null;
  }

  /**
   * The first node whose member is inside r, found by descent: exact when all scores are
   * equal, which is what lex ranges assume (with mixed scores Redis's answer is unspecified).
   */
  firstInLexRange(r: LexRange): ZNode | null {
    if (!this.mayHaveMembers(r)) return null;
    const first = this.lastWhere((n) => !lexGteMin(n.member, r)).forward[0]!;
    return first !== null && lexLteMax(first.member, r) ? first : null;
  }

  /** The last node whose member is inside r (see firstInLexRange), or null. */
  lastInLexRange(r: LexRange): ZNode | null {
    if (!this.mayHaveMembers(r)) return null;
    const x = this.lastWhere((n) => lexLteMax(n.member, r));
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  private mayHaveScores(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r) || this.tail === null) return false;
    return gteMin(this.tail.score, r) && lteMax(this.head!.score, r);
  }

  private mayHaveMembers(r: LexRange): boolean {
    if (lexRangeEmpty(r) || this.tail === null) return false;
    return lexGteMin(this.tail.member, r) && lexLteMax(this.head!.member, r);
  }
}
