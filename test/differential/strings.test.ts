/**
 * String commands, hand-written edge cases, compared byte for byte with redis-server: options,
 * wrong types, integer and float overflow, negative ranges, binary-safe and 1 MB values.
 * Multi-key commands use keys under the hash tag {k} so they stay in one slot.
 */
import { describe, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const BINARY = Buffer.from('a\r\nb\0c\r\n\0\xff', 'latin1');
const MB = 1024 * 1024;

describe.each(SLOTKV_CONFIGS)('string commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('SET then GET returns the value, and GET of a missing key is a null bulk', () =>
    s.d.run([['SET', 'foo', 'bar'], ['GET', 'foo'], ['GET', 'missing'], ['set', 'foo', 'baz'], ['gEt', 'foo']]));

  it('empty strings are stored and returned as empty bulks', () =>
    s.d.run([['SET', 'e', ''], ['GET', 'e'], ['STRLEN', 'e'], ['EXISTS', 'e'], ['APPEND', 'e', ''], ['GETRANGE', 'e', '0', '-1']]));

  it('values with CRLF and NUL inside are binary safe', () =>
    s.d.run([
      ['SET', BINARY, BINARY],
      ['GET', BINARY],
      ['APPEND', BINARY, BINARY],
      ['STRLEN', BINARY],
      ['GETRANGE', BINARY, '1', '4'],
      ['SETRANGE', BINARY, '2', '\0\0'],
      ['GET', BINARY],
      ['GETSET', BINARY, '\r\n'],
      ['MGET', BINARY, 'nope'],
    ]));

  it('1 MB values round-trip through SET, GET, APPEND, STRLEN and GETRANGE', () => {
    const big = Buffer.alloc(MB);
    for (let i = 0; i < MB; i++) big[i] = (i * 31) & 0xff;
    return s.d.run([
      ['SET', 'big', big],
      ['GET', 'big'],
      ['APPEND', 'big', big],
      ['STRLEN', 'big'],
      ['GETRANGE', 'big', String(MB - 5), String(MB + 5)],
      ['GET', 'big'],
      ['SETRANGE', 'big2', String(MB), 'x'],
      ['STRLEN', 'big2'],
    ]);
  });

  it('values either side of the size kept off the V8 heap (16 KB) behave alike', () => {
    const value = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 3) & 0xff));
    const [at, over, far] = [value(16384, 7), value(16385, 11), value(65536, 13)];
    return s.d.run([
      ['SET', 'at', at], ['SET', 'over', over], ['SET', 'far', far],
      ['GET', 'at'], ['GET', 'over'], ['GET', 'far'],
      ['OBJECT', 'ENCODING', 'at'], ['OBJECT', 'ENCODING', 'over'], ['STRLEN', 'over'],
      ['GETRANGE', 'over', '16380', '16390'], ['APPEND', 'at', 'x'], ['GET', 'at'], ['SETRANGE', 'over', '2', 'yz'],
      ['GET', 'over'], ['GETSET', 'far', 'small'], ['GET', 'far'], ['INCR', 'over'],
      ['MSET', '{m}a', over, '{m}b', 'b'], ['MGET', '{m}a', '{m}b'], ['SETEX', 'ttl', '100', far], ['GET', 'ttl'],
    ]);
  });

  it('SET NX and XX only set when the key is missing or present', () =>
    s.d.run([
      ['SET', 'k', '1', 'XX'], ['GET', 'k'], ['SET', 'k', '1', 'NX'], ['SET', 'k', '2', 'NX'], ['GET', 'k'],
      ['SET', 'k', '3', 'XX'], ['GET', 'k'], ['SET', 'k', '4', 'NX', 'XX'], ['SET', 'k', '4', 'nx', 'EX', '100'],
    ]));

  it('SET rejects bad expire times and conflicting options', () =>
    s.d.run([
      ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', '-1'], ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'EX', 'ten'], ['SET', 'k', 'v', 'EX', '1.5'], ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'EX', '10', 'PX', '10000'], ['SET', 'k', 'v', 'EX', '9223372036854775807'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'], ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'v', 'BOGUS'], ['SET', 'k'], ['GET'], ['GET', 'a', 'b'], ['EXISTS', 'k'],
    ]));

  it('SET GET returns the old value and KEEPTTL keeps the expiry', () =>
    s.d.run([
      ['SET', 'k', 'v1', 'GET'], ['SET', 'k', 'v2', 'GET'], ['SET', 'k', 'v3', 'EX', '100'],
      ['SET', 'k', 'v4', 'KEEPTTL'], ['TTL', 'k'], ['SET', 'k', 'v5'], ['TTL', 'k'],
      ['SADD', 's', 'm'], ['SET', 's', 'x', 'GET'], ['GET', 's'], ['SET', 'k', 'v6', 'NX', 'GET'],
    ]));

  it('SETNX and MSETNX set nothing when any key exists', () =>
    s.d.run([
      ['SETNX', 'k', '1'], ['SETNX', 'k', '2'], ['GET', 'k'],
      ['MSETNX', '{k}a', '1', '{k}b', '2'], ['MSETNX', '{k}b', '3', '{k}c', '4'],
      ['MGET', '{k}a', '{k}b', '{k}c'], ['MSETNX', '{k}a'], ['MSETNX', '{k}d', '1', '{k}d', '2'], ['GET', '{k}d'],
    ]));

  it('MSET and MGET work across slots and MGET returns nil for other types', () =>
    s.d.run([
      ['MSET', 'a', '1', 'b', '2', 'c', '3', '{k}1', '4'], ['MGET', 'a', 'b', 'c', '{k}1', 'missing'],
      ['SADD', 'set', 'x'], ['MGET', 'a', 'set', 'b'], ['MSET', 'a'], ['MSET', 'a', '1', 'b'],
      ['MSET', 'a', 'x', 'a', 'y'], ['GET', 'a'], ['MSET', 'set', 'now-a-string'], ['TYPE', 'set'],
      ['SET', 'ttl', 'v', 'EX', '100'], ['MSET', 'ttl', 'w', 'a', 'z'], ['TTL', 'ttl'], ['MGET', 'ttl', 'a', 'a', BINARY],
      ['MSET', BINARY, '', 'e', ''], ['MGET', BINARY, 'e'],
    ]));

  it('SET and MSET replace values of every kind, for keys either side of the lengths kept inline', () => {
    // 20, 21, 24 and 25 bytes: a key table keeps a key inline up to 24 bytes, or 20 beside a
    // value it holds elsewhere (a list), and a SET's value inline when both fit in 24.
    const keys = [20, 21, 24, 25].map((n) => 'k'.repeat(n - 2) + String(n));
    const steps: string[][] = [];
    for (const k of keys) {
      steps.push(['RPUSH', k, 'x'], ['SET', k, 'b'], ['GET', k], ['TYPE', k]);
      steps.push(['SADD', k, 'y'], ['DEL', k], ['SADD', k, 'y'], ['MSET', k, 'c'], ['GET', k]);
      steps.push(['SET', k, 'v'.repeat(30)], ['SET', k, 'd'], ['GET', k], ['STRLEN', k]);
    }
    return s.d.run(steps);
  });

  it('INCR and DECR keep the TTL, count in an appended value, and refuse other types', () =>
    s.d.run([
      ['SET', 'c', '10', 'EX', '100'], ['INCR', 'c'], ['TTL', 'c'], ['DECR', 'c'], ['DECR', 'c'], ['GET', 'c'],
      ['SET', 'a', '1'], ['APPEND', 'a', '2'], ['INCR', 'a'], ['GET', 'a'], ['OBJECT', 'ENCODING', 'a'],
      ['RPUSH', 'l', 'x'], ['INCR', 'l'], ['DECR', 'l'], ['INCR', 'fresh'], ['DECR', 'fresh2'], ['MGET', 'fresh', 'fresh2'],
      ['SET', 'max', '9223372036854775807'], ['INCR', 'max'], ['SET', 'min', '-9223372036854775808'], ['DECR', 'min'],
    ]));

  it('INCR, DECR, INCRBY and DECRBY count and reject non-integers', () =>
    s.d.run([
      ['INCR', 'n'], ['INCR', 'n'], ['DECR', 'n'], ['INCRBY', 'n', '100'], ['INCRBY', 'n', '-300'],
      ['DECRBY', 'n', '7'], ['GET', 'n'], ['INCRBY', 'n', 'x'], ['INCRBY', 'n', '1.5'], ['INCRBY', 'n', ''],
      ['SET', 's', ' 1'], ['INCR', 's'], ['SET', 's', '1 '], ['INCR', 's'], ['SET', 's', '007'], ['INCR', 's'],
      ['SET', 's', '+1'], ['INCR', 's'], ['SET', 's', '-0'], ['INCR', 's'], ['SET', 's', '1.0'], ['INCR', 's'],
      ['SET', 's', ''], ['INCR', 's'], ['SET', 's', '0'], ['DECR', 's'], ['GET', 's'],
    ]));

  it('INCR and DECR refuse to overflow 64 bits', () =>
    s.d.run([
      ['SET', 'n', '9223372036854775807'], ['INCR', 'n'], ['INCRBY', 'n', '1'], ['DECR', 'n'], ['GET', 'n'],
      ['SET', 'n', '-9223372036854775808'], ['DECR', 'n'], ['INCRBY', 'n', '-1'], ['INCR', 'n'],
      ['SET', 'n', '9223372036854775808'], ['INCR', 'n'], ['SET', 'n', '0'],
      ['INCRBY', 'n', '9223372036854775808'], ['DECRBY', 'n', '-9223372036854775808'],
      ['INCRBY', 'n', '-9223372036854775808'], ['DECRBY', 'n', '9223372036854775807'], ['GET', 'n'],
    ]));

  it('INCRBYFLOAT adds, formats like Redis and rejects NaN and infinity', () =>
    s.d.run([
      ['INCRBYFLOAT', 'f', '1.5'], ['INCRBYFLOAT', 'f', '-1.5'], ['GET', 'f'], ['SET', 'f', '10.5'],
      ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '-5.0e3'], ['SET', 'f', '5.0e3'], ['INCRBYFLOAT', 'f', '2.0e2'],
      ['INCRBYFLOAT', 'f', 'abc'], ['INCRBYFLOAT', 'f', ''], ['INCRBYFLOAT', 'f', 'inf'], ['INCRBYFLOAT', 'f', 'nan'],
      ['SET', 'f', '1e308'], ['INCRBYFLOAT', 'f', '1e308'], ['GET', 'f'], ['SET', 'f', '17'],
      ['INCRBYFLOAT', 'f', '3'], ['INCR', 'f'], ['SET', 'f', 'x'], ['INCRBYFLOAT', 'f', '1'],
      ['SET', 'f', '3.0'], ['INCRBYFLOAT', 'f', '0'], ['SET', 'f', '1.23e-4'], ['INCRBYFLOAT', 'f', '1'],
    ]));

  it('APPEND creates, extends and reports the new length', () =>
    s.d.run([['APPEND', 'k', 'hello'], ['APPEND', 'k', ' world'], ['GET', 'k'], ['SET', 'n', '5'], ['APPEND', 'n', '0'], ['INCR', 'n']]));

  it('GETRANGE handles negative, reversed and out-of-range indexes', () =>
    s.d.run([
      ['SET', 'k', 'This is a string'],
      ...[['0', '3'], ['-3', '-1'], ['0', '-1'], ['10', '100'], ['5', '3'], ['-100', '-50'], ['-1', '-5'],
        ['-100', '2'], ['100', '200'], ['-1', '-1'], ['0', '0'], ['15', '15'], ['16', '16'],
        ['0', '9223372036854775807'], ['-9223372036854775808', '1']].map(([a, b]) => ['GETRANGE', 'k', a!, b!]),
      ['GETRANGE', 'missing', '0', '-1'], ['GETRANGE', 'k', 'x', '1'], ['GETRANGE', 'k', '0'],
      ['SUBSTR', 'k', '1', '3'],
    ]));

  it('SETRANGE pads with zero bytes and rejects bad offsets', () =>
    s.d.run([
      ['SETRANGE', 'k', '5', 'hi'], ['GET', 'k'], ['SETRANGE', 'k', '0', 'HEL'], ['GET', 'k'],
      ['SETRANGE', 'k', '1', ''], ['SETRANGE', 'new', '3', ''], ['EXISTS', 'new'], ['SETRANGE', 'new', '0', ''],
      ['SETRANGE', 'k', '-1', 'x'], ['SETRANGE', 'k', 'x', 'x'], ['SETRANGE', 'k', '536870912', 'x'],
      ['SETRANGE', 'k', '536870911', ''], ['STRLEN', 'k'],
    ]));

  it('STRLEN measures values and GETSET swaps them, dropping the expiry', () =>
    s.d.run([
      ['STRLEN', 'missing'], ['GETSET', 'k', 'a'], ['GETSET', 'k', 'bb'], ['STRLEN', 'k'],
      ['SET', 't', 'v', 'EX', '100'], ['GETSET', 't', 'w'], ['TTL', 't'], ['SET', 'n', '12345'], ['STRLEN', 'n'],
    ]));

  it('every string command answers WRONGTYPE on a set', () =>
    s.d.run([
      ['SADD', 's', 'm'], ['GET', 's'], ['APPEND', 's', 'x'], ['INCR', 's'], ['DECR', 's'], ['INCRBY', 's', '2'],
      ['DECRBY', 's', '2'], ['INCRBYFLOAT', 's', '1'], ['GETRANGE', 's', '0', '1'], ['SETRANGE', 's', '0', 'x'],
      ['STRLEN', 's'], ['GETSET', 's', 'x'], ['SETBIT', 's', '0', '1'], ['GETBIT', 's', '0'],
      ['BITCOUNT', 's'], ['BITPOS', 's', '1'], ['SETNX', 's', 'x'], ['TYPE', 's'],
    ]));

  it('SETBIT and GETBIT grow the string and return the old bit', () =>
    s.d.run([
      ['SETBIT', 'b', '7', '1'], ['GET', 'b'], ['SETBIT', 'b', '7', '0'], ['SETBIT', 'b', '100', '1'],
      ['STRLEN', 'b'], ['GETBIT', 'b', '100'], ['GETBIT', 'b', '1000'], ['GETBIT', 'missing', '0'],
      ['SETBIT', 'b', '0', '2'], ['SETBIT', 'b', '-1', '1'], ['SETBIT', 'b', '4294967296', '1'],
      ['SETBIT', 'b', 'x', '1'], ['GETBIT', 'b', '-1'], ['GETBIT', 'b', '4294967296'], ['GET', 'b'],
    ]));

  it('BITCOUNT counts bytes or bits in ranges', () =>
    s.d.run([
      ['SET', 'k', 'foobar'], ['BITCOUNT', 'k'], ['BITCOUNT', 'k', '0', '0'], ['BITCOUNT', 'k', '1', '1'],
      ['BITCOUNT', 'k', '-2', '-1'], ['BITCOUNT', 'k', '5', '1'], ['BITCOUNT', 'k', '0', '100'],
      ['BITCOUNT', 'k', '1', '1', 'BYTE'], ['BITCOUNT', 'k', '5', '30', 'BIT'], ['BITCOUNT', 'k', '-3', '-1', 'bit'],
      ['BITCOUNT', 'k', '0'], ['BITCOUNT', 'k', '0', '1', 'WORD'], ['BITCOUNT', 'missing'], ['BITCOUNT', 'missing', '0', '1'],
    ]));

  it('BITPOS finds the first set or clear bit', () =>
    s.d.run([
      ['SET', 'k', Buffer.from([0xff, 0xf0, 0x00])], ['BITPOS', 'k', '0'], ['BITPOS', 'k', '1', '2'],
      ['BITPOS', 'k', '1', '1'], ['BITPOS', 'k', '0', '0', '0'], ['BITPOS', 'k', '1', '7', '15', 'BIT'],
      ['BITPOS', 'k', '0', '-1'], ['SET', 'ones', Buffer.from([0xff, 0xff])], ['BITPOS', 'ones', '0'],
      ['BITPOS', 'ones', '0', '0', '-1'], ['BITPOS', 'missing', '0'], ['BITPOS', 'missing', '1'],
      ['BITPOS', 'k', '2'], ['BITPOS', 'k', '1', '0', '1', 'BYTE'], ['BITPOS', 'k', '1', 'x'],
    ]));

  it('BITOP combines keys of one slot', () =>
    s.d.run([
      ['SET', '{k}a', 'foobar'], ['SET', '{k}b', 'abcdef'], ['BITOP', 'AND', '{k}d', '{k}a', '{k}b'], ['GET', '{k}d'],
      ['BITOP', 'OR', '{k}d', '{k}a', '{k}b'], ['GET', '{k}d'], ['BITOP', 'XOR', '{k}d', '{k}a', '{k}missing'],
      ['GET', '{k}d'], ['BITOP', 'NOT', '{k}d', '{k}a'], ['GET', '{k}d'], ['BITOP', 'NOT', '{k}d', '{k}a', '{k}b'],
      ['BITOP', 'NAND', '{k}d', '{k}a'], ['BITOP', 'AND', '{k}d', '{k}missing'], ['EXISTS', '{k}d'],
    ]));
});
