import { describe, expect, it } from 'vitest';
import { LpCursor, lpAt, lpDelete, lpFrom, lpIndexOf, lpInsert, lpItems, lpReplace } from '../../../../src/shard/types/listpack.ts';

const long = 'x'.repeat(300); // a length that needs a two-char varint

describe('listpack', () => {
  it('packs and unpacks entries of any length, empty ones included', () => {
    const items = ['a', '', long, '\x00\xff\r\n', 'z'.repeat(127), 'y'.repeat(128)];
    expect(lpItems(lpFrom(items))).toEqual(items);
    expect(lpFrom([])).toBe('');
  });

  it('finds an entry by value, honouring step and offset', () => {
    const lp = lpFrom(['f1', 'v', 'v', 'f1', long, 'v2']);
    expect(lpIndexOf(lp, 'f1')).toBe(0);
    expect(lpIndexOf(lp, 'f1', 2, 1)).toBe(3);
    expect(lpIndexOf(lp, 'v', 2, 0)).toBe(2);
    expect(lpIndexOf(lp, long, 2, 0)).toBe(4);
    expect(lpIndexOf(lp, 'nope')).toBe(-1);
    expect(lpAt(lp, 5)).toBe('v2');
    expect(lpAt(lp, 6)).toBeUndefined();
  });

  it('replaces, deletes and inserts entries in place of the rest', () => {
    const lp = lpFrom(['a', long, 'c']);
    expect(lpItems(lpReplace(lp, 1, 'b'))).toEqual(['a', 'b', 'c']);
    expect(lpItems(lpReplace(lp, 0, long))).toEqual([long, long, 'c']);
    expect(lpItems(lpDelete(lp, 1))).toEqual(['a', 'c']);
    expect(lpItems(lpDelete(lp, 0, 2))).toEqual(['c']);
    expect(lpItems(lpDelete(lp, 2, 5))).toEqual(['a', long]);
    expect(lpItems(lpInsert(lp, 1, ['x', 'y']))).toEqual(['a', 'x', 'y', long, 'c']);
    expect(lpItems(lpInsert(lp, 3, ['end']))).toEqual(['a', long, 'c', 'end']);
    expect(() => lpReplace(lp, 3, 'x')).toThrow(RangeError);
  });

  it('walks entries with a cursor that compares without copying', () => {
    const c = new LpCursor(lpFrom(['ab', long]));
    expect(c.advance()).toBe(true);
    expect(c.equals('ab')).toBe(true);
    expect(c.equals('a')).toBe(false);
    expect(c.advance()).toBe(true);
    expect(c.value()).toBe(long);
    expect(c.advance()).toBe(false);
  });
});
