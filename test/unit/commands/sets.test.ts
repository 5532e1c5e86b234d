/**
 * Set command handlers on a fake shard: replies (as redis-server 7.0.15 sent them), what is
 * logged (SPOP as SREM, or DEL when it empties the set), OBJECT ENCODING's answer, intset order,
 * random picks by their counts and membership, and SSCAN paging over a big set.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SET_COMMANDS } from '../../../src/commands/sets.ts';
import { compareIntegers, SetValue } from '../../../src/shard/types/set.ts';
import { decodeReply, fakeShard, type FakeShard, type Reply } from '../../helpers/exec-ctx.ts';

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const spec = (name: string) => SET_COMMANDS.find((s) => s.name === name)!;

let shard: FakeShard;
const raw = (...args: (string | Buffer)[]): string =>
  shard.run(spec(String(args[0]).toLowerCase()).handler!, args).toString('latin1');
const run = (...args: (string | Buffer)[]): Reply => decodeReply(Buffer.from(raw(...args), 'latin1'));
const db = () => shard.dbs[0]!;
const set = (key: string) => db().data.get(key) as SetValue;
const sorted = (r: Reply): string[] => [...(r as string[])].sort();

beforeEach(() => {
  shard = fakeShard();
});

describe('command table', () => {
  it('rows carry Redis 7.0 arities and key positions', () => {
    const rows = Object.fromEntries(SET_COMMANDS.map((s) => [s.name, [s.arity, s.firstKey, s.lastKey, s.step]]));
    expect(rows.sadd).toEqual([-3, 1, 1, 1]);
    expect(rows.smove).toEqual([4, 1, 2, 1]);
    expect(rows.sinter).toEqual([-2, 1, -1, 1]);
    expect(rows.sunionstore).toEqual([-3, 1, -1, 1]);
    expect(rows.spop).toEqual([-2, 1, 1, 1]);
  });
});

describe('membership', () => {
  it('SADD counts new members, SREM removed ones, and the last SREM deletes the key', () => {
    expect(run('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(run('SADD', 's', 'b')).toBe(0);
    expect(run('SREM', 's', 'a', 'zz')).toBe(1);
    expect(run('SREM', 's', 'b')).toBe(1);
    expect(db().has('s')).toBe(false);
    expect(shard.log).toEqual([['SADD', 's', 'a', 'b', 'a'], ['SREM', 's', 'a', 'zz'], ['SREM', 's', 'b']]);
  });

  it('SISMEMBER and SMISMEMBER answer per member, also for a missing key', () => {
    run('SADD', 's', 'a', '1');
    expect(run('SISMEMBER', 's', 'a')).toBe(1);
    expect(run('SISMEMBER', 's', 'b')).toBe(0);
    expect(run('SMISMEMBER', 's', 'b', '1', 'a')).toEqual([0, 1, 1]);
    expect(run('SMISMEMBER', 'no', 'a')).toEqual([0]);
    expect(run('SCARD', 's')).toBe(2);
    expect(run('SCARD', 'no')).toBe(0);
  });

  it('every set command against a string is WRONGTYPE and the string stays', () => {
    db().set('k', 'x');
    for (const args of [['SADD', 'k', 'm'], ['SREM', 'k', 'm'], ['SISMEMBER', 'k', 'm'], ['SMISMEMBER', 'k', 'm'],
      ['SCARD', 'k'], ['SMEMBERS', 'k'], ['SPOP', 'k'], ['SPOP', 'k', '0'], ['SRANDMEMBER', 'k'], ['SSCAN', 'k', '0'],
      ['SINTER', 'k'], ['SUNION', 'no', 'k'], ['SDIFF', 'no', 'k'], ['SINTERSTORE', 'd', 'no', 'k']]) {
      expect(run(...args)).toEqual(WRONGTYPE);
    }
    expect(db().data.get('k')).toBe('x');
    expect(db().has('d')).toBe(false);
  });
});

describe('encoding and order', () => {
  it('integers compare numerically whatever their length and sign', () => {
    const xs = ['10', '-1', '9', '-10', '0', '9223372036854775807', '-9223372036854775808', '100'];
    expect(xs.sort(compareIntegers)).toEqual(['-9223372036854775808', '-10', '-1', '0', '9', '10', '100', '9223372036854775807']);
  });

  it('an integer set is an intset and replies in ascending order', () => {
    run('SADD', 's', '10', '-3', '2', '100');
    expect(set('s').encoding).toBe('intset');
    expect(raw('SMEMBERS', 's')).toBe('*4\r\n$2\r\n-3\r\n$1\r\n2\r\n$2\r\n10\r\n$3\r\n100\r\n');
  });

  it('a non-canonical integer, a string or a 513th member makes a hashtable for good', () => {
    run('SADD', 'a', '01');
    expect(set('a').encoding).toBe('hashtable');
    run('SADD', 'b', '1', 'x');
    run('SREM', 'b', 'x');
    expect(set('b').encoding).toBe('hashtable');
    run('SADD', 'c', ...Array.from({ length: 512 }, (_, i) => String(i)));
    expect(set('c').encoding).toBe('intset');
    run('SADD', 'c', '512');
    expect(set('c').encoding).toBe('hashtable');
  });
});

describe('SMOVE', () => {
  it('moves a member, deleting an emptied source and creating the destination', () => {
    run('SADD', 'a', 'x');
    expect(run('SMOVE', 'a', 'b', 'x')).toBe(1);
    expect(db().has('a')).toBe(false);
    expect(run('SMEMBERS', 'b')).toEqual(['x']);
  });

  it('on one set it only tests membership; a missing source answers 0 before any type check', () => {
    run('SADD', 'a', 'x');
    db().set('str', 'v');
    expect(run('SMOVE', 'a', 'a', 'x')).toBe(1);
    expect(run('SMOVE', 'a', 'a', 'y')).toBe(0);
    expect(run('SMOVE', 'no', 'str', 'x')).toBe(0);
    expect(run('SMOVE', 'a', 'str', 'x')).toEqual(WRONGTYPE);
    expect(run('SCARD', 'a')).toBe(1);
    expect(shard.log).toEqual([['SADD', 'a', 'x']]);
  });
});

describe('random picks', () => {
  it('SPOP removes a member and is logged as SREM of it', () => {
    run('SADD', 's', 'a', 'b', 'c');
    const m = run('SPOP', 's') as string;
    expect(['a', 'b', 'c']).toContain(m);
    expect(run('SISMEMBER', 's', m)).toBe(0);
    expect(shard.log.at(-1)).toEqual(['SREM', 's', m]);
  });

  it('SPOP with a count pops distinct members and logs them as one SREM', () => {
    run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    const popped = run('SPOP', 's', '5') as string[];
    expect(new Set(popped).size).toBe(5);
    expect(run('SCARD', 's')).toBe(15);
    for (const m of popped) expect(run('SISMEMBER', 's', m)).toBe(0);
    expect(shard.log.at(-1)).toEqual(['SREM', 's', ...popped]);
  });

  it('SPOP of the whole set replies with it, deletes the key and is logged as DEL', () => {
    run('SADD', 's', '3', '1', '2');
    expect(run('SPOP', 's', '10')).toEqual(['1', '2', '3']);
    expect(db().has('s')).toBe(false);
    expect(shard.log.at(-1)).toEqual(['DEL', 's']);
  });

  it('SPOP with count 0 or a missing key changes and logs nothing', () => {
    run('SADD', 's', 'a');
    expect(raw('SPOP', 's', '0')).toBe('*0\r\n');
    expect(raw('SPOP', 'no', '3')).toBe('*0\r\n');
    expect(raw('SPOP', 'no')).toBe('$-1\r\n');
    expect(shard.log).toHaveLength(1);
    expect(run('SPOP', 's', '-1')).toEqual({ error: 'ERR value is out of range, must be positive' });
    expect(run('SPOP', 's', '1', '2')).toEqual({ error: 'ERR syntax error' });
  });

  it('SRANDMEMBER returns distinct members for a positive count and repeats for a negative one', () => {
    run('SADD', 's', 'a', 'b', 'c', 'd');
    const two = run('SRANDMEMBER', 's', '2') as string[];
    expect(new Set(two).size).toBe(2);
    expect(sorted(run('SRANDMEMBER', 's', '10'))).toEqual(['a', 'b', 'c', 'd']);
    const many = run('SRANDMEMBER', 's', '-50') as string[];
    expect(many).toHaveLength(50);
    for (const m of many) expect(['a', 'b', 'c', 'd']).toContain(m);
    expect(run('SCARD', 's')).toBe(4);
    expect(run('SRANDMEMBER', 's', '-9223372036854775808')).toEqual({
      error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807' });
  });
});

describe('algebra', () => {
  beforeEach(() => {
    run('SADD', 'a', '1', '2', '3', 'x');
    run('SADD', 'b', '2', '3', '4');
  });

  it('SINTER, SUNION and SDIFF treat a missing key as the empty set', () => {
    expect(run('SINTER', 'a', 'b')).toEqual(['2', '3']);
    expect(run('SINTER', 'a', 'no')).toEqual([]);
    expect(sorted(run('SUNION', 'a', 'no', 'b'))).toEqual(['1', '2', '3', '4', 'x']);
    expect(sorted(run('SDIFF', 'a', 'b'))).toEqual(['1', 'x']);
    expect(run('SDIFF', 'no', 'a')).toEqual([]);
    expect(run('SDIFF', 'a', 'a')).toEqual([]);
  });

  it('an integer result replies in ascending order, as the intset Redis builds does', () => {
    run('SADD', 'c', '30', '-5', '7');
    expect(run('SUNION', 'c', 'b')).toEqual(['-5', '2', '3', '4', '7', '30']);
  });

  it('the STORE forms replace any key, drop its TTL, and delete it for an empty result', () => {
    db().set('d', 'string');
    db().setExpire('d', shard.now + 100_000);
    expect(run('SINTERSTORE', 'd', 'a', 'b')).toBe(2);
    expect(set('d').type).toBe('set');
    expect(db().getExpire('d')).toBeUndefined();
    expect(run('SUNIONSTORE', 'd', 'a', 'b')).toBe(5);
    expect(run('SDIFFSTORE', 'a', 'a', 'b')).toBe(2);
    expect(sorted(run('SMEMBERS', 'a'))).toEqual(['1', 'x']);
    expect(run('SINTERSTORE', 'd', 'a', 'no')).toBe(0);
    expect(db().has('d')).toBe(false);
    const logged = shard.log.length;
    expect(run('SINTERSTORE', 'd', 'a', 'no')).toBe(0);
    expect(shard.log).toHaveLength(logged); // nothing changed, nothing logged
  });
});

describe('SSCAN', () => {
  it('an intset comes back whole, in order, with cursor 0', () => {
    run('SADD', 's', '12', '1', '-5', '10');
    expect(run('SSCAN', 's', '0', 'COUNT', '1')).toEqual(['0', ['-5', '1', '10', '12']]);
    expect(run('SSCAN', 's', '0', 'MATCH', '1*')).toEqual(['0', ['1', '10', '12']]);
  });

  it('a hashtable set pages COUNT members a call and a full iteration sees each member once', () => {
    run('SADD', 's', ...Array.from({ length: 100 }, (_, i) => `m${i}`));
    const seen: string[] = [];
    let cursor = '0';
    do {
      const [next, items] = run('SSCAN', 's', cursor, 'COUNT', '9') as [string, string[]];
      expect(items.length).toBeLessThanOrEqual(9);
      seen.push(...items);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`).sort());
  });

  it('a missing key answers an empty scan, whatever the options', () => {
    expect(raw('SSCAN', 'no', '0', 'BOGUS')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(run('SSCAN', 'no', 'x')).toEqual({ error: 'ERR invalid cursor' });
  });
});
