import { describe, expect, it } from 'vitest';
import { counted, countedCursor, countedWithoutPair, findPair, LpCursor, lpEntry } from '../../../../src/shard/types/listpack.ts';

const long = 'x'.repeat(300); // a length that needs a two-char varint

/** Every entry of a plain listpack, in order. */
function entries(lp: string): string[] {
  const items: string[] = [];
  const c = new LpCursor(lp);
  while (c.advance()) items.push(c.value());
  return items;
}

describe('listpack', () => {
  it('packs and unpacks entries of any length, empty ones included', () => {
    const items = ['a', '', long, '\x00\xff\r\n', 'z'.repeat(127), 'y'.repeat(128)];
    expect(entries(items.map(lpEntry).join(''))).toEqual(items);
    expect(entries('')).toEqual([]);
  });

  it('walks entries with a cursor that knows where each begins and how many it passed', () => {
    const c = new LpCursor(lpEntry('ab') + lpEntry(long));
    expect(c.advance()).toBe(true);
    expect([c.head, c.start, c.end, c.seen]).toEqual([0, 1, 3, 1]);
    expect(c.advance()).toBe(true);
    expect([c.head, c.start, c.seen]).toEqual([3, 5, 2]);
    expect(c.value()).toBe(long);
    expect(c.ownValue()).toBe(long);
    expect(c.advance()).toBe(false);
  });

  it('removes a pair from a counted listpack by its first entry, keeping the count', () => {
    const lp = counted(3, lpEntry('f1'), lpEntry('v1'), lpEntry(long), lpEntry('v2'), lpEntry('f3'), lpEntry(''));
    const rest = countedWithoutPair(lp, long)!;
    expect(rest.charCodeAt(0)).toBe(2);
    const c = countedCursor(rest);
    const left: string[] = [];
    while (c.advance()) left.push(c.value());
    expect(left).toEqual(['f1', 'v1', 'f3', '']);
    expect(countedWithoutPair(lp, 'v1')).toBeUndefined(); // a value, not a first entry
  });

  it('finds a pair by its first entry, not by the same bytes elsewhere', () => {
    // 'ab' occurs inside a value, straddling two entries ('xa' + 'b...'), and as a prefix of a
    // longer field before it is a whole field of its own.
    const pairs = [['f', 'zabz'], ['xa', 'bq'], ['abc', '1'], ['ab', 'hit'], ['', 'empty']];
    const lp = counted(pairs.length, ...pairs.flat().map(lpEntry));
    const c = findPair(lp, 'ab')!;
    expect(c.value()).toBe('ab');
    expect((c.seen - 1) / 2).toBe(3);
    c.advance();
    expect(c.value()).toBe('hit');
    expect(findPair(lp, 'zabz')).toBeNull(); // a value
    expect(findPair(lp, 'b')).toBeNull(); // only ever inside entries
    expect(findPair(lp, 'abcd')).toBeNull();
    const empty = findPair(lp, '')!;
    expect((empty.seen - 1) / 2).toBe(4);
    expect(findPair(counted(1, lpEntry('v'), lpEntry('')), '')).toBeNull(); // '' only as a value
    expect(findPair(counted(1, lpEntry(long), lpEntry('x')), long)?.value()).toBe(long);
  });
});
