import { describe, expect, it } from 'vitest';
import { HashValue } from '../../../../src/shard/types/hash.ts';

const long = (n: number, c = 'x'): string => c.repeat(n);

function hashOf(...pairs: string[]): HashValue {
  const h = new HashValue();
  for (let i = 0; i < pairs.length; i += 2) h.set(pairs[i]!, pairs[i + 1]!);
  return h;
}

describe('HashValue in its packed (listpack) form', () => {
  it('keeps insertion order, an update keeping the field in place', () => {
    const h = hashOf('a', '1', 'b', '2', 'c', '3');
    expect(h.set('b', 'two')).toBe(false);
    expect(h.set('d', '4')).toBe(true);
    expect([...h.entries()]).toEqual([['a', '1'], ['b', 'two'], ['c', '3'], ['d', '4']]);
    expect(h.size).toBe(4);
    expect(h.encoding).toBe('listpack');
  });

  it('deletes the first, a middle and the last field', () => {
    const h = hashOf('a', '1', 'b', '2', 'c', '3', 'd', '4');
    expect(h.delete('a')).toBe(true);
    expect(h.delete('c')).toBe(true);
    expect(h.delete('d')).toBe(true);
    expect(h.delete('zz')).toBe(false);
    expect([...h.entries()]).toEqual([['b', '2']]);
    expect(h.delete('b')).toBe(true);
    expect(h.size).toBe(0);
    expect(h.get('b')).toBeUndefined();
  });

  it('tells a field from a value with the same bytes, and binary fields apart', () => {
    const h = hashOf('x', 'y', 'y', 'x', '', '\x00', '\xff', '');
    expect(h.get('y')).toBe('x');
    expect(h.get('x')).toBe('y');
    expect(h.get('')).toBe('\x00');
    expect(h.get('\xff')).toBe('');
    expect(h.has('\x00')).toBe(false);
  });

  it('holds 64-byte fields and values, and converts for good on a 65-byte one, in order', () => {
    const h = hashOf(long(64, 'f'), long(64), 'b', '2');
    expect(h.encoding).toBe('listpack');
    expect(h.get(long(64, 'f'))).toBe(long(64));
    h.set('b', long(65));
    expect(h.encoding).toBe('hashtable');
    expect([...h.entries()]).toEqual([[long(64, 'f'), long(64)], ['b', long(65)]]);
    h.delete('b');
    expect(h.encoding).toBe('hashtable');
  });

  it('converts on the 129th field with every field kept', () => {
    const h = new HashValue();
    for (let i = 0; i < 128; i++) h.set(`f${i}`, `v${i}`);
    expect(h.encoding).toBe('listpack');
    h.set('f128', 'v128');
    expect(h.encoding).toBe('hashtable');
    expect(h.size).toBe(129);
    for (let i = 0; i <= 128; i++) expect(h.get(`f${i}`)).toBe(`v${i}`);
  });
});
