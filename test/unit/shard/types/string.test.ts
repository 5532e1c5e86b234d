/**
 * The string type API without handlers: integer and long double parsing, INCRBYFLOAT's
 * formatting, StringBuf growth and the ops' statuses. Expected numbers were checked against
 * redis-server 7.0.15 (x86-64, 80-bit long double).
 */
import { describe, expect, it } from 'vitest';
import { Db } from '../../../../src/shard/keyspace.ts';
import {
  addLongDouble, append, BIG_VALUE, formatLongDouble, incrBy, incrByFloat, setRange, Status, StringBuf, string2ld,
  setStringBytes, string2ll, stringForBits, valueFromBytes, type LongDouble,
} from '../../../../src/shard/types/string.ts';

const ld = (s: string): LongDouble => {
  const v = string2ld(s);
  if (v === undefined) throw new Error(`not a long double: ${s}`);
  return v;
};
/** What INCRBYFLOAT would reply for a stored value and an increment. */
const incrFloat = (a: string, b: string): string | undefined => {
  const r = addLongDouble(ld(a), ld(b));
  return r === undefined || r.e === Infinity ? undefined : formatLongDouble(r);
};

describe('string2ll', () => {
  it.each([
    ['0', 0], ['1', 1], ['-1', -1], ['123456789012345', 123456789012345],
    ['9007199254740991', 9007199254740991],
  ])('accepts %s', (text, value) => {
    expect(string2ll(text)).toBe(value);
    expect(string2ll(Buffer.from(text))).toBe(value);
  });

  it('returns int64 values beyond 2^53 as exact bigints', () => {
    expect(string2ll('9007199254740993')).toBe(9007199254740993n);
    expect(string2ll('9223372036854775807')).toBe(9223372036854775807n);
    expect(string2ll(Buffer.from('-9223372036854775808'))).toBe(-9223372036854775808n);
  });

  it.each(['', '-', '+1', '01', '-0', '00', ' 1', '1 ', '1.0', '1e3', 'abc', '9223372036854775808',
    '-9223372036854775809', '12345678901234567890123', '1\u00002'])('rejects %j as Redis does', (text) => {
    expect(string2ll(text)).toBeUndefined();
  });
});

describe('string2ld', () => {
  it.each(['', ' 1', '1 ', 'nan', '-nan', 'NaN(1)', '1e', '.', '0x', '1e5000', '1e-5000', '0x1p-16446', '1,5',
    '1\u00002', '+-1'])('rejects %j', (text) => {
    expect(string2ld(text)).toBeUndefined();
  });

  it('accepts what strtold accepts: a plus sign, hex, inf and subnormals', () => {
    expect(incrFloat('+1.5', '0')).toBe('1.5');
    expect(incrFloat('0x10', '0')).toBe('16');
    expect(incrFloat('.5', '5.')).toBe('5.5');
    expect(string2ld('-Infinity')).toEqual({ neg: true, m: 1n, e: Infinity });
    expect(incrFloat('1e-4940', '0')).toBe('0');
  });

  it('rejects input of 5120 characters or more, like Redis', () => {
    expect(string2ld('1'.padStart(5119, '0'))).toBeDefined();
    expect(string2ld('1'.padStart(5120, '0'))).toBeUndefined();
  });
});

describe('INCRBYFLOAT arithmetic and formatting', () => {
  it.each([
    ['10', '0.1', '10.1'],
    ['0.1', '0.2', '0.3'], // long double hides the 0.30000000000000004 a double would show
    ['0', '1e20', '100000000000000000000'],
    ['0', '1e-18', '0'],
    ['0', '-1e-18', '0'],
    ['0', '1.5e-17', '0.00000000000000002'],
    ['0', '3.0000000000000004', '3.0000000000000004'],
    ['10.5', '-10.5', '0'],
    ['0', '123456789012345678901234567890', '123456789012345678899921813504'],
    ['1.1', '2.2', '3.3'],
    ['5.0e3', '-0.25', '4999.75'],
  ])('%s + %s prints as %s', (a, b, expected) => {
    expect(incrFloat(a, b)).toBe(expected);
  });

  it('prints 1e4000 with every integer digit, as %.17Lf does', () => {
    const text = incrFloat('0', '1e4000')!;
    expect(text).toHaveLength(4000);
    expect(text.startsWith('99999999999999999999654638730996237849324925835069576313015083')).toBe(true);
  });

  it('treats inf plus -inf as NaN and overflow as infinity', () => {
    expect(addLongDouble(ld('inf'), ld('-inf'))).toBeUndefined();
    expect(incrFloat('1.1e4932', '1.1e4932')).toBeUndefined();
  });
});

describe('StringBuf', () => {
  it('grows geometrically so that repeated appends are amortized O(1)', () => {
    const sb = new StringBuf(1);
    let reallocations = 0;
    for (let i = 0; i < 10_000; i++) {
      const before = sb.buf;
      sb.append(Buffer.from('x'));
      if (sb.buf !== before) reallocations++;
    }
    expect(sb.len).toBe(10_000);
    expect(reallocations).toBeLessThan(20);
  });

  it('zero pads a write past the end', () => {
    const sb = StringBuf.from(Buffer.from('ab'));
    sb.write(4, Buffer.from('z'));
    expect(sb.view()).toEqual(Buffer.from('ab\0\0z', 'latin1'));
  });

  it('copies a value and zeroes only the room asked for past it', () => {
    const sb = StringBuf.from(Buffer.from('abc'), 5);
    expect(sb.len).toBe(3);
    expect(sb.buf).toEqual(Buffer.from('abc\0\0\0\0\0', 'latin1'));
    sb.growZero(8);
    expect(sb.view()).toEqual(Buffer.from('abc\0\0\0\0\0', 'latin1'));
  });
});

describe('setStringBytes', () => {
  const bytesOf = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 1) & 0xff));

  it('writes a big value into the key\'s buffer when it fits, telling a snapshot of the old bytes first', () => {
    const db = new Db();
    setStringBytes(db, 'k', bytesOf(BIG_VALUE + 100, 3), false);
    const first = db.raw('k') as StringBuf;
    db.setExpire('k', db.now + 60_000);
    const seen: Buffer[] = [];
    db.beforeChange = (key) => seen.push(Buffer.from((db.raw(key) as StringBuf).view()));
    const next = bytesOf(BIG_VALUE + 50, 5);
    setStringBytes(db, 'k', next, false);
    expect(db.raw('k')).toBe(first); // the same buffer, no allocation
    expect(first.view().equals(next)).toBe(true);
    expect(first.buf.subarray(next.length).every((b) => b === 0)).toBe(true);
    expect(seen.map((b) => b.equals(bytesOf(BIG_VALUE + 100, 3)))).toEqual([true]);
    expect(db.getExpire('k')).toBeUndefined();
  });

  it('allocates anew when the buffer is too small or over twice the size, and keeps the TTL when asked', () => {
    const db = new Db();
    setStringBytes(db, 'k', bytesOf(BIG_VALUE + 1, 3), false);
    const first = db.raw('k');
    setStringBytes(db, 'k', bytesOf(BIG_VALUE + 2, 5), false); // larger than the buffer
    expect(db.raw('k')).not.toBe(first);
    const second = db.raw('k') as StringBuf;
    db.setExpire('k', db.now + 60_000);
    setStringBytes(db, 'k', bytesOf(100, 7), true); // small: a latin1 string
    expect(db.raw('k')).toBe(bytesOf(100, 7).latin1Slice());
    expect(db.getExpire('k')).toBe(db.now + 60_000);
    setStringBytes(db, 'big', bytesOf(4 * BIG_VALUE, 3), false);
    const wide = db.raw('big');
    setStringBytes(db, 'big', bytesOf(BIG_VALUE + 1, 3), false); // would waste over half the buffer
    expect(db.raw('big')).not.toBe(wide);
    expect(second).toBeInstanceOf(StringBuf);
  });
});

describe('valueFromBytes', () => {
  it('keeps values up to BIG_VALUE bytes as latin1 strings and bigger ones off the heap, bytes intact', () => {
    const bytes = Buffer.alloc(BIG_VALUE + 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const small = valueFromBytes(bytes.subarray(0, BIG_VALUE));
    expect(typeof small).toBe('string');
    expect(Buffer.from(small as string, 'latin1').equals(bytes.subarray(0, BIG_VALUE))).toBe(true);
    const big = valueFromBytes(bytes);
    expect(big).toBeInstanceOf(StringBuf);
    expect((big as StringBuf).view().equals(bytes)).toBe(true);
    // Memory of its own, not a slice of a slab that other Buffers share (and it would pin).
    expect((big as StringBuf).buf.buffer.byteLength).toBe(bytes.length);
    bytes[0] = 1 - bytes[0]!; // a copy, not a view of the request
    expect((big as StringBuf).view()[0]).not.toBe(bytes[0]);
  });
});

describe('string ops', () => {
  const now = 1_700_000_000_000;
  const freshDb = (): Db => {
    const db = new Db();
    db.now = now;
    return db;
  };

  it('incrBy keeps the TTL and stores the result as a latin1 string', () => {
    const db = freshDb();
    db.set('n', '41');
    db.setExpire('n', now + 5000);
    expect(incrBy(db, 'n', 1)).toBe(42);
    expect(db.data.get('n')).toBe('42');
    expect(db.getExpire('n')).toBe(now + 5000);
  });

  it('incrBy answers statuses for a wrong type, a non-integer and an overflow', () => {
    const db = freshDb();
    db.set('l', { type: 'list' });
    db.set('s', 'abc');
    db.set('max', '9223372036854775807');
    expect(incrBy(db, 'l', 1)).toBe(Status.WRONGTYPE);
    expect(incrBy(db, 's', 1)).toBe(Status.NOT_INTEGER);
    expect(incrBy(db, 'max', 1)).toBe(Status.OVERFLOW);
    expect(incrBy(db, 'max', -1)).toBe(9223372036854775806n);
  });

  it('incrByFloat refuses a stored non-number and a result of infinity', () => {
    const db = freshDb();
    db.set('s', 'abc');
    expect(incrByFloat(db, 's', ld('1'))).toBe(Status.NOT_FLOAT);
    expect(incrByFloat(db, 'x', ld('inf'))).toBe(Status.NAN_OR_INF);
    expect(db.has('x')).toBe(false);
  });

  it('append turns the value into a StringBuf in place, keeping its TTL', () => {
    const db = freshDb();
    db.set('k', 'ab');
    db.setExpire('k', now + 1000);
    expect(append(db, 'k', Buffer.from('cd'), 1024)).toBe(4);
    const v = db.data.get('k');
    expect(v).toBeInstanceOf(StringBuf);
    expect((v as StringBuf).view().toString()).toBe('abcd');
    expect(db.getExpire('k')).toBe(now + 1000);
  });

  it('append and setRange refuse to pass the maximum length', () => {
    const db = freshDb();
    db.set('k', 'abc');
    expect(append(db, 'k', Buffer.from('de'), 4)).toBe(Status.TOO_LONG);
    expect(setRange(db, 'k', 3, Buffer.from('xy'), 4)).toBe(Status.TOO_LONG);
    expect(setRange(db, 'k', 2, Buffer.from('xy'), 4)).toBe(4);
  });

  it('stringForBits creates or zero pads the string to the requested size', () => {
    const db = freshDb();
    const sb = stringForBits(db, 'b', 3) as StringBuf;
    expect(sb.view()).toEqual(Buffer.alloc(3));
    db.set('s', 'a');
    expect((stringForBits(db, 's', 2) as StringBuf).view()).toEqual(Buffer.from('a\0', 'latin1'));
    db.set('l', { type: 'list' });
    expect(stringForBits(db, 'l', 1)).toBe(Status.WRONGTYPE);
  });
});
