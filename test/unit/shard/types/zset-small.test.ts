/**
 * The packed (listpack) form of a sorted set against the converted (skiplist) form: the same
 * seeded operations on one set of each, every result compared; the conversions at exactly
 * 128/129 members and 64/65-byte members; compactIfSmall; the listpack's own lex walk; and
 * what a small set's object holds.
 */
import { describe, expect, it } from 'vitest';
import { ZSet, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX, ZSET_MAX_LISTPACK_ENTRIES, ZSET_MAX_LISTPACK_VALUE,
  type LexRange, type ScoreRange, type ZEntry } from '../../../../src/shard/types/zset.ts';
import { mulberry32 } from '../../../helpers/random-commands.ts';

/** -0 as 0: the packed form stores -0 as 0 (as a listpack does), the skiplist keeps it. */
const z0 = (n: number | undefined): number | undefined => (n === undefined ? n : n + 0);
const pairs = (es: Iterable<ZEntry>): [string, number][] => [...es].map((e) => [e.member, e.score + 0]);

const SCORES = [0, -0, 1, -1, 1.5, 0.1, 2, 2, 3, 1e300, -1e-310, Infinity, -Infinity];
const FLAG_SETS = [0, ZADD_NX, ZADD_XX, ZADD_GT, ZADD_LT, ZADD_INCR, ZADD_INCR | ZADD_XX, ZADD_GT | ZADD_INCR];

/**
 * Runs `steps` random operations on a packed set and a converted one and expects equal
 * results. With `sameScore`, every score is 0 and lex ranges are compared too (with mixed
 * scores the listpack's linear walk and the skiplist's descent may rightly differ).
 */
function compareForms(seed: number, steps: number, sameScore: boolean): { small: ZSet; big: ZSet } {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const small = new ZSet();
  const big = new ZSet();
  big.forceSkiplist();
  // 91 members at most, of 0 to 20 bytes: the packed set never outgrows its form.
  const member = (): string => {
    const id = int(91);
    return id === 90 ? '' : `m${id}`.padEnd((id * 7) % 21, 'x');
  };
  const score = (): number => (sameScore ? 0 : pick(SCORES));
  const scoreRange = (): ScoreRange => ({ min: pick(SCORES), max: pick(SCORES), minex: rnd() < 0.3, maxex: rnd() < 0.3 });
  const lexBound = (): string | number => (rnd() < 0.1 ? -Infinity : rnd() < 0.1 ? Infinity : member());
  const lexRange = (): LexRange => ({ min: lexBound(), max: lexBound(), minex: rnd() < 0.3, maxex: rnd() < 0.3 });
  const both = <T>(what: string, f: (z: ZSet) => T, norm: (x: T) => unknown = (x) => x): void => {
    expect(norm(f(small)), what).toEqual(norm(f(big)));
  };
  for (let step = 0; step < steps; step++) {
    const m = member();
    const op = int(14);
    const n = small.size;
    const start = int(n + 2) - 1;
    const end = start + int(n + 1);
    const offset = int(4) - (rnd() < 0.1 ? 1 : 0);
    const limit = int(6) - 1;
    const rev = rnd() < 0.5;
    if (op < 4) {
      const s = score();
      const flags = pick(FLAG_SETS);
      both(`add ${m} ${s} ${flags}`, (z) => z.add(m, s, flags), (r) => ({ flags: r.flags, score: r.score + 0 }));
    } else if (op === 4) both(`remove ${m}`, (z) => z.remove(m));
    else if (op === 5) both(`score ${m}`, (z) => z0(z.score(m)));
    else if (op === 6) both(`rank ${m}`, (z) => [z.rank(m), z.rank(m, true)]);
    else if (op === 7) {
      both(`byRank ${start}`, (z) => z.byRank(start, rev), (e) => (e === null ? null : pairs([e])));
      if (start >= 0 && start < n) {
        both(`rangeByRank ${start} ${end}`, (z) => z.rangeByRank(start, Math.min(end, n - 1), rev), pairs);
      }
    } else if (op === 8) {
      const r = scoreRange();
      both(`rangeByScore ${JSON.stringify(r)} ${rev} ${offset} ${limit}`, (z) => z.rangeByScore(r, rev, offset, limit), pairs);
      both(`count ${JSON.stringify(r)}`, (z) => z.count(r));
      both(`eachInScoreRange ${JSON.stringify(r)}`, (z) => {
        const seen: [string, number][] = [];
        z.eachInScoreRange(r, (member, s) => seen.push([member, s + 0]) < limit + 3);
        return seen;
      });
    } else if (op === 9 && sameScore) {
      const r = lexRange();
      both(`rangeByLex ${JSON.stringify(r)} ${rev} ${offset} ${limit}`, (z) => z.rangeByLex(r, rev, offset, limit), pairs);
      both(`lexCount ${JSON.stringify(r)}`, (z) => z.lexCount(r));
    } else if (op === 10 && rnd() < 0.3 && start >= 0 && start < n) {
      both(`removeRangeByRank ${start} ${end}`, (z) => z.removeRangeByRank(start, Math.min(end, n - 1)));
    } else if (op === 11 && rnd() < 0.3) {
      const r = scoreRange();
      both(`removeRangeByScore ${JSON.stringify(r)}`, (z) => z.removeRangeByScore(r));
    } else if (op === 12 && rnd() < 0.3 && sameScore) {
      const r = lexRange();
      both(`removeRangeByLex ${JSON.stringify(r)}`, (z) => z.removeRangeByLex(r));
    } else if (op === 13 && small.score(m) === undefined) {
      const s = score();
      small.insertNew(m, s);
      big.insertNew(m, s);
    }
    both('size', (z) => z.size);
    both('entries', (z) => z.entries(), pairs);
    expect(small.encoding).toBe('listpack');
    expect(big.encoding).toBe('skiplist');
  }
  return { small, big };
}

describe('a packed sorted set answers as a converted one does', () => {
  it('under 4000 seeded operations with mixed scores, -0, infinities and every ZADD flag', () => {
    const { small } = compareForms(11, 4000, false);
    expect(small.size).toBeGreaterThan(10);
  });

  it('under 4000 seeded operations with equal scores, lex ranges and lex removals included', () => {
    const { small } = compareForms(12, 4000, true);
    expect(small.size).toBeGreaterThan(10);
  });

  it('serializes to the same ZADD arguments', () => {
    const { small, big } = compareForms(13, 300, false);
    const norm = (z: ZSet): string[][] => [...z.serialize().items].map(([s, m]) => [s === '-0' ? '0' : s!, m!]);
    expect(norm(small)).toEqual(norm(big));
    expect(small.serialize().command).toBe('ZADD');
  });
});

describe('the packed form converts exactly where Redis converts', () => {
  it('stays packed at 128 members and converts on the 129th, keeping every pair', () => {
    const z = new ZSet();
    for (let i = 0; i < ZSET_MAX_LISTPACK_ENTRIES; i++) z.add(`m${i}`, 200 - i);
    expect(z.encoding).toBe('listpack');
    expect(z.size).toBe(128);
    z.add('m5', 1000); // an update is not an addition
    expect(z.encoding).toBe('listpack');
    const before = pairs(z.entries());
    z.add('m128', 0.5);
    expect(z.encoding).toBe('skiplist');
    expect(z.size).toBe(129);
    expect(pairs(z.entries())).toEqual([['m128', 0.5], ...before]);
    expect(z.rank('m5')).toBe(128);
    z.remove('m128');
    z.remove('m0');
    expect(z.encoding).toBe('skiplist');
  });

  it('takes a 64-byte member packed and converts for a 65-byte one, by add or insertNew', () => {
    const z = new ZSet();
    z.add('a'.repeat(ZSET_MAX_LISTPACK_VALUE), 2);
    expect(z.encoding).toBe('listpack');
    expect(z.score('a'.repeat(64))).toBe(2);
    z.add('b'.repeat(65), 1);
    expect(z.encoding).toBe('skiplist');
    expect(pairs(z.entries())).toEqual([['b'.repeat(65), 1], ['a'.repeat(64), 2]]);
    const built = new ZSet();
    built.insertNew('x', 1);
    built.insertNew('y'.repeat(65), 0);
    expect(built.encoding).toBe('skiplist');
    expect(built.rank('x')).toBe(1);
  });

  it('compactIfSmall packs a small skiplist (writing -0 as 0) and leaves a big one alone', () => {
    const z = new ZSet();
    z.forceSkiplist();
    for (let i = 0; i < 128; i++) z.insertNew(`m${i}`, i === 7 ? -0 : i);
    expect(Object.is(z.score('m7'), -0)).toBe(true);
    z.compactIfSmall();
    expect(z.encoding).toBe('listpack');
    expect(Object.is(z.score('m7'), 0)).toBe(true);
    expect(z.rank('m127')).toBe(127);
    const many = new ZSet();
    many.forceSkiplist();
    for (let i = 0; i < 129; i++) many.insertNew(`m${i}`, i);
    many.compactIfSmall();
    expect(many.encoding).toBe('skiplist');
    const long = new ZSet();
    long.forceSkiplist();
    long.insertNew('a', 1);
    long.insertNew('l'.repeat(65), 2);
    long.compactIfSmall();
    expect(long.encoding).toBe('skiplist');
  });
});

describe('the packed form walks lex ranges as a listpack does', () => {
  // Each answer was read from redis-server 7.0.15 after ZADD k 1 a 2 z 3 b (a listpack).
  const z = new ZSet();
  z.add('a', 1);
  z.add('z', 2);
  z.add('b', 3);
  const ac: LexRange = { min: 'a', max: 'c', minex: false, maxex: false };
  const members = (es: ZEntry[]): string[] => es.map((e) => e.member);

  it('stops at the first member past the range, even with members further on inside it', () => {
    expect(members(z.rangeByLex(ac))).toEqual(['a']);
    expect(members(z.rangeByLex(ac, false, 2, 5))).toEqual(['b']);
    expect(members(z.rangeByLex(ac, true))).toEqual(['b', 'z', 'a']);
    expect(z.lexCount(ac)).toBe(1);
    // The first member at or past "b" is "z", past "c": the walk ends there, offset or not.
    expect(members(z.rangeByLex({ min: 'b', max: 'c', minex: false, maxex: false }, false, 1, 5))).toEqual([]);
    expect(members(z.rangeByLex({ min: 'b', max: 'y', minex: false, maxex: true }, true, 1, 5))).toEqual(['z']);
  });

  it('finds nothing when the first member from the near end is outside the range', () => {
    // From redis-server 7.0.15 after ZADD k2 1 z 2 b.
    const zb = new ZSet();
    zb.add('z', 1);
    zb.add('b', 2);
    expect(zb.rangeByLex({ min: 'a', max: 'c', minex: false, maxex: false }, false, 1, 5)).toEqual([]);
    expect(zb.rangeByLex({ min: 'a', max: 'y', minex: false, maxex: false }, true, 1, 5)).toEqual([]);
    expect(zb.rangeByLex({ min: 'a', max: 'y', minex: false, maxex: false }, true)).toEqual([]);
    // After ZADD k3 1 n 2 a 3 z: walking back, "a" is the first member up to "p", and it is
    // below "m", so nothing is returned although "n" further back is inside.
    const k3 = new ZSet();
    k3.add('n', 1);
    k3.add('a', 2);
    k3.add('z', 3);
    expect(k3.rangeByLex({ min: 'm', max: 'p', minex: false, maxex: false }, true, 1, 5)).toEqual([]);
  });

  it('removes nothing when the first member past the minimum is past the maximum', () => {
    const copy = new ZSet();
    for (const e of z.entries()) copy.add(e.member, e.score);
    expect(copy.removeRangeByLex({ min: 'b', max: 'c', minex: false, maxex: false })).toBe(0);
    expect(copy.size).toBe(3);
  });
});

describe('a small sorted set holds only what it needs', () => {
  it('has one own field, a packed string, and its type on the prototype', () => {
    const z = new ZSet();
    z.add('v000000001', 1);
    expect(Object.keys(z)).toHaveLength(1);
    expect(typeof Object.values(z)[0]).toBe('string');
    expect(Object.hasOwn(z, 'type')).toBe(false);
    expect(z.type).toBe('zset');
    expect(z.zsl).toBeNull();
    z.forceSkiplist();
    expect(z.zsl).not.toBeNull();
    expect(z.score('v000000001')).toBe(1);
  });

  it('reads back every double it stored, infinities and the smallest subnormal included', () => {
    const z = new ZSet();
    const scores = [5e-324, -1.7976931348623157e308, 0.1 + 0.2, 123456789012345680, Infinity, -Infinity, 1e21];
    scores.forEach((s, i) => z.add(`m${i}`, s));
    scores.forEach((s, i) => expect(z.score(`m${i}`)).toBe(s));
    expect(z.encoding).toBe('listpack');
  });
});
