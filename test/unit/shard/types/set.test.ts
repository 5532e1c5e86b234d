import { describe, expect, it } from 'vitest';
import { SET_INDEX_MIN, SetValue } from '../../../../src/shard/types/set.ts';

describe('SetValue', () => {
  it('answers membership the same below and above the size where it starts indexing', () => {
    const s = new SetValue();
    const n = SET_INDEX_MIN * 3;
    for (let i = 0; i < n; i++) {
      expect(s.add(`m${i}`)).toBe(true);
      expect(s.add(`m${i}`)).toBe(false);
      expect(s.size).toBe(i + 1);
      for (let j = 0; j <= i + 1; j++) expect(s.has(`m${j}`)).toBe(j <= i);
    }
    // Remove from the front, the middle and the end, crossing back under the threshold.
    for (let i = 0; i < n; i += 2) expect(s.remove(`m${i}`)).toBe(true);
    expect(s.remove('m0')).toBe(false);
    expect(s.size).toBe(n / 2);
    for (let i = 0; i < n; i++) expect(s.has(`m${i}`)).toBe(i % 2 === 1);
    expect([...s.items].sort()).toEqual(Array.from({ length: n / 2 }, (_, k) => `m${2 * k + 1}`).sort());
  });

  it('keeps a small set array at its exact length', () => {
    const s = new SetValue();
    s.add('a');
    s.add('b');
    expect(s.items).toEqual(['a', 'b']);
    expect(s.type).toBe('set');
    expect(Object.keys(s)).not.toContain('type');
  });
});
