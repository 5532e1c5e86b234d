/**
 * String command handlers on a fake shard. Every expected reply below is the exact RESP that
 * redis-server 7.0.15 sent for the same commands, and every expected log entry is what its AOF
 * recorded.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { STRING_COMMANDS } from '../../../src/commands/strings.ts';
import { Merge, RunsOn } from '../../../src/commands/table.ts';
import { StringBuf } from '../../../src/shard/types/string.ts';
import { fakeShard, type FakeShard } from '../../helpers/exec-ctx.ts';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const NOT_INTEGER = '-ERR value is not an integer or out of range\r\n';
const NOT_FLOAT = '-ERR value is not a valid float\r\n';
const spec = (name: string) => STRING_COMMANDS.find((s) => s.name === name)!;

let shard: FakeShard;
/** Runs a command and returns its raw reply as a latin1 string. */
const run = (...args: string[]): string => shard.run(spec(args[0]!.toLowerCase()).handler!, args).toString('latin1');
const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const db = () => shard.dbs[0]!;

beforeEach(() => {
  shard = fakeShard();
  db().now = shard.now;
});

describe('command table', () => {
  it('rows match Redis arity and key positions', () => {
    const row = (n: string) => { const s = spec(n); return [s.arity, s.firstKey, s.lastKey, s.step]; };
    expect(row('set')).toEqual([-3, 1, 1, 1]);
    expect(row('getrange')).toEqual([4, 1, 1, 1]);
    expect(row('mget')).toEqual([-2, 1, -1, 1]);
    expect(row('mset')).toEqual([-3, 1, -1, 2]);
    expect(row('msetnx')).toEqual([-3, 1, -1, 2]);
  });

  it('MGET and MSET are split by shard, MSETNX runs on one shard', () => {
    expect([spec('mget').runsOn, spec('mget').merge]).toEqual([RunsOn.SPLIT, Merge.BY_POSITION]);
    expect([spec('mset').runsOn, spec('mset').merge]).toEqual([RunsOn.SPLIT, Merge.OK]);
    expect(spec('msetnx').runsOn).toBe(RunsOn.SHARD);
  });
});

describe('GET and SET', () => {
  it('GET of a missing key is the null bulk', () => {
    expect(run('GET', 'nope')).toBe('$-1\r\n');
  });

  it('SET stores binary values byte for byte', () => {
    const value = Buffer.from([0, 255, 13, 10, 128]);
    shard.run(spec('set').handler!, ['SET', 'k', value]);
    expect(shard.run(spec('get').handler!, ['GET', 'k'])).toEqual(Buffer.concat([Buffer.from('$5\r\n'), value, Buffer.from('\r\n')]));
  });

  it('GET against a key holding another type is WRONGTYPE', () => {
    db().set('L', { type: 'list' });
    expect(run('GET', 'L')).toBe(WRONGTYPE);
  });

  it('SET NX and XX answer nil when they do nothing', () => {
    expect(run('SET', 'k', 'v', 'XX')).toBe('$-1\r\n');
    expect(run('SET', 'k', 'v', 'NX')).toBe('+OK\r\n');
    expect(run('SET', 'k', 'v2', 'NX', 'NX')).toBe('$-1\r\n');
    expect(run('GET', 'k')).toBe(bulk('v'));
  });

  it('SET rejects conflicting or incomplete options with a syntax error', () => {
    for (const opts of [['NX', 'XX'], ['XX', 'NX'], ['KEEPTTL', 'EX', '10'], ['EX', '10', 'KEEPTTL'], ['EX', '10', 'PX', '10'], ['EX'], ['foo']]) {
      expect(run('SET', 'k', 'v', ...opts)).toBe('-ERR syntax error\r\n');
    }
    expect(db().has('k')).toBe(false);
  });

  it('SET accepts a repeated EX, the last one winning', () => {
    expect(run('SET', 'k', 'v', 'EX', '10', 'EX', '20')).toBe('+OK\r\n');
    expect(db().getExpire('k')).toBe(shard.now + 20_000);
  });

  it('SET GET replies with the old value, also when NX stops the write', () => {
    expect(run('SET', 'k', 'v', 'NX', 'GET')).toBe('$-1\r\n');
    expect(run('SET', 'k', 'v2', 'NX', 'GET')).toBe(bulk('v'));
    expect(run('SET', 'k', 'v3', 'XX', 'GET')).toBe(bulk('v'));
    expect(run('SET', 'k', 'v4', 'GET', 'GET')).toBe(bulk('v3'));
    expect(run('GET', 'k')).toBe(bulk('v4'));
  });

  it('SET GET against another type is WRONGTYPE and changes nothing', () => {
    db().set('L', { type: 'list' });
    expect(run('SET', 'L', 'v', 'GET')).toBe(WRONGTYPE);
    expect(db().data.get('L')).toEqual({ type: 'list' });
  });

  it('SET rejects non-positive and overflowing expire times', () => {
    expect(run('SET', 'k', 'v', 'EX', '0')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(run('SET', 'k', 'v', 'EX', '-1')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(run('SET', 'k', 'v', 'EX', 'abc')).toBe(NOT_INTEGER);
    expect(run('SET', 'k', 'v', 'EX', '9223372036854775')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(run('SET', 'k', 'v', 'PX', '9223372036854775807')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(run('SET', 'k', 'v', 'EXAT', '9223372036854775')).toBe('+OK\r\n');
    expect(run('SET', 'k', 'v', 'PXAT', '9223372036854775807')).toBe('+OK\r\n');
  });

  it('SET clears the TTL unless KEEPTTL', () => {
    run('SET', 'k', 'v', 'PX', '5000');
    run('SET', 'k', 'v2', 'KEEPTTL');
    expect(db().getExpire('k')).toBe(shard.now + 5000);
    run('SET', 'k', 'v3');
    expect(db().getExpire('k')).toBeUndefined();
  });

  it('SET with a relative expiry is logged as SET PXAT with the absolute time', () => {
    run('SET', 'k', 'v', 'EX', '100', 'NX');
    run('SETEX', 'k2', '100', 'v');
    run('PSETEX', 'k3', '100000', 'v');
    run('SET', 'k4', 'v', 'EXAT', '99999999999');
    const at = String(shard.now + 100_000);
    expect(shard.log).toEqual([
      ['SET', 'k', 'v', 'PXAT', at], ['SET', 'k2', 'v', 'PXAT', at], ['SET', 'k3', 'v', 'PXAT', at],
      ['SET', 'k4', 'v', 'PXAT', '99999999999000'],
    ]);
  });

  it('SET GET is logged without GET, and a SET that did nothing is not logged', () => {
    run('SET', 'k', 'v');
    run('SET', 'k', 'v3', 'NX', 'GET');
    run('SET', 'k', 'v4', 'XX', 'GET', 'KEEPTTL');
    expect(shard.log).toEqual([['SET', 'k', 'v'], ['SET', 'k', 'v4', 'XX', 'KEEPTTL']]);
  });

  it('SETEX and PSETEX name themselves in the expire error', () => {
    expect(run('SETEX', 'k', '0', 'v')).toBe("-ERR invalid expire time in 'setex' command\r\n");
    expect(run('PSETEX', 'k', '-5', 'v')).toBe("-ERR invalid expire time in 'psetex' command\r\n");
    expect(run('SETEX', 'k', 'abc', 'v')).toBe(NOT_INTEGER);
  });

  it('SETNX answers 1 when it sets and 0 when the key exists', () => {
    expect(run('SETNX', 'k', 'x')).toBe(':1\r\n');
    expect(run('SETNX', 'k', 'y')).toBe(':0\r\n');
    expect(run('GET', 'k')).toBe(bulk('x'));
  });

  it('a key past its expiry counts as missing for NX', () => {
    run('SET', 'k', 'v', 'PX', '10');
    shard.now += 11;
    expect(run('SET', 'k', 'w', 'NX')).toBe('+OK\r\n');
  });

  it('GETSET returns the old value, clears the TTL and is logged as SET', () => {
    run('SET', 'k', 'old', 'EX', '100');
    expect(run('GETSET', 'k', 'new')).toBe(bulk('old'));
    expect(db().getExpire('k')).toBeUndefined();
    expect(shard.log.at(-1)).toEqual(['SET', 'k', 'new']);
    db().set('L', { type: 'list' });
    expect(run('GETSET', 'L', 'v')).toBe(WRONGTYPE);
  });
});

describe('APPEND, STRLEN, SETRANGE, GETRANGE', () => {
  it('APPEND creates, extends and counts bytes', () => {
    expect(run('APPEND', 'k', 'foo')).toBe(':3\r\n');
    expect(run('APPEND', 'k', 'bar')).toBe(':6\r\n');
    expect(run('GET', 'k')).toBe(bulk('foobar'));
    expect(run('STRLEN', 'k')).toBe(':6\r\n');
    expect(db().data.get('k')).toBeInstanceOf(StringBuf);
  });

  it('APPEND of nothing to a missing key creates an empty string', () => {
    expect(run('APPEND', 'k', '')).toBe(':0\r\n');
    expect(db().has('k')).toBe(true);
  });

  it('APPEND past proto-max-bulk-len is refused', () => {
    run('SET', 'k', 'x'.repeat(10));
    const ctxRun = (args: string[]) => {
      const out = shard.run((ctx, argv) => {
        ctx.config = { protoMaxBulkLen: 12, activeExpire: true };
        spec('append').handler!(ctx, argv);
      }, args);
      return out.toString('latin1');
    };
    expect(ctxRun(['APPEND', 'k', 'abc'])).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(ctxRun(['APPEND', 'k', 'ab'])).toBe(':12\r\n');
  });

  it('STRLEN of a missing key is 0 and of another type WRONGTYPE', () => {
    db().set('L', { type: 'list' });
    expect(run('STRLEN', 'nope')).toBe(':0\r\n');
    expect(run('STRLEN', 'L')).toBe(WRONGTYPE);
  });

  it('SETRANGE pads with zero bytes', () => {
    expect(run('SETRANGE', 'k', '3', 'ab')).toBe(':5\r\n');
    expect(run('GET', 'k')).toBe(bulk('\0\0\0ab'));
    run('SET', 's', 'hello');
    expect(run('SETRANGE', 's', '1', 'a')).toBe(':5\r\n');
    expect(run('GET', 's')).toBe(bulk('hallo'));
  });

  it('SETRANGE with an empty value creates nothing and answers the current length', () => {
    expect(run('SETRANGE', 'k', '5', '')).toBe(':0\r\n');
    expect(db().has('k')).toBe(false);
    run('SET', 's', 'hello');
    expect(run('SETRANGE', 's', '9223372036854775807', '')).toBe(':5\r\n');
  });

  it('SETRANGE checks the offset before the type, and the type before the size', () => {
    db().set('L', { type: 'list' });
    expect(run('SETRANGE', 'L', '-1', 'x')).toBe('-ERR offset is out of range\r\n');
    expect(run('SETRANGE', 'L', '0', 'x')).toBe(WRONGTYPE);
    expect(run('SETRANGE', 'L', '536870912', 'x')).toBe(WRONGTYPE);
    expect(run('SETRANGE', 's', '536870912', 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(run('SETRANGE', 's', '9223372036854775807', 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
  });

  it('GETRANGE clamps indexes as Redis 7.0 does', () => {
    run('SET', 's', 'hello');
    expect(run('GETRANGE', 's', '0', '-100')).toBe(bulk('h'));
    expect(run('GETRANGE', 's', '-100', '-200')).toBe(bulk(''));
    expect(run('GETRANGE', 's', '-1', '-5')).toBe(bulk(''));
    expect(run('GETRANGE', 's', '1', '100')).toBe(bulk('ello'));
    expect(run('GETRANGE', 's', '-3', '-1')).toBe(bulk('llo'));
    expect(run('GETRANGE', 's', '10', '20')).toBe(bulk(''));
    expect(run('GETRANGE', 's', '-9223372036854775807', '-9223372036854775808')).toBe(bulk(''));
    expect(run('SUBSTR', 's', '1', '2')).toBe(bulk('el'));
  });

  it('GETRANGE parses its indexes before it looks at the key', () => {
    db().set('L', { type: 'list' });
    expect(run('GETRANGE', 'nokey', 'a', '1')).toBe(NOT_INTEGER);
    expect(run('GETRANGE', 'L', 'a', '1')).toBe(NOT_INTEGER);
    expect(run('GETRANGE', 'L', '0', '1')).toBe(WRONGTYPE);
    expect(run('GETRANGE', 'nokey', '0', '1')).toBe(bulk(''));
  });

  it('GETRANGE reads a StringBuf value too', () => {
    run('APPEND', 'k', 'hello');
    run('APPEND', 'k', ' world');
    expect(run('GETRANGE', 'k', '-5', '-1')).toBe(bulk('world'));
  });
});

describe('INCR, DECR, INCRBY, DECRBY', () => {
  it('INCR against a missing key starts from 0', () => {
    expect(run('INCR', 'n')).toBe(':1\r\n');
    expect(run('DECRBY', 'n', '11')).toBe(':-10\r\n');
    expect(run('GET', 'n')).toBe(bulk('-10'));
  });

  it('INCR against a key holding a non-integer', () => {
    for (const v of ['abc', '-0', '+1', '01', ' 1', '1.5']) {
      run('SET', 'i', v);
      expect(run('INCR', 'i')).toBe(NOT_INTEGER);
    }
  });

  it('INCR works past 2^53 exactly', () => {
    run('SET', 'big', '9007199254740993');
    expect(run('INCR', 'big')).toBe(':9007199254740994\r\n');
    run('SET', 'neg', '-9007199254740993');
    expect(run('DECRBY', 'neg', '1')).toBe(':-9007199254740994\r\n');
  });

  it('INCR and DECR refuse to overflow int64', () => {
    run('SET', 'i', '9223372036854775807');
    expect(run('INCR', 'i')).toBe('-ERR increment or decrement would overflow\r\n');
    run('SET', 'i', '-9223372036854775808');
    expect(run('DECR', 'i')).toBe('-ERR increment or decrement would overflow\r\n');
    expect(run('DECRBY', 'n', '-9223372036854775808')).toBe('-ERR decrement would overflow\r\n');
  });

  it('INCRBY parses the increment before the type check', () => {
    db().set('L', { type: 'list' });
    expect(run('INCRBY', 'L', 'abc')).toBe(NOT_INTEGER);
    expect(run('INCRBY', 'L', '1')).toBe(WRONGTYPE);
  });

  it('INCR keeps the TTL and works on an appended value', () => {
    run('SET', 'n', '1', 'EX', '100');
    run('APPEND', 'n', '0');
    expect(run('INCR', 'n')).toBe(':11\r\n');
    expect(db().getExpire('n')).toBe(shard.now + 100_000);
  });
});

describe('INCRBYFLOAT', () => {
  it('INCRBYFLOAT formats like %.17Lf with trailing zeros removed', () => {
    run('SET', 'k', '10');
    expect(run('INCRBYFLOAT', 'k', '0.1')).toBe(bulk('10.1'));
    run('SET', 'a', '0.1');
    expect(run('INCRBYFLOAT', 'a', '0.2')).toBe(bulk('0.3'));
    expect(run('INCRBYFLOAT', 'n1', '1e20')).toBe(bulk('100000000000000000000'));
    expect(run('INCRBYFLOAT', 'n2', '1e-18')).toBe(bulk('0'));
    expect(run('INCRBYFLOAT', 'n3', '3.0000000000000004')).toBe(bulk('3.0000000000000004'));
    expect(run('INCRBYFLOAT', 'n4', '0x10')).toBe(bulk('16'));
    expect(run('INCRBYFLOAT', 'n5', '1.5e-17')).toBe(bulk('0.00000000000000002'));
  });

  it('INCRBYFLOAT rejects NaN, spaces and out-of-range input', () => {
    for (const bad of ['nan', ' 1', '1 ', '1e5000', '1e-5000', '1.1e', 'abc']) {
      expect(run('INCRBYFLOAT', 'n', bad)).toBe(NOT_FLOAT);
    }
    expect(run('INCRBYFLOAT', 'n', 'inf')).toBe('-ERR increment would produce NaN or Infinity\r\n');
    expect(db().has('n')).toBe(false);
  });

  it('INCRBYFLOAT against a non-float or another type', () => {
    run('SET', 's', 'hello');
    expect(run('INCRBYFLOAT', 's', '1')).toBe(NOT_FLOAT);
    db().set('L', { type: 'list' });
    expect(run('INCRBYFLOAT', 'L', 'abc')).toBe(WRONGTYPE);
  });

  it('INCRBYFLOAT is logged as SET with the result and KEEPTTL', () => {
    run('INCRBYFLOAT', 'f', '1.5');
    run('INCRBYFLOAT', 'f', '0.25');
    expect(shard.log).toEqual([['SET', 'f', '1.5', 'KEEPTTL'], ['SET', 'f', '1.75', 'KEEPTTL']]);
  });
});

describe('MGET, MSET, MSETNX', () => {
  it('MGET answers nil for missing keys and keys of other types', () => {
    run('SET', 'k', 'v');
    db().set('L', { type: 'list' });
    expect(run('MGET', 'k', 'L', 'nope')).toBe('*3\r\n$1\r\nv\r\n$-1\r\n$-1\r\n');
  });

  it('MSET with an odd number of arguments is an arity error', () => {
    expect(run('MSET', 'a')).toBe("-ERR wrong number of arguments for 'mset' command\r\n");
    expect(run('MSET', 'a', 'b', 'c')).toBe("-ERR wrong number of arguments for 'mset' command\r\n");
    expect(run('MSETNX', 'a', 'b', 'c')).toBe("-ERR wrong number of arguments for 'msetnx' command\r\n");
    expect(db().size).toBe(0);
  });

  it('MSET sets every pair and clears TTLs', () => {
    run('SET', 'a', 'old', 'EX', '100');
    expect(run('MSET', 'a', '1', 'b', '2')).toBe('+OK\r\n');
    expect(run('MGET', 'a', 'b')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(db().getExpire('a')).toBeUndefined();
  });

  it('MSETNX sets nothing when any key exists', () => {
    expect(run('MSETNX', 'a', '1', 'b', '2')).toBe(':1\r\n');
    expect(run('MSETNX', 'a', '1', 'c', '2')).toBe(':0\r\n');
    expect(db().has('c')).toBe(false);
  });
});
