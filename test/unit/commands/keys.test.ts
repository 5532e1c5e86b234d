import { describe, expect, it } from 'vitest';
import { KEY_COMMANDS } from '../../../src/commands/keys.ts';
import type { CommandSpec } from '../../../src/commands/table.ts';
import { Merge, RunsOn } from '../../../src/commands/table.ts';
import { fakeShard, rowOf, runRow, shardWithKeys } from '../../helpers/exec-ctx.ts';
import type { FakeShard, Reply } from '../../helpers/exec-ctx.ts';

const NOW = 1_700_000_000_000;

const spec = (name: string): CommandSpec => rowOf(KEY_COMMANDS, name);
const run = (shard: FakeShard, args: (string | Buffer)[], db = 0): Reply => runRow(KEY_COMMANDS, shard, args, db);
const withKeys = (...keys: string[]): FakeShard => shardWithKeys(NOW, ...keys);

const err = (error: string) => ({ error });

describe('the table rows', () => {
  it('carry the arity and key positions Redis 7.0 reports in COMMAND INFO', () => {
    const rows = Object.fromEntries(KEY_COMMANDS.map((c) => [c.name, [c.arity, c.firstKey, c.lastKey, c.step]]));
    expect(rows).toMatchObject({
      expire: [-3, 1, 1, 1],
      pexpireat: [-3, 1, 1, 1],
      ttl: [2, 1, 1, 1],
      rename: [3, 1, 2, 1],
      del: [-2, 1, -1, 1],
      keys: [2, 0, 0, 0],
      flushall: [-1, 0, 0, 0],
      scan: [-2, 0, 0, 0],
    });
  });

  it('route multi-key and keyspace-wide commands as the connection thread expects', () => {
    for (const name of ['del', 'unlink', 'exists', 'touch']) {
      expect([spec(name).runsOn, spec(name).merge]).toEqual([RunsOn.SPLIT, Merge.SUM]);
    }
    expect([spec('keys').runsOn, spec('keys').merge]).toEqual([RunsOn.ALL, Merge.CONCAT]);
    expect([spec('dbsize').runsOn, spec('dbsize').merge]).toEqual([RunsOn.ALL, Merge.SUM]);
    expect([spec('randomkey').runsOn, spec('randomkey').merge]).toEqual([RunsOn.ALL, Merge.ANY_BULK]);
    expect([spec('flushdb').runsOn, spec('flushall').merge]).toEqual([RunsOn.ALL, Merge.OK]);
    expect(spec('scan').runsOn).toBe(RunsOn.CURSOR);
    expect(spec('ttl').runsOn).toBe(RunsOn.SHARD);
  });
});

describe('EXPIRE family', () => {
  it('EXPIRE sets a TTL and logs it as PEXPIREAT with an absolute time', () => {
    const shard = withKeys('k');
    expect(run(shard, ['EXPIRE', 'k', '100'])).toBe(1);
    expect(shard.dbs[0]!.getExpire('k')).toBe(NOW + 100_000);
    expect(shard.log).toEqual([['PEXPIREAT', 'k', String(NOW + 100_000)]]);
  });

  it('PEXPIRE and EXPIREAT are logged as PEXPIREAT too', () => {
    const shard = withKeys('a', 'b', 'c');
    run(shard, ['PEXPIRE', 'a', '1500']);
    run(shard, ['EXPIREAT', 'b', '1900000000']);
    run(shard, ['PEXPIREAT', 'c', '1900000000123']);
    expect(shard.log).toEqual([
      ['PEXPIREAT', 'a', String(NOW + 1500)],
      ['PEXPIREAT', 'b', '1900000000000'],
      ['PEXPIREAT', 'c', '1900000000123'],
    ]);
  });

  it('EXPIRE on a missing key answers 0 and changes nothing', () => {
    const shard = withKeys();
    expect(run(shard, ['EXPIRE', 'nokey', '10'])).toBe(0);
    expect(shard.log).toEqual([]);
  });

  it('a time in the past deletes the key and is logged as DEL', () => {
    for (const args of [['EXPIRE', 'k', '0'], ['EXPIRE', 'k', '-5'], ['PEXPIREAT', 'k', String(NOW)], ['EXPIREAT', 'k', '-5']]) {
      const shard = withKeys('k');
      expect(run(shard, args)).toBe(1);
      expect(shard.dbs[0]!.data.has('k')).toBe(false);
      expect(shard.log).toEqual([['DEL', 'k']]);
    }
  });

  it('NX sets only when there is no TTL, XX only when there is one', () => {
    const shard = withKeys('k');
    expect(run(shard, ['EXPIRE', 'k', '10', 'xx'])).toBe(0);
    expect(run(shard, ['EXPIRE', 'k', '10', 'NX'])).toBe(1);
    expect(run(shard, ['EXPIRE', 'k', '20', 'nx'])).toBe(0);
    expect(run(shard, ['EXPIRE', 'k', '30', 'XX'])).toBe(1);
    expect(shard.dbs[0]!.getExpire('k')).toBe(NOW + 30_000);
  });

  it('GT treats no TTL as infinite and LT always applies to a key without one', () => {
    const shard = withKeys('k');
    expect(run(shard, ['EXPIRE', 'k', '100', 'gt'])).toBe(0);
    expect(run(shard, ['EXPIRE', 'k', '100', 'lt'])).toBe(1);
    expect(run(shard, ['EXPIRE', 'k', '100', 'lt'])).toBe(0);
    expect(run(shard, ['EXPIRE', 'k', '50', 'gt'])).toBe(0);
    expect(run(shard, ['EXPIRE', 'k', '200', 'gt'])).toBe(1);
    expect(run(shard, ['EXPIRE', 'k', '150', 'xx', 'lt'])).toBe(1);
    expect(shard.dbs[0]!.getExpire('k')).toBe(NOW + 150_000);
  });

  it('rejects incompatible and unknown options with Redis 7 texts, before the time is read', () => {
    const shard = withKeys('k');
    expect(run(shard, ['EXPIRE', 'k', '10', 'nx', 'xx'])).toEqual(
      err('ERR NX and XX, GT or LT options at the same time are not compatible'),
    );
    expect(run(shard, ['EXPIRE', 'k', '10', 'nx', 'gt'])).toEqual(
      err('ERR NX and XX, GT or LT options at the same time are not compatible'),
    );
    expect(run(shard, ['EXPIRE', 'k', '10', 'gt', 'lt'])).toEqual(err('ERR GT and LT options at the same time are not compatible'));
    expect(run(shard, ['EXPIRE', 'k', 'abc', 'foo'])).toEqual(err('ERR Unsupported option foo'));
    expect(run(shard, ['EXPIRE', 'k', '10', 'zz\0yy'])).toEqual(err('ERR Unsupported option zz'));
    expect(shard.dbs[0]!.getExpire('k')).toBeUndefined();
  });

  it('reads an option up to a NUL byte, as strcasecmp does', () => {
    const shard = withKeys('k');
    expect(run(shard, ['EXPIRE', 'k', '10', 'nx\0yy'])).toBe(1);
  });

  it('accepts repeated identical options', () => {
    expect(run(withKeys('k'), ['EXPIRE', 'k', '10', 'nx', 'nx'])).toBe(1);
  });

  it('rejects times that are not strict 64-bit integers', () => {
    const shard = withKeys('k');
    for (const t of ['abc', '01', '-0', '+5', ' 5', '5 ', '', '9223372036854775808', '1.5']) {
      expect(run(shard, ['EXPIRE', 'k', t])).toEqual(err('ERR value is not an integer or out of range'));
    }
  });

  it('reports a time that overflows 64 bits as an invalid expire time for the command used', () => {
    const shard = withKeys('k');
    expect(run(shard, ['EXPIRE', 'k', '9223372036854776'])).toEqual(err("ERR invalid expire time in 'expire' command"));
    expect(run(shard, ['EXPIRE', 'k', '-9223372036854776'])).toEqual(err("ERR invalid expire time in 'expire' command"));
    expect(run(shard, ['PEXPIRE', 'k', '9223372036854775807'])).toEqual(err("ERR invalid expire time in 'pexpire' command"));
    expect(run(shard, ['EXPIREAT', 'k', '9999999999999999'])).toEqual(err("ERR invalid expire time in 'expireat' command"));
    expect(shard.dbs[0]!.data.has('k')).toBe(true);
  });

  it('accepts the extreme times Redis accepts', () => {
    const shard = withKeys('k', 'j');
    expect(run(shard, ['PEXPIREAT', 'k', '9223372036854775807'])).toBe(1);
    expect(run(shard, ['TTL', 'k'])).toBeGreaterThan(9.2e15);
    expect(run(shard, ['EXPIRE', 'j', '-9223372036854775'])).toBe(1);
    expect(shard.dbs[0]!.data.has('j')).toBe(false);
  });
});

describe('TTL family', () => {
  it('answers -2 for a missing key and -1 for a key without a TTL', () => {
    const shard = withKeys('k');
    for (const c of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
      expect(run(shard, [c, 'nokey'])).toBe(-2);
      expect(run(shard, [c, 'k'])).toBe(-1);
    }
  });

  it('rounds TTL to the nearest second and gives PTTL in ms', () => {
    const shard = withKeys('k');
    shard.dbs[0]!.setExpire('k', NOW + 1499);
    expect(run(shard, ['TTL', 'k'])).toBe(1);
    expect(run(shard, ['PTTL', 'k'])).toBe(1499);
    shard.dbs[0]!.setExpire('k', NOW + 1500);
    expect(run(shard, ['TTL', 'k'])).toBe(2);
  });

  it('EXPIRETIME and PEXPIRETIME give the absolute time', () => {
    const shard = withKeys('k');
    run(shard, ['PEXPIREAT', 'k', '1900000000123']);
    expect(run(shard, ['EXPIRETIME', 'k'])).toBe(1900000000);
    expect(run(shard, ['PEXPIRETIME', 'k'])).toBe(1900000000123);
  });

  it('treats a key whose time has passed as gone', () => {
    const shard = withKeys('k');
    shard.dbs[0]!.setExpire('k', NOW + 10);
    shard.now = NOW + 11;
    expect(run(shard, ['TTL', 'k'])).toBe(-2);
  });

  it('keeps a key alive during the very millisecond it expires at, as Redis does', () => {
    const shard = withKeys('k');
    shard.dbs[0]!.setExpire('k', NOW + 10);
    shard.now = NOW + 10;
    expect(run(shard, ['PTTL', 'k'])).toBe(0);
  });
});

describe('PERSIST', () => {
  it('removes a TTL once and then answers 0', () => {
    const shard = withKeys('k');
    shard.dbs[0]!.setExpire('k', NOW + 5000);
    expect(run(shard, ['PERSIST', 'k'])).toBe(1);
    expect(run(shard, ['PERSIST', 'k'])).toBe(0);
    expect(run(shard, ['PERSIST', 'nokey'])).toBe(0);
    expect(run(shard, ['TTL', 'k'])).toBe(-1);
    expect(shard.log).toEqual([['PERSIST', 'k']]);
  });
});

describe('TYPE', () => {
  it('names each type and none for a missing key', () => {
    const shard = withKeys('s');
    for (const type of ['list', 'set', 'zset', 'hash'] as const) shard.dbs[0]!.set(type, { type });
    expect(run(shard, ['TYPE', 's'])).toBe('string');
    for (const type of ['list', 'set', 'zset', 'hash']) expect(run(shard, ['TYPE', type])).toBe(type);
    expect(run(shard, ['TYPE', 'nokey'])).toBe('none');
    expect(shard.run(spec('type').handler!, ['TYPE', 'nokey']).toString()).toBe('+none\r\n');
  });
});

describe('RENAME and RENAMENX', () => {
  it('RENAME keeps the TTL of the source key', () => {
    const shard = withKeys('a');
    shard.dbs[0]!.setExpire('a', NOW + 100_000);
    expect(run(shard, ['RENAME', 'a', 'b'])).toBe('OK');
    expect(shard.dbs[0]!.data.has('a')).toBe(false);
    expect(shard.dbs[0]!.getExpire('b')).toBe(NOW + 100_000);
  });

  it('RENAME over a key with a TTL leaves the target without one when the source had none', () => {
    const shard = withKeys('a', 'b');
    shard.dbs[0]!.set('a', 'from-a');
    shard.dbs[0]!.setExpire('b', NOW + 100_000);
    expect(run(shard, ['RENAME', 'a', 'b'])).toBe('OK');
    expect(shard.dbs[0]!.data.get('b')).toBe('from-a');
    expect(shard.dbs[0]!.getExpire('b')).toBeUndefined();
  });

  it('a missing source is ERR no such key, even when renamed to itself', () => {
    const shard = withKeys();
    expect(run(shard, ['RENAME', 'nokey', 'x'])).toEqual(err('ERR no such key'));
    expect(run(shard, ['RENAME', 'nokey', 'nokey'])).toEqual(err('ERR no such key'));
    expect(run(shard, ['RENAMENX', 'nokey', 'x'])).toEqual(err('ERR no such key'));
  });

  it('renaming a key to its own name changes nothing and is not logged', () => {
    const shard = withKeys('a');
    expect(run(shard, ['RENAME', 'a', 'a'])).toBe('OK');
    expect(run(shard, ['RENAMENX', 'a', 'a'])).toBe(0);
    expect(shard.dbs[0]!.data.get('a')).toBe('v');
    expect(shard.log).toEqual([]);
  });

  it('RENAMENX refuses to overwrite a live key but takes the name of an expired one', () => {
    const shard = withKeys('a', 'b', 'dead');
    expect(run(shard, ['RENAMENX', 'a', 'b'])).toBe(0);
    shard.dbs[0]!.setExpire('dead', NOW - 1);
    expect(run(shard, ['RENAMENX', 'a', 'dead'])).toBe(1);
    expect(shard.dbs[0]!.data.has('a')).toBe(false);
  });
});

describe('MOVE', () => {
  it('moves a key with its TTL to another db of the shard', () => {
    const shard = withKeys('k');
    shard.dbs[0]!.setExpire('k', NOW + 9000);
    expect(run(shard, ['MOVE', 'k', '1'])).toBe(1);
    expect(shard.dbs[0]!.data.has('k')).toBe(false);
    expect(shard.dbs[1]!.data.get('k')).toBe('v');
    expect(shard.dbs[1]!.getExpire('k')).toBe(NOW + 9000);
  });

  it('answers 0 when the key is missing or already in the target db', () => {
    const shard = withKeys('k');
    shard.dbs[3]!.set('k', 'other');
    expect(run(shard, ['MOVE', 'nokey', '3'])).toBe(0);
    expect(run(shard, ['MOVE', 'k', '3'])).toBe(0);
    expect(shard.dbs[3]!.data.get('k')).toBe('other');
  });

  it('rejects the same db, out-of-range indexes and non-integers with Redis texts', () => {
    const shard = withKeys('k');
    expect(run(shard, ['MOVE', 'k', '0'])).toEqual(err('ERR source and destination objects are the same'));
    expect(run(shard, ['MOVE', 'k', '16'])).toEqual(err('ERR DB index is out of range'));
    expect(run(shard, ['MOVE', 'k', '-1'])).toEqual(err('ERR DB index is out of range'));
    expect(run(shard, ['MOVE', 'k', 'abc'])).toEqual(err('ERR value is not an integer or out of range'));
    expect(run(shard, ['MOVE', 'k', '99999999999'])).toEqual(err('ERR value is not an integer or out of range'));
  });

  it('MOVE from another db judges the source there', () => {
    const shard = fakeShard(NOW);
    shard.dbs[2]!.set('k', 'v');
    expect(run(shard, ['MOVE', 'k', '0'], 2)).toBe(1);
    expect(shard.dbs[0]!.data.has('k')).toBe(true);
  });
});

describe('DEL, UNLINK, EXISTS, TOUCH', () => {
  it('DEL counts only live keys and logs itself when something was deleted', () => {
    const shard = withKeys('a', 'b', 'dead');
    shard.dbs[0]!.setExpire('dead', NOW - 1);
    expect(run(shard, ['DEL', 'a', 'a', 'dead', 'nokey', 'b'])).toBe(2);
    expect(shard.dbs[0]!.size).toBe(0);
    expect(shard.log).toEqual([['DEL', 'a', 'a', 'dead', 'nokey', 'b']]);
  });

  it('DEL of nothing is not logged', () => {
    const shard = withKeys();
    expect(run(shard, ['UNLINK', 'x'])).toBe(0);
    expect(shard.log).toEqual([]);
  });

  it('EXISTS counts repeated keys each time', () => {
    const shard = withKeys('a', 'b');
    expect(run(shard, ['EXISTS', 'a', 'a', 'b', 'zz'])).toBe(3);
    expect(run(shard, ['TOUCH', 'a', 'a', 'zz'])).toBe(2);
  });
});
