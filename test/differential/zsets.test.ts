/**
 * Sorted set commands compared byte for byte with redis-server: ZADD options and their
 * conflicts, score formatting (%.17g, inf, -0), range parsing corner cases, the ZRANGE family
 * in every form, ZREMRANGEBY*, ZUNIONSTORE/ZINTERSTORE, ZSCAN, small and large (skiplist)
 * sets, and one seeded random sequence. STORE commands use keys under the hash tag {z}.
 */
import { describe, it } from 'vitest';
import { exactBytes as exact, mulberry32, useDifferential, type Command } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const SCORES = ['0', '1', '-1', '1.5', '0.1', '3.0000000000000004', '1e20', '1e17', '1e16', '123456789012345678',
  '1e-5', '0.0001', '125000000000000.125', '-0', '5e-324', '1.7976931348623157e308', 'inf', '-inf', '+inf',
  '-Infinity', '1e-310', '0x1p3', '4611686018427387904', '4611686018427387903', '9.2e18', '.5', '5.', '-2.5e-3'];

/** ZADD of n members "m<i>" scored i * step, in one command. */
function bigAdd(key: string, n: number, step = 1, prefix = 'm'): Command {
  const args: string[] = ['ZADD', key];
  for (let i = 0; i < n; i++) args.push(String(i * step), `${prefix}${i}`);
  return args;
}

describe.each(SLOTKV_CONFIGS)('sorted set commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('scores are printed as Redis 7.0 prints doubles', () =>
    s.d.run([
      ...SCORES.map((sc, i): Command => ['ZADD', 'z', sc, `m${i}`]),
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZSCAN', 'z', '0'],
      ...SCORES.map((_, i): Command => ['ZSCORE', 'z', `m${i}`]),
      ['ZADD', 'z', 'INCR', '-0', 'neg0'], ['ZSCORE', 'z', 'neg0'],
    ]));

  it('large sets keep -0 and print ZSCAN scores in full', () =>
    s.d.run([
      bigAdd('big', 200, 0.5), ['ZADD', 'big', '-0', 'neg0', '1e17', 'e17', '0.1', 'tenth'], ['ZSCORE', 'big', 'neg0'],
      ['ZRANGEBYSCORE', 'big', '-1', '0.2', 'WITHSCORES'], ['ZSCAN', 'big', '0', 'COUNT', '7'],
      ['ZSCAN', 'big', '0', 'MATCH', 'm1*', 'COUNT', '1000'],
    ]));

  it('bad scores are refused before anything changes', () =>
    s.d.run([
      ...['nan', 'abc', ' 1', '1 ', '1e400', '1e-400', '', '-', '.', '1e', 'infx', '1\x002'].map((sc): Command => ['ZADD', 'z', sc, 'x']),
      ['ZADD', 'z', '1', 'a', 'bad', 'b'], ['EXISTS', 'z'], ['ZINCRBY', 'z', 'x', 'a'], ['ZINCRBY', 'z', '1', 'a'],
    ]));

  it('ZADD options: NX, XX, GT, LT, CH, INCR and their conflicts', () =>
    s.d.run([
      ['ZADD', 'z', 'XX', '1', 'a'], ['EXISTS', 'z'], ['ZADD', 'z', 'XX', 'INCR', '1', 'a'], ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'NX', '5', 'a', '3', 'c'], ['ZADD', 'z', 'XX', 'CH', '5', 'a', '4', 'd'], ['ZADD', 'z', 'GT', 'CH', '1', 'a', '9', 'b'],
      ['ZADD', 'z', 'LT', 'CH', '7', 'a', '10', 'b', '0', 'e'], ['ZADD', 'z', 'XX', 'GT', 'INCR', '-1', 'a'],
      ['ZADD', 'z', 'XX', 'LT', 'INCR', '-1', 'a'], ['ZADD', 'z', 'NX', 'INCR', '1', 'a'], ['ZADD', 'z', 'NX', 'INCR', '1', 'new'],
      ['ZADD', 'z', 'CH', '1', 'a', '1', 'a'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'], ['ZADD', 'z', 'NX', 'GT', '1', 'a'], ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', 'NX', 'LT', '1', 'a'], ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'], ['ZADD', 'z', 'nx', 'xx', '1'],
      ['ZADD', 'z', '1', 'a', '2'], ['ZADD', 'z', 'CH'], ['ZADD', 'z', 'gt', 'lt', 'x', 'a'],
      ['ZINCRBY', 'z', 'nx', 'a'], ['ZINCRBY', 'z', '2.5', 'a'], ['ZINCRBY', 'z', '-inf', 'a'], ['ZINCRBY', 'z', '+inf', 'a'],
      ['ZADD', 'z', 'INCR', 'inf', 'a'], ['ZSCORE', 'z', 'a'], ['ZINCRBY', 'newz', '0.1', 'm'], ['ZINCRBY', 'newz', '0.2', 'm'],
    ]));

  it('wrong types and missing keys', () =>
    s.d.run([
      ['SET', 's', 'x'], ['ZADD', 's', '1', 'a'], ['ZINCRBY', 's', '1', 'a'], ['ZREM', 's', 'a'], ['ZCARD', 's'],
      ['ZSCORE', 's', 'a'], ['ZMSCORE', 's', 'a'], ['ZRANK', 's', 'a'], ['ZREVRANK', 's', 'a'], ['ZCOUNT', 's', '0', '1'],
      ['ZCOUNT', 's', 'x', '1'], ['ZLEXCOUNT', 's', '-', '+'], ['ZRANGE', 's', '0', '1'], ['ZRANGEBYSCORE', 's', '0', '1'],
      ['ZRANGEBYLEX', 's', '-', '+'], ['ZREMRANGEBYRANK', 's', '0', '1'], ['ZREMRANGEBYSCORE', 's', '0', '1'],
      ['ZREMRANGEBYLEX', 's', '-', '+'], ['ZSCAN', 's', '0'], ['ZSCAN', 's', 'x'],
      ['ZCARD', 'no'], ['ZSCORE', 'no', 'a'], ['ZMSCORE', 'no', 'a', 'b'], ['ZRANK', 'no', 'a'], ['ZCOUNT', 'no', '0', '1'],
      ['ZRANGE', 'no', '0', '-1'], ['ZREM', 'no', 'a'], ['ZREMRANGEBYRANK', 'no', '0', '-1'], ['ZSCAN', 'no', '0', 'BAD'],
      ['ZRANK', 'z', 'a', 'b'], ['ZSCORE', 'z'], ['ZADD', 'z', '1'],
    ]));

  it('lookups: ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCARD, ZREM', () =>
    s.d.run([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '2', 'bb'], ['ZRANK', 'z', 'a'], ['ZRANK', 'z', 'bb'], ['ZREVRANK', 'z', 'a'],
      ['ZRANK', 'z', 'zz'], ['ZMSCORE', 'z', 'a', 'zz', 'c'], ['ZCARD', 'z'], ['ZREM', 'z', 'a', 'a', 'zz'],
      ['ZREM', 'z', 'b', 'bb', 'c'], ['EXISTS', 'z'],
    ]));

  it('score ranges: open ends, infinities, odd but accepted bounds', () =>
    s.d.run([
      ['ZADD', 'z', '-inf', 'ninf', '0', 'zero', '1', 'a', '2', 'b', '3', 'c', '3', 'c2', 'inf', 'pinf'],
      ...[['-inf', '+inf'], ['(1', '3'], ['1', '(3'], ['(1', '(1'], ['1', '1'], ['3', '1'], ['', '1'], ['(', '2'],
        [' 1', '2'], ['1e400', 'inf'], ['-1e400', '0'], ['(-inf', '(inf'], ['1\x00junk', '2'], ['a', '1'], ['(nan', '1'],
        ['1', '(x'], ['0x1', '0x2'], ['-', '1']].flatMap(([lo, hi]): Command[] => [
        ['ZCOUNT', 'z', lo!, hi!], ['ZRANGEBYSCORE', 'z', lo!, hi!, 'WITHSCORES'], ['ZREVRANGEBYSCORE', 'z', hi!, lo!],
      ]),
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '3'], ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '2', '-1'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2'], ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '7', '2'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '100', '2'], ['ZRANGEBYSCORE', 'z', '1', '3', 'LIMIT', '0', '0'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES', 'LIMIT', '1', '2'], ['ZRANGEBYSCORE', 'z', '0', '1', 'LIMIT', '0'],
      ['ZRANGEBYSCORE', 'z', '0', '1', 'LIMIT', 'x', '1'], ['ZRANGEBYSCORE', 'z', '0', '1', 'REV'],
      ['ZRANGEBYSCORE', 'z', '0', '1', 'BYSCORE'], ['ZRANGEBYSCORE', 'z', '0', '1', 'LIMIT', '0', '9223372036854775807'],
    ]));

  it('lex ranges: brackets, infinities, bad items, mixed scores in a small set', () =>
    s.d.run([
      ['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', '', '0', 'bb', '0', Buffer.from([0xff])],
      ...[['-', '+'], ['[b', '[d'], ['(b', '(d'], ['[b', '(b'], ['[d', '[b'], ['+', '-'], ['-', '-'], ['(a', '+'],
        ['[', '[c'], ['-', '(\xff'], ['[\xff', '+'], ['a', 'b'], ['', '+'], ['+x', '+'], ['-', '+\x00y']].flatMap(([lo, hi]): Command[] => [
        ['ZLEXCOUNT', 'z', lo!, hi!], ['ZRANGEBYLEX', 'z', lo!, hi!], ['ZREVRANGEBYLEX', 'z', hi!, lo!],
      ]),
      ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '2', '3'], ['ZREVRANGEBYLEX', 'z', '+', '-', 'LIMIT', '1', '-5'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'], ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '-1', '1'],
      ['ZADD', 'mixed', '3', 'a', '1', 'z', '2', 'b', '5', 'c', '0', 'y'],
      ['ZRANGEBYLEX', 'mixed', '[b', '[y'], ['ZREVRANGEBYLEX', 'mixed', '[y', '[b'], ['ZLEXCOUNT', 'mixed', '[b', '+'],
      ['ZRANGEBYLEX', 'mixed', '(a', '+', 'LIMIT', '1', '10'], ['ZREMRANGEBYLEX', 'mixed', '[b', '[y'],
      ['ZRANGE', 'mixed', '0', '-1', 'WITHSCORES'],
    ]));

  it('ZRANGE in the 7.0 form and ZREVRANGE by rank', () =>
    s.d.run([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ...[['0', '-1'], ['1', '2'], ['-2', '-1'], ['-100', '100'], ['3', '1'], ['5', '10'], ['-1', '-100'], ['0', '0'],
        ['-9223372036854775808', '9223372036854775807']].flatMap(([a, b]): Command[] => [
        ['ZRANGE', 'z', a!, b!], ['ZRANGE', 'z', a!, b!, 'REV', 'WITHSCORES'], ['ZREVRANGE', 'z', a!, b!, 'WITHSCORES'],
      ]),
      ['ZRANGE', 'z', '(1', '4', 'BYSCORE'], ['ZRANGE', 'z', '4', '(1', 'BYSCORE', 'REV', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '10', 'byscore', 'LIMIT', '1', '2'], ['ZRANGE', 'z', '[a', '[c', 'BYLEX'],
      ['ZRANGE', 'z', '[c', '-', 'BYLEX', 'REV', 'LIMIT', '0', '2'], ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '-1'], ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', '0', '1', 'REV', 'REV'], ['ZRANGE', 'z', 'a', '1'],
      ['ZRANGE', 'z', '0', '1', 'WITHSCORES', 'WITHSCORES'], ['ZREVRANGE', 'z', '0', '1', 'REV'], ['ZRANGE', 'z', '0', '1', 'LIMIT'],
      ['ZRANGE', 'z', 'x', '1', 'BYSCORE'], ['ZRANGE', 'z', 'x', '1', 'BYLEX'], ['ZRANGE', 'z', '1.5', '2'],
    ]));

  it('ZREMRANGEBYRANK, BYSCORE and BYLEX remove and delete emptied keys', () =>
    s.d.run([
      bigAdd('z', 20), ['ZREMRANGEBYRANK', 'z', '0', '1'], ['ZREMRANGEBYRANK', 'z', '-2', '-1'], ['ZREMRANGEBYRANK', 'z', '5', '2'],
      ['ZREMRANGEBYSCORE', 'z', '(5', '7'], ['ZREMRANGEBYSCORE', 'z', '100', 'inf'], ['ZREMRANGEBYSCORE', 'z', 'x', '1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZREMRANGEBYLEX', 'z', '[m1', '(m14'], ['ZREMRANGEBYLEX', 'z', 'm', '+'],
      ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYRANK', 'z', '0', '-1'], ['EXISTS', 'z'], ['ZREMRANGEBYRANK', 'z', 'a', '1'],
    ]));

  it('large (skiplist) sets: ranks, ranges and removal', () =>
    s.d.run([
      bigAdd('big', 300, 0.25), ['ZCARD', 'big'], ['ZRANK', 'big', 'm250'], ['ZREVRANK', 'big', 'm250'],
      ['ZRANGE', 'big', '100', '105', 'WITHSCORES'], ['ZRANGE', 'big', '-5', '-1', 'REV'], ['ZCOUNT', 'big', '(10', '20'],
      ['ZRANGEBYSCORE', 'big', '10', '+inf', 'WITHSCORES', 'LIMIT', '150', '3'],
      ['ZREVRANGEBYSCORE', 'big', '50', '(10', 'LIMIT', '20', '4'], ['ZREMRANGEBYRANK', 'big', '10', '19'],
      ['ZREMRANGEBYSCORE', 'big', '50', '60'], ['ZCARD', 'big'], ['ZRANGE', 'big', '5', '12'], ['ZRANK', 'big', 'm30'],
      bigAdd('lex', 200, 0, 'k'), ['ZLEXCOUNT', 'lex', '[k1', '(k2'], ['ZRANGEBYLEX', 'lex', '(k19', '[k2', 'LIMIT', '0', '20'],
      ['ZREMRANGEBYLEX', 'lex', '[k5', '[k6'], ['ZCARD', 'lex'], ['ZREVRANGEBYLEX', 'lex', '+', '[k99', 'LIMIT', '1', '2'],
      ['ZADD', 'long', '1', 'x'.repeat(65)], ['ZSCAN', 'long', '0'],
    ]));

  it('a set is a listpack up to 128 members of 64 bytes, then a skiplist for good, reading the same', () => {
    const reads = (k: string): Command[] => [['OBJECT', 'ENCODING', k], ['ZCARD', k], ['ZRANGE', k, '0', '-1', 'WITHSCORES'],
      ['ZRANK', k, 'm7'], ['ZREVRANK', k, 'm7'], ['ZSCORE', k, 'm100'], ['ZCOUNT', k, '(10', '60'],
      ['ZRANGEBYSCORE', k, '5', '+inf', 'LIMIT', '3', '4'], ['ZREVRANGEBYSCORE', k, '60', '-inf', 'WITHSCORES', 'LIMIT', '2', '3'],
      ['ZSCAN', k, '0', 'COUNT', '1000']];
    return s.d.run([
      bigAdd('z', 128, 0.5), ...reads('z'), ['ZADD', 'z', '-0', 'm0', '1e17', 'm9'], ['ZSCAN', 'z', '0'],
      ['ZADD', 'z', '1', 'm128'], ...reads('z'), ['ZREM', 'z', 'm128', 'm127'], ...reads('z'),
      ['ZADD', 'w', '1', 'x'.repeat(64)], ['OBJECT', 'ENCODING', 'w'], ['ZINCRBY', 'w', '2', 'y'.repeat(65)],
      ['OBJECT', 'ENCODING', 'w'], ['ZREM', 'w', 'y'.repeat(65)], ['OBJECT', 'ENCODING', 'w'], ['ZRANGE', 'w', '0', '-1'],
      ['ZADD', 'v', '1', 'v'.repeat(65)], ['OBJECT', 'ENCODING', 'v'],
      // Mixed scores: a listpack's lex walk stops at the first member outside the range.
      ['ZADD', 'k', '1', 'a', '2', 'z', '3', 'b'], ['ZRANGEBYLEX', 'k', '[a', '[c'], ['ZRANGEBYLEX', 'k', '[a', '[c', 'LIMIT', '2', '5'],
      ['ZREVRANGEBYLEX', 'k', '[c', '[a'], ['ZLEXCOUNT', 'k', '[a', '[c'], ['ZRANGEBYLEX', 'k', '[b', '[c', 'LIMIT', '1', '5'],
      ['ZREVRANGEBYLEX', 'k', '(y', '[b', 'LIMIT', '1', '5'], ['ZREMRANGEBYLEX', 'k', '[b', '[c'], ['ZRANGE', 'k', '0', '-1'],
      ['ZADD', 'k3', '1', 'n', '2', 'a', '3', 'z'], ['ZREVRANGEBYLEX', 'k3', '[p', '[m', 'LIMIT', '1', '5'],
      ['ZREMRANGEBYLEX', 'k', '[a', '[a'], ['ZRANGE', 'k', '0', '-1'], ['OBJECT', 'ENCODING', 'k'],
    ]);
  });

  it('ZUNIONSTORE and ZINTERSTORE with weights, aggregates and sets', () =>
    s.d.run([
      ['ZADD', '{z}a', '1', 'x', '2', 'y', '3', 'z'], ['ZADD', '{z}b', '10', 'y', '20', 'z', '30', 'w'],
      ['SADD', '{z}s', 'x', 'w', 'q'], ['SET', '{z}str', 'v'],
      ['ZUNIONSTORE', '{z}d', '2', '{z}a', '{z}b'], ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', '{z}d', '2', '{z}a', '{z}b', 'WEIGHTS', '2', '0.5'], ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', '{z}d', '3', '{z}a', '{z}b', '{z}s', 'AGGREGATE', 'MAX'], ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', '{z}d', '2', '{z}a', '{z}s', 'AGGREGATE', 'min', 'WEIGHTS', '5', '3'], ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', '{z}d', '2', '{z}a', '{z}nope', 'WEIGHTS', 'inf', '1'], ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'],
      ['ZADD', '{z}i', 'inf', 'x', '-inf', 'y', '0', 'z'], ['ZUNIONSTORE', '{z}d', '2', '{z}i', '{z}a', 'WEIGHTS', '0', '-1'],
      ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'], ['ZINTERSTORE', '{z}d', '2', '{z}i', '{z}a', 'WEIGHTS', '1', 'inf', 'AGGREGATE', 'MAX'],
      ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'], ['ZUNIONSTORE', '{z}d', '2', '{z}i', '{z}i', 'WEIGHTS', '1', '-1'],
      ['ZRANGE', '{z}d', '0', '-1', 'WITHSCORES'], ['SET', '{z}d', 'old', 'EX', '100'],
      ['ZINTERSTORE', '{z}d', '2', '{z}a', '{z}nope'], ['EXISTS', '{z}d'], ['ZUNIONSTORE', '{z}d', '1', '{z}a'], ['TTL', '{z}d'],
      ['ZUNIONSTORE', '{z}a', '2', '{z}a', '{z}b'], ['ZRANGE', '{z}a', '0', '-1', 'WITHSCORES'],
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['COMMAND', 'GETKEYS', 'ZINTERSTORE', 'd', '1', 'a', 'AGGREGATE', 'MAX'],
      ['ZUNIONSTORE', '{z}d', '0', '{z}a'], ['ZUNIONSTORE', '{z}d', '-1', '{z}a'], ['ZUNIONSTORE', '{z}d', '3', '{z}a'],
      ['ZUNIONSTORE', '{z}d', 'x', '{z}a'], ['ZINTERSTORE', '{z}d', '0', '{z}a'], ['ZUNIONSTORE', '{z}d', '1', '{z}a', 'WEIGHTS', 'x'],
      ['ZUNIONSTORE', '{z}d', '1', '{z}a', 'WEIGHTS'], ['ZUNIONSTORE', '{z}d', '1', '{z}a', 'AGGREGATE', 'avg'],
      ['ZUNIONSTORE', '{z}d', '1', '{z}a', 'WITHSCORES'], ['ZUNIONSTORE', '{z}d', '2', '{z}a', '{z}str'],
      ['ZINTERSTORE', '{z}d', '2', '{z}str', '{z}a', 'BAD'], ['ZUNIONSTORE', '{z}d', '1', '{z}a', 'WEIGHTS', '1', '2'],
      bigAdd('{z}big', 150), ['ZUNIONSTORE', '{z}d', '2', '{z}big', '{z}a'], ['ZRANGE', '{z}d', '140', '-1', 'WITHSCORES'],
      // The small result is a listpack again: ZSCAN answers it whole in one call.
      ['ZINTERSTORE', '{z}d', '2', '{z}big', '{z}a'], { cmd: ['ZSCAN', '{z}d', '0'], compare: exact },
    ]));

  it('ZSCAN: one call for a small set, cursors for a large one, MATCH and COUNT', () =>
    s.d.run([
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'], ['ZSCAN', 'z', '0'], ['ZSCAN', 'z', '0', 'MATCH', '[ab]'],
      ['ZSCAN', 'z', '0', 'COUNT', '0'], ['ZSCAN', 'z', '0', 'COUNT', 'x'], ['ZSCAN', 'z', '0', 'TYPE', 'zset'],
      ['ZSCAN', 'z', '0', 'MATCH'], ['ZSCAN', 'z', '-1'], ['ZSCAN', 'z', ' 1'], ['ZSCAN', 'z', '18446744073709551616'],
      { cmd: ['ZSCAN', 'z', '0'], compare: exact },
      bigAdd('big', 500, 0.1), ['ZSCAN', 'big', '0', 'COUNT', '33'], ['ZSCAN', 'big', '0', 'MATCH', '*7*'],
    ]));

  it('a seeded random sequence of sorted set commands gives the same replies', async () => {
    const seed = 20240607;
    s.d.setContext(`seed ${seed}`);
    await s.d.run(randomZsetCommands(seed, 600));
  });
});

/**
 * Random sorted set commands over a few keys sharing the tag {r}, so STORE commands stay in
 * one slot. Scores are small multiples of 0.5 (exact sums) plus the odd infinity; members come
 * from a small pool so adds, updates and removals collide; lex commands run on a key whose
 * members all score 0, where Redis's answer is defined.
 */
function randomZsetCommands(seed: number, n: number): Command[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const keys = ['{r}a', '{r}b', '{r}c'];
  const lexKey = '{r}lex';
  const member = (): string => `m${int(0, 40)}`;
  const score = (): string => (rnd() < 0.05 ? pick(['inf', '-inf']) : String(int(-20, 20) / 2));
  const bound = (): string => (rnd() < 0.15 ? pick(['-inf', '+inf']) : `${rnd() < 0.3 ? '(' : ''}${int(-20, 20) / 2}`);
  const lexBound = (): string => (rnd() < 0.15 ? pick(['-', '+']) : `${pick(['[', '('])}m${int(0, 40)}`);
  const rank = (): string => String(int(-30, 30));
  const out: Command[] = [];
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    switch (int(0, 16)) {
      case 0: case 1: {
        const args: string[] = ['ZADD', k];
        if (rnd() < 0.3) args.push(pick(['NX', 'XX', 'GT', 'LT', 'CH', 'XX', 'GT']));
        if (rnd() < 0.2) args.push('CH');
        const pairs = int(1, 6);
        for (let p = 0; p < pairs; p++) args.push(score(), member());
        out.push(args);
        break;
      }
      case 2: out.push(['ZINCRBY', k, score(), member()]); break;
      case 3: out.push(['ZREM', k, member(), member()]); break;
      case 4: out.push(['ZRANGE', k, rank(), rank(), ...(rnd() < 0.5 ? ['WITHSCORES'] : []), ...(rnd() < 0.3 ? ['REV'] : [])]); break;
      case 5: out.push(['ZRANGEBYSCORE', k, bound(), bound(), 'WITHSCORES', ...(rnd() < 0.4 ? ['LIMIT', String(int(-1, 5)), String(int(-1, 5))] : [])]); break;
      case 6: out.push(['ZREVRANGEBYSCORE', k, bound(), bound(), ...(rnd() < 0.4 ? ['LIMIT', String(int(0, 5)), String(int(-1, 5))] : [])]); break;
      case 7: out.push(['ZCOUNT', k, bound(), bound()]); break;
      case 8: out.push([pick(['ZRANK', 'ZREVRANK', 'ZSCORE']), k, member()]); break;
      case 9: out.push(['ZMSCORE', k, member(), member(), member()]); break;
      case 10: out.push([pick(['ZREMRANGEBYRANK', 'ZREMRANGEBYRANK']), k, rank(), rank()]); break;
      case 11: out.push(['ZREMRANGEBYSCORE', k, bound(), bound()]); break;
      case 12: out.push([pick(['ZUNIONSTORE', 'ZINTERSTORE']), pick(keys), '2', pick(keys), pick([...keys, lexKey]),
        ...(rnd() < 0.5 ? ['WEIGHTS', String(int(-2, 2)), String(int(-4, 4) / 2)] : []),
        ...(rnd() < 0.5 ? ['AGGREGATE', pick(['SUM', 'MIN', 'MAX'])] : [])]); break;
      case 13: out.push(['ZADD', lexKey, '0', member(), '0', member()]); break;
      case 14: out.push([pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX', 'ZLEXCOUNT']), lexKey, lexBound(), lexBound()]); break;
      case 15: out.push(['ZREMRANGEBYLEX', lexKey, lexBound(), lexBound()]); break;
      default: out.push([pick(['ZCARD', 'EXISTS']), k]); out.push(['ZRANGE', k, '0', '-1', 'WITHSCORES']); break;
    }
  }
  return out;
}
