/**
 * List commands compared byte for byte with redis-server: hand-written edge cases (negative
 * indexes, ranges past the ends, LREM from the tail, LINSERT and LSET misses, WRONGTYPE, empty
 * lists deleting their key, the count forms of LPOP/RPOP, LPOS options, timeout parsing of the
 * blocking pops when they need not block), then seeded random sequences. Two-key commands use
 * keys under the hash tag {t}, since slotkv answers CROSSSLOT otherwise.
 */
import { describe, it } from 'vitest';
import { mulberry32, useDifferential, type Command } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const BINARY = Buffer.from('a\r\nb\0c\xff', 'latin1');

describe.each(SLOTKV_CONFIGS)('list commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('pushes return the new length and LRANGE shows the order', () =>
    s.d.run([
      ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'], ['LLEN', 'l'],
      ['LPUSHX', 'nokey', 'a'], ['RPUSHX', 'nokey', 'a'], ['EXISTS', 'nokey'], ['LPUSHX', 'l', '1', '2'],
      ['RPUSHX', 'l', '3'], ['LRANGE', 'l', '0', '-1'], ['TYPE', 'l'],
      ['LPUSH', 'l'], ['RPUSH'], ['LPUSH', BINARY, BINARY, ''], ['LRANGE', BINARY, '0', '-1'],
    ]));

  it('LINDEX and LSET take negative indexes and answer out of range', () =>
    s.d.run([
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '-3'],
      ['LINDEX', 'l', '-4'], ['LINDEX', 'l', '3'], ['LINDEX', 'l', 'x'], ['LINDEX', 'nokey', 'x'],
      ['LINDEX', 'l', '9223372036854775807'], ['LINDEX', 'l', '-9223372036854775808'], ['LINDEX', 'l', '9223372036854775808'],
      ['LSET', 'l', '-1', 'z'], ['LSET', 'l', '0', 'y'], ['LSET', 'l', '3', 'q'], ['LSET', 'l', '-4', 'q'],
      ['LSET', 'nokey', '0', 'q'], ['LSET', 'nokey', 'x', 'q'], ['LSET', 'l', 'x', 'q'], ['LRANGE', 'l', '0', '-1'],
    ]));

  it('LRANGE clamps ranges past either end and answers empty for inverted ones', () =>
    s.d.run([
      ['RPUSH', 'l', '1', '2', '3', '4', '5'],
      ...[['0', '-1'], ['-100', '100'], ['2', '1'], ['5', '10'], ['-2', '-1'], ['-1', '-2'], ['1', '-100'],
        ['-9223372036854775808', '9223372036854775807'], ['4', '4'], ['0', '0'], ['-5', '-5'], ['-6', '-6']]
        .map(([a, b]) => ['LRANGE', 'l', a!, b!] as Command),
      ['LRANGE', 'nokey', '0', '-1'], ['LRANGE', 'l', 'a', '1'], ['LRANGE', 'l', '1', '1.5'],
    ]));

  it('LTRIM keeps the range and deletes the key when nothing is left', () =>
    s.d.run([
      ['RPUSH', 'l', '1', '2', '3', '4', '5', '6'], ['LTRIM', 'l', '1', '-2'], ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '-100', '100'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '1', '1'], ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '5', '10'], ['EXISTS', 'l'], ['LTRIM', 'nokey', '0', '1'], ['LTRIM', 'nokey', 'x', '1'],
      ['RPUSH', 'l', 'a', 'b'], ['LTRIM', 'l', '1', '0'], ['EXISTS', 'l'],
    ]));

  it('LREM removes from the head, from the tail with a negative count, or all', () =>
    s.d.run([
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['LREM', 'l', '2', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '-1', 'b'], ['LRANGE', 'l', '0', '-1'], ['RPUSH', 'l', 'a', 'a'], ['LREM', 'l', '-2', 'a'],
      ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'zz'],
      ['LREM', 'l', '0', 'b'], ['LREM', 'l', '0', 'c'], ['EXISTS', 'l'], ['LREM', 'nokey', '1', 'a'],
      ['LREM', 'l', 'x', 'a'], ['LREM', 'nokey', 'x', 'a'],
    ]));

  it('LINSERT inserts before or after the first pivot and answers -1 for a missing pivot', () =>
    s.d.run([
      ['RPUSH', 'l', 'a', 'b', 'a'], ['LINSERT', 'l', 'BEFORE', 'a', 'x'], ['LINSERT', 'l', 'after', 'a', 'y'],
      ['LINSERT', 'l', 'After', 'b', 'z'], ['LRANGE', 'l', '0', '-1'], ['LINSERT', 'l', 'BEFORE', 'nope', 'q'],
      ['LINSERT', 'nokey', 'BEFORE', 'a', 'q'], ['EXISTS', 'nokey'], ['LINSERT', 'l', 'middle', 'a', 'q'],
      ['LINSERT', 'nokey', 'middle', 'a', 'q'], ['LRANGE', 'l', '0', '-1'],
    ]));

  it('LPOP and RPOP with and without a count, and the key goes when emptied', () =>
    s.d.run([
      ['RPUSH', 'l', '1', '2', '3', '4', '5'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '2'], ['RPOP', 'l', '0'],
      ['RPOP', 'l', '5'], ['EXISTS', 'l'], ['LPOP', 'l'], ['LPOP', 'l', '1'], ['RPOP', 'l', '0'], ['LPOP', 'l', '-1'],
      ['LPOP', 'l', 'x'], ['LPOP', 'l', '1', '2'], ['RPUSH', 'l', 'a'], ['LPOP', 'l', '9223372036854775807'],
      ['RPUSH', 'l', 'a'], ['RPOP', 'l'], ['EXISTS', 'l'],
    ]));

  it('every list command answers WRONGTYPE on a string', () =>
    s.d.run([
      ['SET', 's', 'x'], ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
      ['LLEN', 's'], ['LINDEX', 's', '0'], ['LINDEX', 's', 'x'], ['LSET', 's', '0', 'a'], ['LRANGE', 's', '0', '1'],
      ['LTRIM', 's', '0', '1'], ['LREM', 's', '0', 'a'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LPOP', 's'],
      ['RPOP', 's', '2'], ['LPOS', 's', 'a'], ['BLPOP', 's', '1'], ['SET', '{t}s', 'x'],
      ['BRPOP', '{t}nokey', '{t}s', '1'], ['RPUSH', '{t}l', 'a'], ['RPOPLPUSH', '{t}s', '{t}l'], ['RPOPLPUSH', '{t}l', '{t}s'],
      ['LMOVE', '{t}l', '{t}s', 'LEFT', 'RIGHT'], ['BRPOPLPUSH', '{t}l', '{t}s', '1'], ['BRPOPLPUSH', '{t}s', '{t}l', '1'],
      ['BLMOVE', '{t}l', '{t}s', 'LEFT', 'LEFT', '1'], ['LRANGE', '{t}l', '0', '-1'], ['GET', 's'],
    ]));

  it('LPOS finds ranks from either end, counts, and stops at MAXLEN', () =>
    s.d.run([
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'],
      ...[[], ['RANK', '2'], ['RANK', '-1'], ['RANK', '-3'], ['RANK', '4'], ['COUNT', '0'], ['COUNT', '2'],
        ['RANK', '-1', 'COUNT', '2'], ['RANK', '2', 'COUNT', '0'], ['MAXLEN', '3'], ['MAXLEN', '1', 'RANK', '-1'],
        ['COUNT', '0', 'MAXLEN', '4'], ['RANK', '0'], ['COUNT', '-1'], ['MAXLEN', '-1'], ['RANK', 'x'], ['COUNT', 'x'],
        ['RANK'], ['BOGUS', '1'], ['RANK', '-9223372036854775808'], ['RANK', '-9223372036854775808', 'COUNT', '1'],
        ['RANK', '9223372036854775807'], ['rank', '1', 'count', '1', 'maxlen', '0']]
        .map((opts) => ['LPOS', 'l', 'a', ...opts] as Command),
      ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'zz', 'COUNT', '1'], ['LPOS', 'nokey', 'a'], ['LPOS', 'nokey', 'a', 'COUNT', '1'],
    ]));

  it('RPOPLPUSH and LMOVE move between lists, rotate one list, and delete an emptied source', () =>
    s.d.run([
      ['RPUSH', '{t}a', '1', '2', '3'], ['RPOPLPUSH', '{t}a', '{t}b'], ['LMOVE', '{t}a', '{t}b', 'LEFT', 'RIGHT'],
      ['LMOVE', '{t}a', '{t}b', 'right', 'left'], ['EXISTS', '{t}a'], ['LRANGE', '{t}b', '0', '-1'],
      ['RPOPLPUSH', '{t}b', '{t}b'], ['LMOVE', '{t}b', '{t}b', 'LEFT', 'RIGHT'], ['LRANGE', '{t}b', '0', '-1'],
      ['RPOPLPUSH', '{t}none', '{t}b'], ['LMOVE', '{t}none', '{t}b', 'LEFT', 'LEFT'], ['LMOVE', '{t}b', '{t}a', 'UP', 'LEFT'],
      ['LMOVE', '{t}b', '{t}a', 'LEFT', 'DOWN'], ['RPUSH', '{t}one', 'x'], ['RPOPLPUSH', '{t}one', '{t}one'],
      ['LRANGE', '{t}one', '0', '-1'],
    ]));

  it('blocking pops with data act at once, and bad timeouts are refused', () =>
    s.d.run([
      ['RPUSH', '{t}a', '1', '2', '3'], ['BLPOP', '{t}none', '{t}a', '0'], ['BRPOP', '{t}a', '{t}none', '1'],
      ['BRPOPLPUSH', '{t}a', '{t}b', '0'], ['BLMOVE', '{t}b', '{t}a', 'LEFT', 'RIGHT', '0.5'], ['LRANGE', '{t}a', '0', '-1'],
      ...['-1', '-0.0011', 'abc', '', ' 1', 'nan', 'inf', '-inf', '1e30', '9.3e15', '1,5']
        .map((t) => ['BLPOP', '{t}a', t] as Command),
      ['BRPOPLPUSH', '{t}a', '{t}b', 'x'], ['BLMOVE', '{t}a', '{t}b', 'UP', 'LEFT', 'x'],
      ['BLMOVE', '{t}a', '{t}b', 'LEFT', 'LEFT', '-1'], ['BLPOP', '{t}a'], ['BRPOPLPUSH', '{t}a', '{t}b'],
      ['BLPOP', '{t}a', '0x10'], ['EXISTS', '{t}a'],
    ]));

  it('blocking pops that find nothing answer nil once a short timeout passes', () =>
    s.d.run([
      ['BLPOP', '{t}none', '{t}other', '0.05'], ['BRPOP', '{t}none', '0.01'], ['BRPOPLPUSH', '{t}none', '{t}b', '0.05'],
      ['BLMOVE', '{t}none', '{t}b', 'LEFT', 'LEFT', '0.00001'], ['EXISTS', '{t}b'],
    ]));

  it.each([1, 2, 3])('seed %i: 400 random list commands give the same replies', async (seed) => {
    s.d.setContext(`seed ${seed}`);
    await s.d.run(randomListCommands(seed, 400));
  });
});

/** A seeded sequence over a few tagged keys, one of them sometimes a string (WRONGTYPE). */
function randomListCommands(seed: number, n: number): Command[] {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const keys = ['{t}a', '{t}b', '{t}c'];
  const values = ['a', 'b', 'c', '', '1', 'hello', BINARY];
  const idx = () => String(int(-8, 8));
  const side = () => pick(['LEFT', 'RIGHT', 'left']);
  const makers: (() => Command)[] = [
    () => [pick(['LPUSH', 'RPUSH']), pick(keys), ...Array.from({ length: int(1, 4) }, () => pick(values))],
    () => [pick(['LPUSH', 'RPUSH']), pick(keys), ...Array.from({ length: int(1, 4) }, () => pick(values))],
    () => [pick(['LPUSHX', 'RPUSHX']), pick(keys), pick(values)],
    () => [pick(['LPOP', 'RPOP']), pick(keys)],
    () => [pick(['LPOP', 'RPOP']), pick(keys), String(int(0, 4))],
    () => ['LRANGE', pick(keys), idx(), idx()],
    () => ['LRANGE', pick(keys), '0', '-1'],
    () => ['LINDEX', pick(keys), idx()],
    () => ['LSET', pick(keys), idx(), pick(values)],
    () => ['LLEN', pick(keys)],
    () => ['LTRIM', pick(keys), idx(), idx()],
    () => ['LREM', pick(keys), String(int(-2, 2)), pick(values)],
    () => ['LINSERT', pick(keys), pick(['BEFORE', 'AFTER']), pick(values), pick(values)],
    () => ['LPOS', pick(keys), pick(values), 'RANK', pick(['1', '2', '-1', '-2']), 'COUNT', String(int(0, 3))],
    () => ['RPOPLPUSH', pick(keys), pick(keys)],
    () => ['LMOVE', pick(keys), pick(keys), side(), side()],
    () => [pick(['BLPOP', 'BRPOP']), pick(keys), pick(keys), '0.01'],
    () => ['BRPOPLPUSH', pick(keys), pick(keys), '0.01'],
    () => (rnd() < 0.3 ? ['SET', pick(keys), 'str'] : ['DEL', pick(keys)]),
    () => ['EXISTS', pick(keys)],
  ];
  return Array.from({ length: n }, () => pick(makers)());
}
