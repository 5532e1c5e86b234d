import { describe, expect, it } from 'vitest';
import { ReplyWriter } from '../../../src/commands/replies.ts';

const written = (fill: (w: ReplyWriter) => void, capacity = 4): string => {
  const w = new ReplyWriter(capacity);
  fill(w);
  return w.view().toString('latin1');
};

describe('ReplyWriter', () => {
  it('writes integers in decimal however many digits, including past 32 bits and negatives', () => {
    for (const n of [0, 7, 9, 10, 99, 100, 12345, 4294967295, 4294967296, 9007199254740991, -1, -42]) {
      expect(written((w) => w.integer(n))).toBe(`:${n}\r\n`);
    }
    expect(written((w) => w.integer(-(2n ** 63n)))).toBe(':-9223372036854775808\r\n');
  });

  it('writes bulk strings of every size around the small-copy cut, growing as needed', () => {
    for (const size of [0, 1, 3, 63, 64, 65, 1000]) {
      const value = Buffer.alloc(size, 0x61);
      expect(written((w) => w.bulk(value))).toBe(`$${size}\r\n${'a'.repeat(size)}\r\n`);
    }
    expect(written((w) => w.bulk(null))).toBe('$-1\r\n');
  });

  it('writes array headers and nested bulks back to back', () => {
    expect(written((w) => w.bulkArray([Buffer.from('k'), null, Buffer.from('value')]))).toBe('*3\r\n$1\r\nk\r\n$-1\r\n$5\r\nvalue\r\n');
  });

  it('copies a byte range of a larger buffer', () => {
    const src = Buffer.from('xx+OK\r\nyy');
    expect(written((w) => w.rawRange(src, 2, 7))).toBe('+OK\r\n');
    const big = Buffer.alloc(200, 0x62);
    expect(written((w) => w.rawRange(big, 10, 150))).toBe('b'.repeat(140));
  });
});
