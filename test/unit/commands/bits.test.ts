/**
 * Bitmap command handlers on a fake shard. Expected replies are the exact RESP redis-server
 * 7.0.15 sent for the same command sequences.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { BIT_COMMANDS } from '../../../src/commands/bits.ts';
import { STRING_COMMANDS } from '../../../src/commands/strings.ts';
import { fakeShard, type FakeShard } from '../../helpers/exec-ctx.ts';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const NOT_INTEGER = '-ERR value is not an integer or out of range\r\n';
const BIT_OFFSET = '-ERR bit offset is not an integer or out of range\r\n';
const SYNTAX = '-ERR syntax error\r\n';
const BF_TYPE = '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n';
const specs = [...BIT_COMMANDS, ...STRING_COMMANDS];

let shard: FakeShard;
const run = (...args: string[]): string =>
  shard.run(specs.find((s) => s.name === args[0]!.toLowerCase())!.handler!, args).toString('latin1');
const ints = (...ns: (number | string | null)[]): string =>
  `*${ns.length}\r\n${ns.map((n) => (n === null ? '$-1\r\n' : `:${n}\r\n`)).join('')}`;
const db = () => shard.dbs[0]!;

beforeEach(() => {
  shard = fakeShard();
  db().set('L', { type: 'list' });
});

describe('SETBIT and GETBIT', () => {
  it('SETBIT returns the old bit and counts bits from the most significant end', () => {
    expect(run('SETBIT', 'b', '7', '1')).toBe(':0\r\n');
    expect(run('GET', 'b')).toBe('$1\r\n\x01\r\n');
    expect(run('SETBIT', 'b', '7', '0')).toBe(':1\r\n');
    expect(run('GETBIT', 'b', '7')).toBe(':0\r\n');
  });

  it('GETBIT past the end or on a missing key is 0', () => {
    run('SET', 's', '\xff');
    expect(run('GETBIT', 's', '100')).toBe(':0\r\n');
    expect(run('GETBIT', 'nope', '3')).toBe(':0\r\n');
  });

  it('SETBIT validates offset, then bit value, then type', () => {
    expect(run('SETBIT', 'b', '-1', '1')).toBe(BIT_OFFSET);
    expect(run('SETBIT', 'b', 'abc', '1')).toBe(BIT_OFFSET);
    expect(run('SETBIT', 'b', '4294967296', '1')).toBe(BIT_OFFSET);
    expect(run('SETBIT', 'b', '4294967295', '2')).toBe('-ERR bit is not an integer or out of range\r\n');
    expect(run('SETBIT', 'b', '1', 'abc')).toBe('-ERR bit is not an integer or out of range\r\n');
    expect(run('SETBIT', 'L', '1', '2')).toBe('-ERR bit is not an integer or out of range\r\n');
    expect(run('SETBIT', 'L', '1', '1')).toBe(WRONGTYPE);
    expect(run('GETBIT', 'L', 'abc')).toBe(BIT_OFFSET);
    expect(run('GETBIT', 'L', '0')).toBe(WRONGTYPE);
    expect(db().has('b')).toBe(false);
  });

  it('SETBIT at the last allowed offset makes a 512 MB string', () => {
    expect(run('SETBIT', 'b', '4294967295', '1')).toBe(':0\r\n');
    expect(run('STRLEN', 'b')).toBe(':536870912\r\n');
    expect(run('GETBIT', 'b', '4294967295')).toBe(':1\r\n');
    expect(run('BITPOS', 'b', '1', '-1')).toBe(':4294967295\r\n');
  });
});

describe('BITCOUNT', () => {
  beforeEach(() => {
    run('SET', 's', 'foobar');
  });

  it('BITCOUNT counts a whole string or a byte range', () => {
    expect(run('BITCOUNT', 's')).toBe(':26\r\n');
    expect(run('BITCOUNT', 's', '1', '1')).toBe(':6\r\n');
    expect(run('BITCOUNT', 's', '1', '1', 'byte')).toBe(':6\r\n');
    expect(run('BITCOUNT', 's', '-100', '-1')).toBe(':26\r\n');
  });

  it('BITCOUNT with the BIT unit counts a bit range', () => {
    expect(run('BITCOUNT', 's', '0', '0', 'bit')).toBe(':0\r\n');
    expect(run('BITCOUNT', 's', '5', '30', 'BIT')).toBe(':17\r\n');
  });

  it('BITCOUNT answers 0 for a missing key whatever the arguments (Redis 7.0)', () => {
    expect(run('BITCOUNT', 'nope', '0')).toBe(':0\r\n');
    expect(run('BITCOUNT', 'nope', 'a', 'b')).toBe(':0\r\n');
  });

  it('BITCOUNT checks an inverted negative range before the unit', () => {
    expect(run('BITCOUNT', 's', '-1', '-2', 'foo')).toBe(':0\r\n');
    expect(run('BITCOUNT', 's', '-2', '-1', 'foo')).toBe(SYNTAX);
  });

  it('BITCOUNT rejects a lone start, bad integers and extra arguments', () => {
    expect(run('BITCOUNT', 's', '0')).toBe(SYNTAX);
    expect(run('BITCOUNT', 's', '1', 'a')).toBe(NOT_INTEGER);
    expect(run('BITCOUNT', 's', '1', '1', 'bit', 'extra')).toBe(SYNTAX);
    expect(run('BITCOUNT', 'L')).toBe(WRONGTYPE);
  });
});

describe('BITPOS', () => {
  beforeEach(() => {
    run('SET', 's', '\xff\xf0\x00');
    run('SET', 'f', '\xff\xff');
  });

  it('BITPOS on a missing key sees endless zeros', () => {
    expect(run('BITPOS', 'nope', '1')).toBe(':-1\r\n');
    expect(run('BITPOS', 'nope', '0')).toBe(':0\r\n');
    expect(run('BITPOS', 'nope', '1', 'a', 'b', 'c', 'd')).toBe(':-1\r\n');
  });

  it('BITPOS checks the bit argument first', () => {
    expect(run('BITPOS', 'nope', '2')).toBe('-ERR The bit argument must be 1 or 0.\r\n');
    expect(run('BITPOS', 'L', 'a')).toBe(NOT_INTEGER);
    expect(run('BITPOS', 'L', '1')).toBe(WRONGTYPE);
  });

  it('BITPOS finds bits in byte ranges', () => {
    expect(run('BITPOS', 's', '0')).toBe(':12\r\n');
    expect(run('BITPOS', 's', '1')).toBe(':0\r\n');
    expect(run('BITPOS', 's', '0', '0', '0')).toBe(':-1\r\n');
    expect(run('BITPOS', 's', '0', '0', '-1')).toBe(':12\r\n');
    expect(run('BITPOS', 's', '1', '2')).toBe(':-1\r\n');
  });

  it('BITPOS for a clear bit pads with zeros only when no end is given', () => {
    expect(run('BITPOS', 'f', '0')).toBe(':16\r\n');
    expect(run('BITPOS', 'f', '0', '0')).toBe(':16\r\n');
    expect(run('BITPOS', 'f', '0', '0', '-1')).toBe(':-1\r\n');
  });

  it('BITPOS finds bits in bit ranges', () => {
    expect(run('BITPOS', 's', '0', '0', '12', 'bit')).toBe(':12\r\n');
    expect(run('BITPOS', 's', '1', '5', '10', 'bit')).toBe(':5\r\n');
    expect(run('BITPOS', 's', '1', '9', '11', 'bit')).toBe(':9\r\n');
    expect(run('BITPOS', 's', '1', '-3', '-1', 'bit')).toBe(':-1\r\n');
    expect(run('BITPOS', 's', '1', '-100', '100', 'bit')).toBe(':0\r\n');
  });

  it('BITPOS reads the unit before the end', () => {
    expect(run('BITPOS', 's', '0', '0', 'a', 'foo')).toBe(SYNTAX);
    expect(run('BITPOS', 's', '0', '0', 'a')).toBe(NOT_INTEGER);
    expect(run('BITPOS', 's', '1', '1', '2', 'extra', 'extra')).toBe(SYNTAX);
  });

  it('BITPOS on an empty string is -1', () => {
    run('SET', 'e', '');
    expect(run('BITPOS', 'e', '0')).toBe(':-1\r\n');
    expect(run('BITPOS', 'e', '1')).toBe(':-1\r\n');
  });
});

describe('BITOP', () => {
  beforeEach(() => {
    run('SET', 'a', 'abc');
    run('SET', 'b', '\xff\x01');
  });

  it('BITOP AND, OR, XOR and NOT pad shorter strings with zeros', () => {
    expect(run('BITOP', 'and', 'd', 'a', 'b')).toBe(':3\r\n');
    expect(run('GET', 'd')).toBe('$3\r\na\0\0\r\n');
    expect(run('BITOP', 'or', 'd', 'a', 'b')).toBe(':3\r\n');
    expect(run('GET', 'd')).toBe('$3\r\n\xffcc\r\n');
    expect(run('BITOP', 'XOR', 'd', 'a', 'b', 'nope')).toBe(':3\r\n');
    expect(run('GET', 'd')).toBe('$3\r\n\x9ecc\r\n');
    expect(run('BITOP', 'not', 'd', 'a')).toBe(':3\r\n');
    expect(run('GET', 'd')).toBe('$3\r\n\x9e\x9d\x9c\r\n');
  });

  it('BITOP errors: unknown op, NOT with two keys, a source of another type', () => {
    expect(run('BITOP', 'foo', 'd', 'a')).toBe(SYNTAX);
    expect(run('BITOP', 'not', 'd', 'a', 'b')).toBe('-ERR BITOP NOT must be called with a single source key.\r\n');
    expect(run('BITOP', 'and', 'd', 'L')).toBe(WRONGTYPE);
  });

  it('BITOP overwrites a destination of any type and clears its TTL', () => {
    expect(run('BITOP', 'and', 'L', 'a')).toBe(':3\r\n');
    expect(run('GET', 'L')).toBe('$3\r\nabc\r\n');
    run('SET', 'd', 'x', 'EX', '100');
    run('BITOP', 'or', 'd', 'a');
    expect(db().getExpire('d')).toBeUndefined();
  });

  it('BITOP with only empty sources deletes the destination', () => {
    run('SET', 'd', 'x');
    expect(run('BITOP', 'and', 'd', 'nope', 'nope2')).toBe(':0\r\n');
    expect(db().has('d')).toBe(false);
    expect(run('BITOP', 'not', 'd', 'nope')).toBe(':0\r\n');
  });
});

describe('BITFIELD', () => {
  it('BITFIELD with no operations on a missing key is an empty array', () => {
    expect(run('BITFIELD', 'nope')).toBe('*0\r\n');
    expect(run('BITFIELD', 'L')).toBe(WRONGTYPE);
  });

  it('BITFIELD GET does not create the key', () => {
    expect(run('BITFIELD', 'nope', 'get', 'u8', '0')).toBe(ints(0));
    expect(db().has('nope')).toBe(false);
  });

  it('BITFIELD SET returns old values and GET reads signed and unsigned fields', () => {
    expect(run('BITFIELD', 'k', 'set', 'u8', '0', '255', 'get', 'u4', '0', 'get', 'i4', '0', 'get', 'u4', '4',
      'incrby', 'u8', '0', '10')).toBe(ints(0, 15, -1, 15, 9));
    expect(run('BITFIELD', 'k', 'set', 'u8', '#1', '7', 'get', 'u16', '0', 'get', 'i16', '#0')).toBe(ints(0, 2311, 2311));
  });

  it('BITFIELD overflow modes WRAP, SAT and FAIL', () => {
    expect(run('BITFIELD', 'k', 'overflow', 'sat', 'incrby', 'u8', '0', '300', 'incrby', 'i8', '8', '-1000',
      'overflow', 'fail', 'incrby', 'u8', '0', '1', 'set', 'u8', '0', '-1', 'overflow', 'wrap', 'incrby', 'i8', '8', '200'))
      .toBe(ints(255, -128, null, null, 72));
    expect(run('BITFIELD', 'k', 'overflow', 'sat', 'set', 'u8', '0', '-1', 'set', 'i8', '0', '200', 'set', 'i8', '0', '-200',
      'overflow', 'wrap', 'set', 'u8', '0', '-1', 'set', 'i8', '0', '200', 'set', 'u63', '0', '-1', 'get', 'u63', '0'))
      .toBe(ints(255, -1, 127, 128, -1, '7215892502954377216', '9223372036854775807'));
  });

  it('BITFIELD i64 wraps and saturates at the int64 limits', () => {
    expect(run('BITFIELD', 'k', 'set', 'i64', '0', '-9223372036854775808', 'incrby', 'i64', '0', '-1',
      'overflow', 'sat', 'incrby', 'i64', '0', '-1', 'incrby', 'i64', '0', '9223372036854775807', 'incrby', 'i64', '0', '1'))
      .toBe(ints(0, '9223372036854775807', '9223372036854775806', '9223372036854775807', '9223372036854775807'));
  });

  it('BITFIELD INCRBY on u2 wraps by default', () => {
    const replies = [1, 2, 3, 0].map(() => run('BITFIELD', 'k', 'incrby', 'u2', '100', '1'));
    expect(replies).toEqual([ints(1), ints(2), ints(3), ints(0)]);
  });

  it('BITFIELD that fails every write still creates the padded string', () => {
    expect(run('BITFIELD', 'new', 'overflow', 'fail', 'set', 'u8', '100', '256')).toBe(ints(null));
    expect(run('STRLEN', 'new')).toBe(':14\r\n');
  });

  it('BITFIELD argument errors', () => {
    for (const t of ['u64', 'i65', 'u0', 'x8', 'U8', '']) expect(run('BITFIELD', 'k', 'get', t, '0')).toBe(BF_TYPE);
    expect(run('BITFIELD', 'k', 'get', 'u8', '-1')).toBe(BIT_OFFSET);
    expect(run('BITFIELD', 'k', 'get', 'u8', '#-1')).toBe(BIT_OFFSET);
    expect(run('BITFIELD', 'k', 'get', 'u8', '4294967296')).toBe(BIT_OFFSET);
    expect(run('BITFIELD', 'k', 'get', 'u8', '4294967288')).toBe(ints(0));
    expect(run('BITFIELD', 'k', 'get')).toBe(SYNTAX);
    expect(run('BITFIELD', 'k', 'overflow')).toBe(SYNTAX);
    expect(run('BITFIELD', 'k', 'get', 'u8', '0', 'overflow')).toBe(SYNTAX);
    expect(run('BITFIELD', 'k', 'overflow', 'foo')).toBe('-ERR Invalid OVERFLOW type specified\r\n');
    expect(run('BITFIELD', 'k', 'set', 'u8', '0', 'abc')).toBe(NOT_INTEGER);
    expect(db().has('k')).toBe(false);
  });

  it('BITFIELD_RO allows only GET, after parsing everything', () => {
    run('SET', 'k', '\xff');
    expect(run('BITFIELD_RO', 'k', 'get', 'u8', '0')).toBe(ints(255));
    expect(run('BITFIELD_RO', 'k', 'set', 'u8', '0', '1')).toBe('-ERR BITFIELD_RO only supports the GET subcommand\r\n');
    expect(run('BITFIELD_RO', 'k', 'overflow')).toBe(SYNTAX);
    expect(run('BITFIELD_RO', 'L', 'get', 'u8', '0')).toBe(WRONGTYPE);
  });

  it('BITFIELD is logged as received only when it changed something', () => {
    run('BITFIELD', 'k', 'get', 'u8', '0');
    run('BITFIELD', 'k', 'set', 'u8', '0', '1');
    run('BITFIELD', 'k', 'overflow', 'fail', 'incrby', 'u2', '0', '5');
    expect(shard.log).toEqual([['BITFIELD', 'k', 'set', 'u8', '0', '1']]);
  });
});
