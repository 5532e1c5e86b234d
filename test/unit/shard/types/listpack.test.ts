import { describe, expect, it } from 'vitest';
import { counted, countedCursor, countedWithoutPair, LpCursor, lpEntry } from '../../../../src/shard/types/listpack.ts';

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

  it('walks entries with a cursor that compares without copying', () => {
    const c = new LpCursor(lpEntry('ab') + lpEntry(long));
    expect(c.advance()).toBe(true);
    expect(c.equals('ab')).toBe(true);
    expect(c.equals('a')).toBe(false);
    expect(c.advance()).toBe(true);
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
});
