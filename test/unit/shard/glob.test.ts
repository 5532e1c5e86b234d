import { describe, expect, it } from 'vitest';
import { patternSlot, stringMatch } from '../../../src/shard/glob.ts';
import { slotOfLatin1 } from '../../../src/routing/slot.ts';

// [pattern, key, matches]: every row was checked with KEYS against redis-server 7.0.15
// (and a 1.2M-pair random differential run over patterns of * ? [ ] ^ - \ and high bytes).
const VERIFIED: [string, string, boolean][] = [
  ['h?llo', 'hello', true],
  ['h?llo', 'heeeello', false],
  ['h*llo', 'heeeello', true],
  ['h*llo', 'hllo', true],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hallo', true],
  ['h[a-b]llo', 'hxllo', false],
  ['a*', 'a', true],
  ['*a', '^a', true],
  ['a*b', 'a\\b', true],
  ['a*b', 'abc', false],
  ['?*', 'x', true],
  ['*?', 'x', true],
  ['**', 'ab', true],
  // Only the empty pattern matches the empty key.
  ['**', '', false],
  ['?', '', false],
  ['', '', true],
  // An unclosed set runs to the end of the pattern.
  ['[', '[', false],
  ['[a', 'a', true],
  ['[ab', 'b', true],
  ['[ab', 'ab', false],
  ['[^', 'x', true],
  ['[^', '', false],
  ['*[', '[', false],
  ['[[]', '[', true],
  // The first ']' closes the set, so [] is empty and [^] is anything.
  ['[]', ']', false],
  ['[]a]', 'a]', false],
  ['[^]', ']', true],
  ['[^]', 'q', true],
  // [a-] is the range ']'..'a'.
  ['[a-]', 'a', true],
  ['[a-]', ']', true],
  ['[a-]', '^', true],
  ['[a-]', '-', false],
  ['[a-]b', 'b', true],
  ['[x-]', 'c', true],
  ['[-]', '-', true],
  ['[^-]', '-', false],
  ['[\\-a]', '-', true],
  ['[c-a]', 'b', true],
  ['[A-Z]', 'a', false],
  ['[!a]', '!', true],
  ['[!a]', 'b', false],
  // Escapes, inside and outside sets; a trailing backslash is literal.
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\?', '?', true],
  ['\\\\', '\\', true],
  ['\\\\*', '\\', true],
  ['[\\\\]', '\\', true],
  ['[\\]]', ']', true],
  ['[\\]', ']', true],
  ['[a\\', '\\', true],
  ['[a\\', 'a', true],
  ['a\\', 'a\\', true],
  ['a\\', 'a', false],
  ['a[*]b', 'a*b', true],
  ['a[*]b', 'axb', false],
  ['[\\^]*', '^a', true],
  ['a]', 'a]', true],
  // Range ends compare as signed chars.
  ['[a-\xff]', '\xff', true],
  ['[a-\xff]', '\x00', true],
  ['[a-\xff]', 'a', true],
  ['[a-\xff]', 'b', false],
  ['[a-\xff]', '\x80', false],
  ['[\x80-\xff]', '\x80', true],
  ['[\x80-\xff]', '\xff', true],
  ['[\x80-\xff]', 'a', false],
  ['[\xff-\x80]', '\xc0', true],
  ['[\x7f-\x80]', 'b', true],
  ['[\x7f-\x80]', '\xff', true],
  ['[^\x80-\xff]', '\xff', false],
  ['[\x00-b]', 'c', false],
  ['[\x00-b]', '\x00', true],
  ['\xff*', '\xff', true],
  ['\x80', '\x80', true],
];

describe('stringMatch agrees with redis-server KEYS', () => {
  for (const [pattern, key, expected] of VERIFIED) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(key)}`, () => {
      expect(stringMatch(pattern, key)).toBe(expected);
    });
  }
});

describe('stringMatch', () => {
  it('gives up at the 1001st run of stars that is not the end of the pattern, as Redis does', () => {
    const key = 'x'.repeat(1100);
    expect(stringMatch('x*'.repeat(1000) + 'x', key)).toBe(true);
    expect(stringMatch('x*'.repeat(1001) + 'x', key)).toBe(false);
    expect(stringMatch('x*'.repeat(1000) + 'x*', key)).toBe(true);
    expect(stringMatch('*x'.repeat(1000), key)).toBe(true);
    expect(stringMatch('*x'.repeat(1001), key)).toBe(false);
    expect(stringMatch('*x'.repeat(1000) + '*', key)).toBe(true);
  });

  it('counts a run of consecutive stars once', () => {
    expect(stringMatch('x***'.repeat(1000) + 'x', 'x'.repeat(1001))).toBe(true);
  });

  it('answers quickly for patterns that are exponential in a naive backtracking matcher', () => {
    const start = performance.now();
    expect(stringMatch('a*'.repeat(30) + 'b', 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('lets a star match the remainder in the middle of a pattern after backtracking', () => {
    expect(stringMatch('*ab*cd', 'xabyabzcd')).toBe(true);
    expect(stringMatch('*ab*cd', 'xabyabzc')).toBe(false);
    expect(stringMatch('a*a*a', 'aaaa')).toBe(true);
    expect(stringMatch('a*a*a', 'aa')).toBe(false);
  });

  it('compares letters without case under nocase', () => {
    expect(stringMatch('HeLLo', 'hello', true)).toBe(true);
    expect(stringMatch('HeLLo', 'hello')).toBe(false);
    expect(stringMatch('h[A-C]llo', 'hbllo', true)).toBe(true);
    expect(stringMatch('h[ABC]llo', 'hbllo', true)).toBe(true);
    expect(stringMatch('\\H*', 'hat', true)).toBe(true);
  });

  it('lowers range ends under nocase only after ordering them, as Redis does', () => {
    // Ordered Z..a, then lowered to z..a: an empty range.
    expect(stringMatch('[Z-a]', '_')).toBe(true);
    expect(stringMatch('[Z-a]', '_', true)).toBe(false);
  });

  it('compares an escaped set member exactly even under nocase', () => {
    expect(stringMatch('[\\A]', 'a', true)).toBe(false);
    expect(stringMatch('[\\A]', 'A', true)).toBe(true);
  });

  it('leaves non-ASCII bytes alone under nocase', () => {
    expect(stringMatch('\xc0', '\xe0', true)).toBe(false);
  });
});

describe('patternSlot', () => {
  it('finds the slot of a literal hash tag', () => {
    expect(patternSlot('{user1}:*')).toBe(slotOfLatin1('user1'));
    expect(patternSlot('pre{user1}*')).toBe(slotOfLatin1('{user1}'));
    expect(patternSlot('{a{b}*')).toBe(slotOfLatin1('{a{b}x'));
  });

  it('gives -1 when a glob comes before the tag or inside it', () => {
    expect(patternSlot('*{user1}')).toBe(-1);
    expect(patternSlot('a?{user1}')).toBe(-1);
    expect(patternSlot('[a]{user1}')).toBe(-1);
    expect(patternSlot('\\{user1}')).toBe(-1);
    expect(patternSlot('{us*er}')).toBe(-1);
  });

  it('gives -1 without a non-empty tag', () => {
    expect(patternSlot('{}x')).toBe(-1);
    expect(patternSlot('{abc')).toBe(-1);
    expect(patternSlot('plain')).toBe(-1);
  });
});
