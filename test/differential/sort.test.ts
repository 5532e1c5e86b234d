/**
 * SORT and SORT_RO compared byte for byte with redis-server: numeric and ALPHA order, LIMIT,
 * BY/GET patterns with hash fields and '#', BY without '*', STORE, errors, and a seeded random
 * sequence. Every key lives under the hash tag {u}, patterns included ({u}w_*), so the keys a
 * pattern reaches share the sorted key's slot (slotkv answers CROSSSLOT otherwise).
 *
 * Left out on purpose, since Redis leaves them open: the order of a hashtable set kept unsorted
 * (BY without '*', no STORE), and ALPHA BY ties (equal or missing weights), which Redis's qsort
 * and pqsort order as they please. Values out of double range come last in a test: redis-server
 * 7.0 does not clear errno before strtod, so one ERANGE poisons later SORTs on that connection.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, unorderedArray, useDifferential, type Command } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

describe.each(SLOTKV_CONFIGS)('SORT matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('numbers sort numerically with equal values by bytes, ALPHA by bytes, DESC reversed', () =>
    s.d.run([
      ['RPUSH', '{u}l', '10', '2', '1.0', '1', '-inf', '0x10', ' 5', '', 'inf', '1e3', '007', '-0', '0'],
      ['SORT', '{u}l'], ['SORT', '{u}l', 'DESC'], ['SORT', '{u}l', 'ALPHA'], ['SORT', '{u}l', 'ALPHA', 'DESC'],
      ['SORT_RO', '{u}l'], ['sort', '{u}l', 'asc', 'desc', 'asc'], ['RPUSH', '{u}l', 'abc'], ['SORT', '{u}l'],
      ['SORT', '{u}l', 'ALPHA'], ['RPUSH', '{u}n', '3\0x', '2'], ['SORT', '{u}n'],
    ]));

  it('sets and sorted sets sort by member, and SORT leaves a sorted set as a skiplist', () =>
    s.d.run([
      ['SADD', '{u}s', '5', '-2', '30', '7'], ['SORT', '{u}s'], ['SORT', '{u}s', 'DESC', 'LIMIT', '1', '2'],
      ['SORT', '{u}s', 'BY', 'nosort'], ['SADD', '{u}t', 'pear', 'apple', 'fig'], ['SORT', '{u}t', 'ALPHA'],
      ['SORT', '{u}t'], ['ZADD', '{u}z', '1', 'c', '2', 'a', '3', 'b'], ['OBJECT', 'ENCODING', '{u}z'],
      ['SORT', '{u}z', 'ALPHA'], ['OBJECT', 'ENCODING', '{u}z'], ['ZADD', '{u}z2', '1', 'x'],
      ['SORT_RO', '{u}z2', 'BY', 'nosort'], ['OBJECT', 'ENCODING', '{u}z2'],
      { cmd: ['SORT', '{u}t', 'BY', 'nosort'], compare: unorderedArray },
    ]));

  it('LIMIT clamps negative offsets and counts and empties past the end', () =>
    s.d.run([
      ['RPUSH', '{u}l', '3', '1', '2', '5', '4'], ['SORT', '{u}l', 'LIMIT', '-5', '2'], ['SORT', '{u}l', 'LIMIT', '2', '-1'],
      ['SORT', '{u}l', 'LIMIT', '0', '0'], ['SORT', '{u}l', 'LIMIT', '5', '10'], ['SORT', '{u}l', 'LIMIT', '4', '10'],
      ['SORT', '{u}l', 'LIMIT', '1', '2', 'LIMIT', '0', '1'], ['SORT', '{u}missing'], ['SORT', '{u}missing', 'LIMIT', '0', '5'],
      ['SORT', '{u}l', 'LIMIT', '9223372036854775807', '1'], ['SORT', '{u}l', 'LIMIT', '-9223372036854775808', '2'],
    ]));

  it('BY without a star keeps list and sorted set order, DESC and LIMIT counting from the end', () =>
    s.d.run([
      ['RPUSH', '{u}l', 'c', 'a', 'b', 'd'], ['ZADD', '{u}z', '3', 'x', '1', 'y', '2', 'w'],
      ...['{u}l', '{u}z'].flatMap((k): Command[] => [
        ['SORT', k, 'BY', 'nosort'], ['SORT', k, 'BY', 'nosort', 'DESC'], ['SORT', k, 'BY', 'nosort', 'LIMIT', '1', '2'],
        ['SORT', k, 'BY', 'nosort', 'DESC', 'LIMIT', '1', '5'], ['SORT', k, 'BY', 'nosort', 'LIMIT', '9', '1'],
        ['SORT', k, 'BY', 'nosort', 'GET', '#', 'GET', '{u}w_*'], ['SORT', k, 'BY', 'nosort', 'BY', '{u}w_*'],
      ]),
    ]));

  it('BY weights and GET values come from string keys and hash fields', () =>
    s.d.run([
      ['RPUSH', '{u}l', '1', '2', '3', '4'], ['MSET', '{u}w_1', '30', '{u}w_2', '10', '{u}w_3', '20'],
      ['HSET', '{u}h_1', 'f', 'one', 'n', '5'], ['HSET', '{u}h_3', 'f', 'three', 'n', '-1'], ['SADD', '{u}w_4', 'x'],
      ['SORT', '{u}l', 'BY', '{u}w_*'], ['SORT', '{u}l', 'BY', '{u}w_*', 'DESC', 'LIMIT', '1', '2'],
      ['SORT', '{u}l', 'BY', '{u}h_*->n'], ['SORT', '{u}l', 'BY', '{u}h_*->f', 'ALPHA', 'LIMIT', '0', '2'],
      ['SORT', '{u}l', 'GET', '#', 'GET', '{u}h_*->f', 'GET', '{u}w_*', 'GET', 'nostar', 'GET', '{u}h_*->'],
      ['SORT', '{u}l', 'BY', '{u}w_*', 'GET', '{u}h_*->missing', 'GET', '{u}w_*->f'],
      ['HSET', '{u}h_2', 'f', 'a'], ['SET', '{u}h_4', 'notahash'], ['SORT', '{u}l', 'BY', '{u}h_*->f', 'ALPHA'],
      ['SORT', '{u}l', 'BY', '{u}h_*->f', 'ALPHA', 'GET', '{u}h_*->f'], ['SET', '{u}w_4', 'abc'], ['SORT', '{u}l', 'BY', '{u}w_*'],
      ['APPEND', '{u}w_4', '1'], ['SET', '{u}w_4', '15'], ['APPEND', '{u}w_4', '0'], ['SORT', '{u}l', 'BY', '{u}w_*'],
    ]));

  it('STORE writes a list, GET misses become empty strings, and an empty result deletes the key', () =>
    s.d.run([
      ['RPUSH', '{u}l', '3', '1', '2'], ['SET', '{u}d', 'old', 'EX', '100'],
      ['SORT', '{u}l', 'GET', '#', 'GET', '{u}x_*', 'STORE', '{u}d'], ['LRANGE', '{u}d', '0', '-1'], ['TTL', '{u}d'],
      ['OBJECT', 'ENCODING', '{u}d'], ['SORT', '{u}l', 'DESC', 'STORE', '{u}x', 'STORE', '{u}d'], ['LRANGE', '{u}d', '0', '-1'],
      ['EXISTS', '{u}x'], ['SORT', '{u}l', 'LIMIT', '0', '0', 'STORE', '{u}d'], ['EXISTS', '{u}d'],
      ['SORT', '{u}missing', 'STORE', '{u}d'], ['SORT', '{u}l', 'STORE', '{u}l'], ['LRANGE', '{u}l', '0', '-1'],
      ['SADD', '{u}s', 'b', 'c', 'a'], ['SORT', '{u}s', 'BY', 'nosort', 'STORE', '{u}d'], ['LRANGE', '{u}d', '0', '-1'],
      ['COMMAND', 'GETKEYS', 'SORT', '{u}l', 'STORE', 'a', 'LIMIT', '0', '1', 'STORE', 'b'],
      ['COMMAND', 'GETKEYS', 'SORT_RO', '{u}l', 'STORE', 'b'],
    ]));

  it('syntax errors come before WRONGTYPE, and values strtod cannot read fail the sort', () =>
    s.d.run([
      ['SET', '{u}str', 'x'], ['SORT', '{u}str'], ['SORT', '{u}str', 'bogus'], ['SORT', '{u}str', 'LIMIT', 'a', '1'],
      ['SORT', '{u}str', 'LIMIT', '1'], ['SORT', '{u}str', 'STORE'], ['SORT', '{u}str', 'BY'], ['SORT', '{u}str', 'GET'],
      ['SORT_RO', '{u}str', 'STORE', '{u}d'], ['SORT'], ['SORT_RO'], ['HSET', '{u}h', 'a', 'b'], ['SORT', '{u}h'],
      ['RPUSH', '{u}l', '1', 'abc'], ['SORT', '{u}l'], ['SORT', '{u}l', 'STORE', '{u}d'], ['EXISTS', '{u}d'],
      ['SORT', '{u}l', 'BY', 'nosort'], ['RPUSH', '{u}m', '1', 'nan'], ['SORT', '{u}m'],
      ['RPUSH', '{u}m2', '1', '5 '], ['SORT', '{u}m2'], ['RPUSH', '{u}m3', '1', '1e400'], ['SORT', '{u}m3'],
    ]));

  it('on slotkv, patterns and STORE keys outside the slot of the sorted key answer CROSSSLOT', async () => {
    const crossslot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
    const call = async (...args: string[]) => (await s.d.sub.call(...args)).toString('latin1');
    await call('RPUSH', '{u}l', '1', '2');
    await call('SET', 'w_1', '5');
    for (const args of [['BY', 'w_*'], ['GET', 'w_*'], ['GET', 'h_*->f'], ['STORE', 'dst'], ['BY', 'nosort', 'GET', 'w_*']]) {
      expect(await call('SORT', '{u}l', ...args), args.join(' ')).toBe(crossslot);
    }
    expect(await call('SORT', '{u}l', 'BY', 'nosort', 'GET', '#')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await call('SORT', '{u}missing', 'BY', 'w_*')).toBe('*0\r\n');
  });

  it('a seeded random sequence of SORT commands gives the same replies', async () => {
    const seed = 20240711;
    s.d.setContext(`seed ${seed}`);
    await s.d.run(randomSortCommands(seed, 500));
  });
});

const NUMBERS = ['1', '2', '3', '10', '-5', '2.5', '0', '007', '1e3', '-0.5', '100', '42', '-17', '3.25', '999'];
const WORDS = ['a', 'b', 'apple', 'Banana', 'zeta', 'a1', '10x', 'fig', 'Fig', 'pear'];
const ALL = [...NUMBERS, ...WORDS];

/**
 * Lists, sets and sorted sets of numbers or words, numeric weights {u}w_* (ties allowed: equal
 * weights fall back to the elements), unique ALPHA weights {u}a_* for every element, hash
 * fields {u}h_*->f, and SORTs with random options, each STORE followed by a read of the result.
 */
function randomSortCommands(seed: number, n: number): Command[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const cmds: Command[] = ALL.map((e, i): Command => ['SET', `{u}a_${e}`, `${String.fromCharCode(97 + (i % 26))}${i}`]);
  const containers = ['{u}ln', '{u}lw', '{u}sn', '{u}sw', '{u}zn', '{u}zw'];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const key = pick(containers);
    const pool = key.endsWith('n') && rnd() < 0.95 ? NUMBERS : ALL;
    if (r < 0.3) {
      const elems = Array.from({ length: int(1, 4) }, () => pick(pool));
      if (key.includes('l')) cmds.push([pick(['RPUSH', 'LPUSH']), key, ...elems]);
      else if (key.includes('s')) cmds.push(['SADD', key, ...elems]);
      else cmds.push(['ZADD', key, ...elems.flatMap((e) => [String(int(-3, 3)), e])]);
    } else if (r < 0.38) {
      cmds.push(['SET', `{u}w_${pick(ALL)}`, String(int(-20, 20))]);
    } else if (r < 0.44) {
      cmds.push(['HSET', `{u}h_${pick(ALL)}`, 'f', String(int(0, 50))]);
    } else if (r < 0.47) {
      // SPOP would pick at random: sets (and sorted sets) lose a member named here instead.
      if (key.includes('l')) cmds.push(['LPOP', key]);
      else cmds.push([key.includes('s') ? 'SREM' : 'ZREM', key, pick(pool)]);
    } else {
      cmds.push(...randomSort(key, pick, int, rnd));
    }
  }
  return cmds;
}

function randomSort(key: string, pick: <T>(xs: readonly T[]) => T, int: (lo: number, hi: number) => number,
  rnd: () => number): Command[] {
  const args: string[] = [rnd() < 0.15 ? 'SORT_RO' : 'SORT', key];
  const isSet = key.includes('s');
  let alpha = rnd() < 0.35;
  const by = pick(['', '', '{u}w_*', '{u}h_*->f', 'nosort', '{u}a_*']);
  if (by === '{u}a_*') alpha = true;
  const store = args[0] === 'SORT' && rnd() < 0.25;
  // A hashtable set kept unsorted has no order both servers agree on, unless STORE sorts it.
  const keepBy = !(by === 'nosort' && isSet && !store) && !(alpha && (by === '{u}w_*' || by === '{u}h_*->f'));
  if (by !== '' && keepBy) args.push('BY', by);
  if (rnd() < 0.4) args.push('LIMIT', String(int(-2, 8)), String(int(-1, 6)));
  const gets = int(0, 3);
  for (let g = 0; g < gets; g++) args.push('GET', pick(['#', '{u}w_*', '{u}h_*->f', '{u}h_*->g', '{u}a_*']));
  if (rnd() < 0.4) args.push(pick(['ASC', 'DESC']));
  if (alpha) args.push('ALPHA');
  if (!store) return [args];
  args.push('STORE', '{u}dst');
  return [args, ['LRANGE', '{u}dst', '0', '-1'], ['EXISTS', '{u}dst']];
}
