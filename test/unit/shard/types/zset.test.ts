/**
 * The sorted set type against a naive model (a sorted array of [score, member]) under random
 * operations: order, ranks, spans (checked node by node), element-by-rank, score and lex
 * ranges; plus the encoding rules and the double formatting and parsing Redis 7.0 uses.
 */
import { describe, expect, it } from 'vitest';
import { ZSet, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX, ZADD_ADDED, ZADD_NOP, ZADD_UPDATED, ZADD_NAN,
  type ScoreRange, type LexRange } from '../../../../src/shard/types/zset.ts';
import { SkipList, type ZNode } from '../../../../src/shard/types/skiplist.ts';
import { formatDouble, formatListpackDouble, string2d, strtod } from '../../../../src/shard/types/double.ts';
import { mulberry32 } from '../../../helpers/random-commands.ts';

type Pair = [number, string];
const cmp = (a: Pair, b: Pair): number => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** Checks every structural invariant of the list: order, back links, tail, and every span. */
function checkSkipList(zsl: SkipList, model: Pair[]): void {
  const nodes: ZNode[] = [];
  for (let x = zsl.head; x !== null; x = x.next) nodes.push(x);
  expect(nodes.map((n) => [n.score, n.member])).toEqual(model);
  expect(zsl.length).toBe(model.length);
  expect(zsl.tail).toBe(nodes.at(-1) ?? null);
  nodes.forEach((n, i) => expect(n.backward).toBe(i === 0 ? null : nodes[i - 1]));
  const rankOf = new Map(nodes.map((n, i) => [n, i + 1]));
  for (let lvl = 0; lvl < zsl.level; lvl++) {
    let from = zsl.header;
    let fromRank = 0;
    for (;;) {
      const to = from.forward[lvl]!;
      const toRank = to === null ? model.length : rankOf.get(to)!;
      // A span at the last link of a level counts to the end, as Redis keeps it.
      if (to !== null) expect(from.span[lvl]).toBe(toRank - fromRank);
      if (to === null) break;
      from = to;
      fromRank = toRank;
    }
  }
}

describe('the skiplist agrees with a sorted array model', () => {
  it('under 3000 random adds, updates and removals, ranks, spans and by-rank lookups stay exact', () => {
    const rnd = mulberry32(42);
    const z = new ZSet();
    z.forceSkiplist(); // checked node by node from the first step
    const model = new Map<string, number>();
    for (let step = 0; step < 3000; step++) {
      const member = `m${Math.floor(rnd() * 300)}`;
      const score = Math.floor(rnd() * 40) / 4;
      if (rnd() < 0.3) {
        expect(z.remove(member)).toBe(model.delete(member));
      } else {
        z.add(member, score);
        model.set(member, score);
      }
      if (step % 100 !== 0) continue;
      const sorted = [...model].map(([m, s]): Pair => [s, m]).sort(cmp);
      checkSkipList(z.zsl!, sorted);
      sorted.forEach(([, m], i) => {
        expect(z.rank(m)).toBe(i);
        expect(z.rank(m, true)).toBe(sorted.length - 1 - i);
        expect(z.byRank(i)!.member).toBe(m);
      });
    }
  });

  it('score and lex ranges, with offsets and limits, match filtering the model', () => {
    const rnd = mulberry32(7);
    const z = new ZSet();
    const lex = new ZSet();
    for (let i = 0; i < 400; i++) {
      z.add(`m${i}`, Math.floor(rnd() * 50) - 25);
      lex.add(`k${Math.floor(rnd() * 1000)}`, 0);
    }
    const all = [...z.entries()].map((n): Pair => [n.score, n.member]);
    const members = [...lex.entries()].map((n) => n.member);
    for (let t = 0; t < 300; t++) {
      const r: ScoreRange = { min: Math.floor(rnd() * 60) - 30, max: Math.floor(rnd() * 60) - 30, minex: rnd() < 0.5, maxex: rnd() < 0.5 };
      const inRange = all.filter(([s]) => (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max));
      const offset = Math.floor(rnd() * 5);
      const limit = Math.floor(rnd() * 8) - 1;
      const take = (xs: Pair[]): string[] => xs.slice(offset, limit < 0 ? undefined : offset + limit).map((p) => p[1]);
      expect(z.rangeByScore(r, false, offset, limit).map((n) => n.member)).toEqual(take(inRange));
      expect(z.rangeByScore(r, true, offset, limit).map((n) => n.member)).toEqual(take([...inRange].reverse()));
      expect(z.count(r)).toBe(inRange.length);
      const a = `k${Math.floor(rnd() * 1000)}`;
      const b = `k${Math.floor(rnd() * 1000)}`;
      const lr: LexRange = { min: rnd() < 0.1 ? -Infinity : a, max: rnd() < 0.1 ? Infinity : b, minex: rnd() < 0.5, maxex: rnd() < 0.5 };
      const lexIn = members.filter((m) => (lr.min === -Infinity || (lr.minex ? m > lr.min : m >= lr.min))
        && (lr.max === Infinity || (lr.maxex ? m < lr.max : m <= lr.max)));
      expect(lex.rangeByLex(lr).map((n) => n.member)).toEqual(lexIn);
      expect(lex.rangeByLex(lr, true).map((n) => n.member)).toEqual([...lexIn].reverse());
      expect(lex.lexCount(lr)).toBe(lexIn.length);
    }
  });

  it('removing ranges by rank, score and lex leaves the rest in order', () => {
    const z = new ZSet();
    for (let i = 0; i < 200; i++) z.add(`m${String(i).padStart(3, '0')}`, i % 50);
    expect(z.removeRangeByRank(0, 9)).toBe(10);
    expect(z.removeRangeByScore({ min: 10, max: 20, minex: false, maxex: true })).toBe(40);
    expect(z.size).toBe(150);
    const before = [...z.entries()].map((n): Pair => [n.score, n.member]);
    checkSkipList(z.zsl!, before);
    const same = new ZSet();
    for (let i = 0; i < 200; i++) same.add(`m${String(i).padStart(3, '0')}`, 0);
    expect(same.removeRangeByLex({ min: 'm050', max: 'm100', minex: false, maxex: true })).toBe(50);
    expect(same.rank('m100')).toBe(50);
  });
});

describe('ZSet.add follows Redis zsetAdd', () => {
  it('reports added, updated, no-op and NaN outcomes under NX, XX, GT, LT and INCR', () => {
    const z = new ZSet();
    expect(z.add('a', 1).flags).toBe(ZADD_ADDED);
    expect(z.add('a', 1).flags).toBe(0);
    expect(z.add('a', 2).flags).toBe(ZADD_UPDATED);
    expect(z.add('a', 5, ZADD_NX).flags).toBe(ZADD_NOP);
    expect(z.add('b', 5, ZADD_XX).flags).toBe(ZADD_NOP);
    expect(z.add('a', 1, ZADD_GT).flags).toBe(ZADD_NOP);
    expect(z.add('a', 3, ZADD_LT).flags).toBe(ZADD_NOP);
    expect(z.add('a', 0.5, ZADD_INCR)).toEqual({ flags: ZADD_UPDATED, score: 2.5 });
    z.add('i', Infinity);
    expect(z.add('i', -Infinity, ZADD_INCR).flags).toBe(ZADD_NAN);
    expect(z.score('i')).toBe(Infinity);
  });

  it('a small set is a listpack and turns into a skiplist for good past 128 members or a 65-byte member', () => {
    const z = new ZSet();
    for (let i = 0; i < 128; i++) z.add(`m${i}`, i);
    expect(z.encoding).toBe('listpack');
    z.add('m128', 128);
    expect(z.encoding).toBe('skiplist');
    z.remove('m128');
    expect(z.encoding).toBe('skiplist');
    const long = new ZSet();
    long.add('x'.repeat(64), 1);
    expect(long.encoding).toBe('listpack');
    long.add('y'.repeat(65), 1);
    expect(long.encoding).toBe('skiplist');
  });

  it('a listpack stores -0 as 0 while a skiplist keeps the sign', () => {
    const small = new ZSet();
    small.add('z', -0);
    expect(Object.is(small.score('z'), 0)).toBe(true);
    const big = new ZSet();
    big.forceSkiplist();
    big.add('z', -0);
    expect(Object.is(big.score('z'), -0)).toBe(true);
  });

  it('serializes as ZADD arguments that read back as the same doubles', () => {
    const z = new ZSet();
    z.add('a', 0.1);
    z.add('b', -Infinity);
    z.add('c', 1e300);
    const items = [...z.serialize().items];
    expect(items).toEqual([['-inf', 'b'], ['0.10000000000000001', 'a'], ['1.0000000000000001e+300', 'c']]);
    for (const [s] of items) expect(string2d(Buffer.from(s!))).toBe(z.score(items.find((i) => i[0] === s)![1]!));
  });
});

describe('doubles as redis-server 7.0 prints and reads them', () => {
  // Each pair was read from redis-server 7.0.15 (ZADD then ZSCORE).
  const PRINTED: [number, string][] = [
    [0.1, '0.10000000000000001'], [1.5, '1.5'], [3.0000000000000004, '3.0000000000000004'], [1e20, '1e+20'],
    [1e17, '1e+17'], [1e16, '10000000000000000'], [123456789012345678, '1.2345678901234568e+17'],
    [1e-5, '1.0000000000000001e-05'], [0.0001, '0.0001'], [125000000000000.125, '125000000000000.12'],
    [-0, '-0'], [Infinity, 'inf'], [-Infinity, '-inf'], [1e-310, '9.9999999999999694e-311'], [-2.5, '-2.5'],
  ];
  it.each(PRINTED)('%d prints as %s', (d, text) => expect(formatDouble(d)).toBe(text));

  it('a listpack keeps integral scores up to 2^62 as integers and -0 as 0', () => {
    expect(formatListpackDouble(1e17)).toBe('100000000000000000');
    expect(formatListpackDouble(123456789012345678)).toBe('123456789012345680');
    expect(formatListpackDouble(9.2e18)).toBe('9.2e+18');
    expect(formatListpackDouble(2 ** 62)).toBe('4611686018427387904');
    expect(formatListpackDouble(-0)).toBe('0');
    expect(formatListpackDouble(0.5)).toBe('0.5');
  });

  it('string2d takes what Redis takes as a score and refuses the rest', () => {
    const ok: [string, number][] = [['1', 1], ['.5', 0.5], ['5.', 5], ['+.5e1', 5], ['inf', Infinity], ['-Infinity', -Infinity],
      ['0x1p3', 8], ['1e-310', 1e-310]];
    for (const [s, v] of ok) expect(string2d(Buffer.from(s))).toBe(v);
    for (const s of ['', ' 1', '1 ', 'nan', 'abc', '1e400', '1e-400', '.', '1e', 'infx', '1\x002']) {
      expect(string2d(Buffer.from(s, 'latin1'))).toBeUndefined();
    }
  });

  it('strtod stops where glibc stops', () => {
    expect(strtod(Buffer.from('  12abc'))).toMatchObject({ value: 12, end: 4 });
    expect(strtod(Buffer.from('1e+'))).toMatchObject({ value: 1, end: 1 });
    expect(strtod(Buffer.from('0x'))).toMatchObject({ value: 0, end: 1 });
    expect(strtod(Buffer.from('-'))).toMatchObject({ value: 0, end: 0 });
    expect(strtod(Buffer.from('infinityx'))).toMatchObject({ value: Infinity, end: 8 });
  });
});
