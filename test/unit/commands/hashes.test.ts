/**
 * Hash command handlers on a fake shard: replies (as redis-server 7.0.15 sent them), what is
 * logged, OBJECT ENCODING's answer as the hash grows, and HSCAN paging over a big hash.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { HASH_COMMANDS } from '../../../src/commands/hashes.ts';
import { HashValue } from '../../../src/shard/types/hash.ts';
import { decodeReply, fakeShard, type FakeShard, type Reply } from '../../helpers/exec-ctx.ts';

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const spec = (name: string) => HASH_COMMANDS.find((s) => s.name === name)!;

let shard: FakeShard;
const raw = (...args: (string | Buffer)[]): string =>
  shard.run(spec(String(args[0]).toLowerCase()).handler!, args).toString('latin1');
const run = (...args: (string | Buffer)[]): Reply => decodeReply(Buffer.from(raw(...args), 'latin1'));
const db = () => shard.dbs[0]!;
const hash = (key: string) => db().data.get(key) as HashValue;

beforeEach(() => {
  shard = fakeShard();
});

describe('command table', () => {
  it('rows carry Redis 7.0 arities and a single key at position 1', () => {
    const rows = Object.fromEntries(HASH_COMMANDS.map((s) => [s.name, [s.arity, s.firstKey, s.lastKey, s.step]]));
    expect(rows.hset).toEqual([-4, 1, 1, 1]);
    expect(rows.hsetnx).toEqual([4, 1, 1, 1]);
    expect(rows.hmget).toEqual([-3, 1, 1, 1]);
    expect(rows.hscan).toEqual([-3, 1, 1, 1]);
    expect(rows.hrandfield).toEqual([-2, 1, 1, 1]);
  });
});

describe('writes', () => {
  it('HSET counts new fields only and keeps insertion order with updates in place', () => {
    expect(run('HSET', 'h', 'b', '1', 'a', '2')).toBe(2);
    expect(run('HSET', 'h', 'b', '3', 'c', '4')).toBe(1);
    expect(raw('HGETALL', 'h')).toBe('*6\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n');
  });

  it('HSET with a dangling field answers the arity error and creates nothing', () => {
    expect(run('HSET', 'h', 'f', 'v', 'g')).toEqual({ error: "ERR wrong number of arguments for 'hset' command" });
    expect(run('HMSET', 'h', 'f', 'v', 'g')).toEqual({ error: "ERR wrong number of arguments for 'hmset' command" });
    expect(db().has('h')).toBe(false);
    expect(shard.log).toEqual([]);
  });

  it('HSET against a string is WRONGTYPE and leaves the string alone', () => {
    db().set('s', 'x');
    expect(run('HSET', 's', 'f', 'v')).toEqual(WRONGTYPE);
    expect(run('HSETNX', 's', 'f', 'v')).toEqual(WRONGTYPE);
    expect(db().data.get('s')).toBe('x');
  });

  it('HSETNX writes only a missing field and logs only when it writes', () => {
    expect(run('HSETNX', 'h', 'f', '1')).toBe(1);
    expect(run('HSETNX', 'h', 'f', '2')).toBe(0);
    expect(run('HGET', 'h', 'f')).toBe('1');
    expect(shard.log).toEqual([['HSETNX', 'h', 'f', '1']]);
  });

  it('HDEL deletes the key with its last field', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    expect(run('HDEL', 'h', 'a', 'a', 'x')).toBe(1);
    expect(run('HDEL', 'h', 'b')).toBe(1);
    expect(db().has('h')).toBe(false);
    expect(run('HDEL', 'h', 'b')).toBe(0);
    expect(shard.log.slice(1)).toEqual([['HDEL', 'h', 'a', 'a', 'x'], ['HDEL', 'h', 'b']]);
  });

  it('stored fields and values are copies, not views of the request', () => {
    const f = Buffer.from('field');
    const v = Buffer.from('value');
    shard.run(spec('hset').handler!, ['HSET', 'h', f, v]);
    f.fill(0x21);
    v.fill(0x21);
    expect(run('HGET', 'h', 'field')).toBe('value');
  });
});

describe('counters', () => {
  it('HINCRBY creates, adds, and refuses to overflow or to count a non-integer', () => {
    expect(run('HINCRBY', 'h', 'n', '5')).toBe(5);
    expect(run('HINCRBY', 'h', 'n', '-7')).toBe(-2);
    run('HSET', 'h', 'max', '9223372036854775807', 's', '1.5');
    expect(run('HINCRBY', 'h', 'max', '1')).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(run('HINCRBY', 'h', 's', '1')).toEqual({ error: 'ERR hash value is not an integer' });
    expect(run('HINCRBY', 'h', 'n', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(raw('HINCRBY', 'h', 'max', '-9223372036854775807')).toBe(':0\r\n');
  });

  it('HINCRBY with a bad increment creates no key', () => {
    expect(run('HINCRBY', 'h', 'n', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(db().has('h')).toBe(false);
  });

  it('HINCRBYFLOAT formats like Redis and is logged as HSET of the result', () => {
    expect(run('HINCRBYFLOAT', 'h', 'f', '10.5')).toBe('10.5');
    expect(run('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('10.6');
    expect(run('HINCRBYFLOAT', 'h', 'f', '-5.0e3')).toBe('-4989.39999999999999991');
    expect(shard.log).toEqual([['HSET', 'h', 'f', '10.5'], ['HSET', 'h', 'f', '10.6'], ['HSET', 'h', 'f', '-4989.39999999999999991']]);
  });

  it('HINCRBYFLOAT rejects NaN, infinity, and a stored non-float', () => {
    expect(run('HINCRBYFLOAT', 'h', 'f', 'inf')).toEqual({ error: 'ERR value is NaN or Infinity' });
    expect(run('HINCRBYFLOAT', 'h', 'f', 'nan')).toEqual({ error: 'ERR value is not a valid float' });
    run('HSET', 'h', 's', 'abc', 'big', '1e4932');
    expect(run('HINCRBYFLOAT', 'h', 's', '1')).toEqual({ error: 'ERR hash value is not a float' });
    expect(run('HINCRBYFLOAT', 'h', 'big', '1e4932')).toEqual({ error: 'ERR increment would produce NaN or Infinity' });
    expect(run('HGET', 'h', 'big')).toBe('1e4932');
  });
});

describe('reads', () => {
  it('reads of a missing key answer empty replies', () => {
    expect(raw('HGET', 'no', 'f')).toBe('$-1\r\n');
    expect(raw('HMGET', 'no', 'a', 'b')).toBe('*2\r\n$-1\r\n$-1\r\n');
    expect(raw('HGETALL', 'no')).toBe('*0\r\n');
    expect(raw('HLEN', 'no')).toBe(':0\r\n');
    expect(raw('HSTRLEN', 'no', 'f')).toBe(':0\r\n');
    expect(raw('HEXISTS', 'no', 'f')).toBe(':0\r\n');
    expect(raw('HSCAN', 'no', '0', 'BOGUS')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });

  it('every read against a string is WRONGTYPE', () => {
    db().set('s', 'x');
    for (const args of [['HGET', 's', 'f'], ['HMGET', 's', 'f'], ['HLEN', 's'], ['HKEYS', 's'], ['HVALS', 's'],
      ['HGETALL', 's'], ['HSTRLEN', 's', 'f'], ['HEXISTS', 's', 'f'], ['HSCAN', 's', '0'], ['HRANDFIELD', 's']]) {
      expect(run(...args)).toEqual(WRONGTYPE);
    }
  });

  it('HKEYS, HVALS and HMGET follow insertion order', () => {
    run('HSET', 'h', 'z', '1', 'a', '2', 'm', '3');
    expect(run('HKEYS', 'h')).toEqual(['z', 'a', 'm']);
    expect(run('HVALS', 'h')).toEqual(['1', '2', '3']);
    expect(run('HMGET', 'h', 'm', 'x', 'z')).toEqual(['3', null, '1']);
    expect(run('HSTRLEN', 'h', 'a')).toBe(1);
  });
});

describe('encoding', () => {
  it('a hash is a listpack until its 129th field, then a hashtable for good', () => {
    for (let i = 0; i < 128; i++) run('HSET', 'h', `f${i}`, 'v');
    expect(hash('h').encoding).toBe('listpack');
    run('HSET', 'h', 'f128', 'v');
    expect(hash('h').encoding).toBe('hashtable');
    run('HDEL', 'h', 'f128', 'f127');
    expect(hash('h').encoding).toBe('hashtable');
  });

  it('a field or value past 64 bytes makes a hashtable, 64 bytes does not', () => {
    run('HSET', 'a', 'x'.repeat(64), 'y'.repeat(64));
    expect(hash('a').encoding).toBe('listpack');
    run('HSET', 'b', 'f', 'y'.repeat(65));
    expect(hash('b').encoding).toBe('hashtable');
    run('HINCRBY', 'c', 'n'.repeat(65), '1');
    expect(hash('c').encoding).toBe('hashtable');
    run('HINCRBYFLOAT', 'd', 'f', '1e70');
    expect(hash('d').encoding).toBe('hashtable');
  });
});

describe('HSCAN', () => {
  it('a listpack hash comes back whole with cursor 0 whatever COUNT says', () => {
    run('HSET', 'h', 'foo', '1', 'bar', '2', 'food', '3');
    expect(run('HSCAN', 'h', '0', 'COUNT', '1')).toEqual(['0', ['foo', '1', 'bar', '2', 'food', '3']]);
    expect(run('HSCAN', 'h', '0', 'MATCH', 'fo*')).toEqual(['0', ['foo', '1', 'food', '3']]);
  });

  it('a big hash pages COUNT fields a call and a full iteration sees every field once', () => {
    for (let i = 0; i < 300; i++) run('HSET', 'h', `f${i}`, String(i));
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = run('HSCAN', 'h', cursor, 'COUNT', '7') as [string, string[]];
      expect(items.length).toBeLessThanOrEqual(14);
      for (let i = 0; i < items.length; i += 2) seen.push(items[i]!);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(40);
    expect(new Set(seen).size).toBe(300);
    expect(seen.length).toBe(300);
  });

  it('a big hash scan continued by its own cursor returns every field kept through deletions', () => {
    for (let i = 0; i < 300; i++) run('HSET', 'h', `f${i}`, String(i));
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = run('HSCAN', 'h', cursor, 'COUNT', '10') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]!);
      // Delete fields already returned: a position cursor alone would skip the ones after them.
      for (let j = 0; j < 5; j++) run('HDEL', 'h', `f${round * 5 + j}`);
      round++;
      cursor = next;
    } while (cursor !== '0');
    for (let i = 150; i < 300; i++) expect(seen.has(`f${i}`)).toBe(true);
  });

  it('rejects a bad cursor, COUNT below 1 and unknown options', () => {
    run('HSET', 'h', 'f', 'v');
    expect(run('HSCAN', 'h', 'x')).toEqual({ error: 'ERR invalid cursor' });
    expect(run('HSCAN', 'h', '0', 'COUNT', '0')).toEqual({ error: 'ERR syntax error' });
    expect(run('HSCAN', 'h', '0', 'TYPE', 'hash')).toEqual({ error: 'ERR syntax error' });
  });
});

describe('HRANDFIELD', () => {
  it('returns distinct fields for a positive count and the whole hash in order when it covers it', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    const two = run('HRANDFIELD', 'h', '2') as string[];
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    expect(run('HRANDFIELD', 'h', '9', 'WITHVALUES')).toEqual(['a', '1', 'b', '2', 'c', '3', 'd', '4']);
  });

  it('repeats fields for a negative count and pairs each with its value', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    const picks = run('HRANDFIELD', 'h', '-10', 'WITHVALUES') as string[];
    expect(picks).toHaveLength(20);
    for (let i = 0; i < 20; i += 2) expect(picks[i + 1]).toBe(picks[i] === 'a' ? '1' : '2');
  });

  it('answers nil, an empty array, or Redis\'s range errors', () => {
    expect(raw('HRANDFIELD', 'no')).toBe('$-1\r\n');
    expect(raw('HRANDFIELD', 'no', '3')).toBe('*0\r\n');
    expect(run('HRANDFIELD', 'no', '-9223372036854775808')).toEqual({
      error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807' });
    expect(run('HRANDFIELD', 'no', '-9223372036854775807', 'WITHVALUES')).toEqual({ error: 'ERR value is out of range' });
    expect(run('HRANDFIELD', 'no', '1', 'WITHVALUE')).toEqual({ error: 'ERR syntax error' });
  });
});
