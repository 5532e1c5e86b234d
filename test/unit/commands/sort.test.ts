/**
 * SORT and SORT_RO on a fake shard: numeric and ALPHA order (replies as redis-server 7.0.15
 * sent them), strtod's accepted forms, LIMIT's clamping, BY/GET patterns with hash fields and
 * '#', BY without '*', CROSSSLOT for patterns leaving the key's slot, STORE (logged as DEL +
 * RPUSH) and the key finder that shows the router the STORE key.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SORT_COMMANDS, sortKeys } from '../../../src/commands/sort.ts';
import { STRING_COMMANDS } from '../../../src/commands/strings.ts';
import { SET_COMMANDS } from '../../../src/commands/sets.ts';
import { HASH_COMMANDS } from '../../../src/commands/hashes.ts';
import { ZSET_COMMANDS } from '../../../src/commands/zsets.ts';
import { LIST_COMMANDS } from '../../../src/commands/lists.ts';
import { OBJECT_COMMANDS } from '../../../src/commands/object.ts';
import { KEY_COMMANDS } from '../../../src/commands/keys.ts';
import { decodeReply, fakeShard, type FakeShard, type Reply } from '../../helpers/exec-ctx.ts';

const ROWS = [...SORT_COMMANDS, ...STRING_COMMANDS, ...SET_COMMANDS, ...HASH_COMMANDS, ...ZSET_COMMANDS,
  ...LIST_COMMANDS, ...OBJECT_COMMANDS, ...KEY_COMMANDS];
const spec = (name: string) => ROWS.find((s) => s.name === name)!;
const CROSSSLOT = { error: "CROSSSLOT Keys in request don't hash to the same slot" };
const NOT_DOUBLE = { error: "ERR One or more scores can't be converted into double" };

let shard: FakeShard;
const run = (...args: string[]): Reply => decodeReply(shard.run(spec(args[0]!.toLowerCase()).handler!, args));

beforeEach(() => {
  shard = fakeShard();
});

describe('ordering', () => {
  it('numbers sort numerically, equal values by their bytes, DESC reversed', () => {
    run('RPUSH', 'l', '10', '2', '1.0', '1', '-inf', '0x10', ' 5', '');
    expect(run('SORT', 'l')).toEqual(['-inf', '', '1', '1.0', '2', ' 5', '10', '0x10']);
    expect(run('SORT', 'l', 'DESC')).toEqual(['0x10', '10', ' 5', '2', '1.0', '1', '', '-inf']);
  });

  it('values strtod cannot read whole, NaN, and out-of-range values are refused', () => {
    for (const bad of ['abc', '5 ', 'nan', '1e400', '1e-400', '1e-310']) {
      run('DEL', 'l');
      run('RPUSH', 'l', '1', bad);
      expect(run('SORT', 'l'), bad).toEqual(NOT_DOUBLE);
    }
  });

  it('a NUL ends the number, as it ends a C string', () => {
    run('RPUSH', 'l', '3\0x', '2');
    expect(run('SORT', 'l')).toEqual(['2', '3\0x']);
  });

  it('ALPHA sorts by bytes and LIMIT takes a window of the result', () => {
    run('RPUSH', 'l', 'b', '01', 'a', '1', '2', '1.0');
    expect(run('SORT', 'l', 'ALPHA')).toEqual(['01', '1', '1.0', '2', 'a', 'b']);
    expect(run('SORT', 'l', 'LIMIT', '1', '2', 'ALPHA', 'DESC')).toEqual(['a', '2']);
  });

  it('sets and sorted sets sort by their members, and SORT turns a sorted set into a skiplist', () => {
    run('SADD', 's', '5', '-2', '30');
    run('ZADD', 'z', '1', 'c', '2', 'a', '3', 'b');
    expect(run('SORT', 's')).toEqual(['-2', '5', '30']);
    expect(run('OBJECT', 'ENCODING', 'z')).toBe('listpack');
    expect(run('SORT', 'z', 'ALPHA', 'DESC')).toEqual(['c', 'b', 'a']);
    expect(run('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
  });
});

describe('LIMIT', () => {
  beforeEach(() => {
    run('RPUSH', 'l', '3', '1', '2', '5', '4');
  });

  it('a negative offset starts at 0 and a negative count takes the rest', () => {
    expect(run('SORT', 'l', 'LIMIT', '-5', '2')).toEqual(['1', '2']);
    expect(run('SORT', 'l', 'LIMIT', '2', '-1')).toEqual(['3', '4', '5']);
  });

  it('a count of 0 or an offset past the end gives an empty array', () => {
    expect(run('SORT', 'l', 'LIMIT', '0', '0')).toEqual([]);
    expect(run('SORT', 'l', 'LIMIT', '5', '10')).toEqual([]);
    expect(run('SORT', 'missing', 'LIMIT', '0', '10')).toEqual([]);
  });

  it('bad numbers and a missing count are refused before the key is looked at', () => {
    run('SET', 'str', 'x');
    expect(run('SORT', 'str', 'LIMIT', 'a', '1')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(run('SORT', 'str', 'LIMIT', '1')).toEqual({ error: 'ERR syntax error' });
    expect(run('SORT', 'str', 'bogus')).toEqual({ error: 'ERR syntax error' });
    expect(run('SORT', 'str')).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  });
});

describe('BY and GET patterns', () => {
  beforeEach(() => {
    run('RPUSH', '{u}l', '1', '2', '3');
    run('MSET', '{u}w_1', '30', '{u}w_2', '10', '{u}w_3', '20');
    run('HSET', '{u}h_1', 'f', 'one');
    run('HSET', '{u}h_3', 'f', 'three');
  });

  it('BY sorts by the weights the pattern names; a missing weight counts as 0', () => {
    run('RPUSH', '{u}l', '4');
    expect(run('SORT', '{u}l', 'BY', '{u}w_*')).toEqual(['4', '2', '3', '1']);
    expect(run('SORT', '{u}l', 'BY', '{u}h_*->f', 'ALPHA')).toEqual(['2', '4', '1', '3']);
  });

  it('GET returns values, hash fields, the element for # and nil where nothing is found', () => {
    expect(run('SORT', '{u}l', 'GET', '#', 'GET', '{u}h_*->f', 'GET', '{u}w_*', 'GET', 'nostar')).toEqual([
      '1', 'one', '30', null, '2', null, '10', null, '3', 'three', '20', null]);
  });

  it('BY without a star keeps the stored order, and DESC with LIMIT counts from the end', () => {
    expect(run('SORT', '{u}l', 'BY', 'nosort')).toEqual(['1', '2', '3']);
    expect(run('SORT', '{u}l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '5')).toEqual(['2', '1']);
  });

  it('a pattern whose key lands in another slot answers CROSSSLOT', () => {
    expect(run('SORT', '{u}l', 'BY', 'w_*')).toEqual(CROSSSLOT);
    expect(run('SORT', '{u}l', 'GET', 'h_*->f')).toEqual(CROSSSLOT);
    expect(run('SORT', '{u}l', 'BY', 'nosort', 'GET', '#')).toEqual(['1', '2', '3']);
  });
});

describe('STORE', () => {
  it('stores the result as a list without TTL, logged as DEL and RPUSH, and replies its length', () => {
    run('RPUSH', '{u}l', '3', '1', '2');
    run('SET', '{u}d', 'old', 'EX', '100');
    expect(run('SORT', '{u}l', 'GET', '#', 'GET', '{u}x_*', 'STORE', '{u}d')).toBe(6);
    expect(run('LRANGE', '{u}d', '0', '-1')).toEqual(['1', '', '2', '', '3', '']);
    expect(shard.dbs[0]!.getExpire('{u}d')).toBeUndefined();
    expect(shard.log.slice(-2)).toEqual([['DEL', '{u}d'], ['RPUSH', '{u}d', '1', '', '2', '', '3', '']]);
    expect(shard.ready).toContain('{u}d');
  });

  it('an empty result deletes the destination, and changes nothing when there was none', () => {
    run('SET', 'd', 'x');
    expect(run('SORT', 'missing', 'STORE', 'd')).toBe(0);
    expect(run('EXISTS', 'd')).toBe(0);
    const logged = shard.log.length;
    expect(run('SORT', 'missing', 'STORE', 'd')).toBe(0);
    expect(shard.log.length).toBe(logged);
  });

  it('a set kept unsorted by BY is sorted ALPHA when stored', () => {
    run('SADD', 's', 'b', 'c', 'a');
    expect(run('SORT', 's', 'BY', 'nosort', 'STORE', 'd')).toBe(3);
    expect(run('LRANGE', 'd', '0', '-1')).toEqual(['a', 'b', 'c']);
  });

  it('SORT_RO reads like SORT but refuses STORE', () => {
    run('RPUSH', 'l', '2', '1');
    expect(run('SORT_RO', 'l')).toEqual(['1', '2']);
    expect(run('SORT_RO', 'l', 'STORE', 'd')).toEqual({ error: 'ERR syntax error' });
  });
});

describe('key positions', () => {
  const keys = (...args: string[]) => sortKeys(args.map((a) => Buffer.from(a)));

  it('the key after the last STORE is a key, skipping the arguments of LIMIT, GET and BY', () => {
    expect(keys('SORT', 'a', 'STORE', 'b', 'STORE', 'c')).toEqual([1, 5]);
    expect(keys('SORT', 'a', 'LIMIT', 'store', 'x', 'GET', 'store', 'store', 'd')).toEqual([1, 8]);
    expect(keys('SORT', 'a', 'STORE')).toEqual([1]);
    expect(keys('SORT', 'a', 'BY', 'store', 'x')).toEqual([1]);
  });

  it('the rows carry Redis 7.0 arities and key positions', () => {
    const rows = Object.fromEntries(SORT_COMMANDS.map((s) => [s.name, [s.arity, s.firstKey, s.lastKey, s.step]]));
    expect(rows).toEqual({ sort: [-2, 1, 1, 1], sort_ro: [-2, 1, 1, 1] });
  });
});
