/**
 * Redis's glob matcher (stringmatchlen) over latin1 strings: KEYS, SCAN MATCH and any later
 * pattern user (PSUBSCRIBE, CONFIG GET) must accept exactly the same keys as redis-server.
 *
 * Tokens each match one character, except a run of '*', which matches any run of characters:
 *   ?        any character
 *   [abc]    a set; [^abc] its complement; [a-z] a range (ends in either order); \x in a set is
 *            a literal x; a set never closed runs to the end of the pattern
 *   \x       a literal x; a trailing '\' is a literal backslash
 *
 * Redis quirks kept on purpose, each verified against redis-server 7.0 with KEYS:
 *  - The empty string matches only the empty pattern ("**" does not match ""; KEYS and SCAN
 *    special-case the pattern "*" before they get here).
 *  - "[]" matches nothing and "[^]" anything: the first ']' always closes the set.
 *  - "[a-]" is the range a..']' (the ']' is the range end, so the set stays open).
 *  - Range ends compare as C's signed char: "[a-\xff]" is -1..97, which holds \xff and
 *    \x00..a but not \x80.
 *  - With nocase, range ends are lowered after they are ordered, and an escaped set member
 *    still compares exactly.
 *  - Redis gives up (no match) when matching reaches the 1001st run of '*' that is not the
 *    end of the pattern: its recursion depth limit.
 *
 * The matcher is iterative with one backtrack point (the latest '*'): if the rest of the
 * pattern after the latest '*' matches nowhere, letting an earlier '*' eat more cannot help,
 * which is what Redis's skipLongerMatches shortcut relies on too. So no pattern is exponential.
 */

import { slotOfLatin1 } from '../routing/slot.ts';

const STAR = 0x2a; // '*'
const QUESTION = 0x3f; // '?'
const OPEN = 0x5b; // '['
const CLOSE = 0x5d; // ']'
const CARET = 0x5e; // '^'
const DASH = 0x2d; // '-'
const BACKSLASH = 0x5c; // '\'

/** Redis's recursion limit: the depth at which a further '*' run makes the match fail. */
const MAX_STAR_RUNS = 1000;

/** C tolower() in the C locale: ASCII letters only (works on signed values too). */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** A byte as C's (signed) char. */
function signed(c: number): number {
  return (c << 24) >> 24;
}

/**
 * The set starting at pattern[p] === '[' against character c: the index just past the set
 * when c is in it, or -1.
 */
function matchSet(pattern: string, p: number, c: number, nocase: boolean): number {
  const plen = pattern.length;
  let i = p + 1;
  const negate = i < plen && pattern.charCodeAt(i) === CARET;
  if (negate) i++;
  let hit = false;
  let next: number;
  for (;;) {
    const rest = plen - i;
    if (rest === 0) {
      next = plen; // never closed: the set ends with the pattern
      break;
    }
    const pc = pattern.charCodeAt(i);
    if (pc === BACKSLASH && rest >= 2) {
      i++;
      if (pattern.charCodeAt(i) === c) hit = true;
    } else if (pc === CLOSE) {
      next = i + 1;
      break;
    } else if (rest >= 3 && pattern.charCodeAt(i + 1) === DASH) {
      let from = signed(pc);
      let to = signed(pattern.charCodeAt(i + 2));
      let x = signed(c);
      if (from > to) [from, to] = [to, from];
      if (nocase) {
        from = lower(from);
        to = lower(to);
        x = lower(x);
      }
      if (x >= from && x <= to) hit = true;
      i += 2;
    } else if (nocase ? lower(pc) === lower(c) : pc === c) {
      hit = true;
    }
    i++;
  }
  return hit !== negate ? next : -1;
}

/** True when str matches the glob pattern, exactly as Redis's stringmatchlen decides. */
export function stringMatch(pattern: string, str: string, nocase = false): boolean {
  const plen = pattern.length;
  const slen = str.length;
  if (slen === 0) return plen === 0;
  let p = 0;
  let s = 0;
  // The backtrack point: pattern just after the latest '*' run, and where that run's match
  // currently ends in str.
  let starP = -1;
  let starS = 0;
  let starRuns = 0;
  for (;;) {
    if (p < plen && pattern.charCodeAt(p) === STAR) {
      while (p < plen && pattern.charCodeAt(p) === STAR) p++;
      if (p === plen) return true;
      if (++starRuns > MAX_STAR_RUNS) return false;
      starP = p;
      starS = s;
      continue;
    }
    if (s === slen) {
      if (p === plen) return true;
    } else if (p < plen) {
      const c = str.charCodeAt(s);
      const pc = pattern.charCodeAt(p);
      let next = -1;
      if (pc === QUESTION) {
        next = p + 1;
      } else if (pc === OPEN) {
        next = matchSet(pattern, p, c, nocase);
      } else {
        let lit = pc;
        let after = p + 1;
        if (pc === BACKSLASH && after < plen) lit = pattern.charCodeAt(after++);
        if (nocase ? lower(lit) === lower(c) : lit === c) next = after;
      }
      if (next !== -1) {
        p = next;
        s++;
        continue;
      }
    }
    // Mismatch: let the latest '*' eat one more character. Redis never retries the rest of
    // the pattern against an empty remainder, and no token could match it anyway.
    if (starP < 0 || ++starS >= slen) return false;
    p = starP;
    s = starS;
  }
}

/**
 * The slot every key matching pattern must hash to, or -1 when keys of many slots can match.
 * A pattern fixes the slot when everything up to its first '{' is literal and the '{...}' that
 * follows holds a non-empty literal tag: a matching key then has that same first tag.
 */
export function patternSlot(pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QUESTION || c === OPEN || c === BACKSLASH) return -1;
    if (c !== 0x7b) continue; // '{'
    const close = pattern.indexOf('}', i + 1);
    if (close <= i + 1) return -1;
    for (let j = i + 1; j < close; j++) {
      const t = pattern.charCodeAt(j);
      if (t === STAR || t === QUESTION || t === OPEN || t === BACKSLASH) return -1;
    }
    // The tag holds no '}', so hashing it alone hashes all of it.
    return slotOfLatin1(pattern.slice(i + 1, close));
  }
  return -1;
}
