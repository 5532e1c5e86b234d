import { describe, expect, it } from 'vitest';
import { hashBytes, hashLatin1 } from '../../../src/shard/key-bytes.ts';
import { KeyTables } from '../../../src/shard/key-table.ts';
import type { Value } from '../../../src/shard/keyspace.ts';
import { mulberry32 } from '../../../src/util/prng.ts';

/**
 * KeyTables against a plain Map per group, over long seeded runs of random adds, overwrites
 * (as strings, as bytes, as objects) and deletes: keys and values of every length around the
 * inline limits, so entries move between inline, beside-a-handle and outside, and tables grow,
 * compact, empty out and come back while sharing the arena.
 */
const GROUPS = 8;

function randomString(rand: () => number, max: number): string {
  const length = Math.floor(rand() * (max + 1));
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(rand() < 0.1 ? Math.floor(rand() * 256) : 97 + Math.floor(rand() * 4));
  return s;
}

function check(tables: KeyTables, model: Map<string, { value: Value; clock: number }>[]): void {
  for (let g = 0; g < GROUPS; g++) {
    const m = model[g]!;
    expect(tables.size(g)).toBe(m.size);
    expect(new Set(tables.keys(g))).toEqual(new Set(m.keys()));
    for (const [key, { value, clock }] of m) {
      const i = tables.find(g, key, hashLatin1(key));
      expect(i).not.toBe(-1);
      expect(tables.valueOf(g, i)).toEqual(value);
      expect(tables.clockOf(g, i)).toBe(clock);
      const bytes = Buffer.from(`#${key}`, 'latin1');
      expect(tables.findBytes(g, bytes, 1, bytes.length, hashBytes(bytes, 1, bytes.length))).toBe(i);
    }
  }
}

describe('KeyTables against a model', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`agrees after 20,000 random operations (seed ${seed})`, () => {
      const rand = mulberry32(seed);
      const tables = new KeyTables(GROUPS);
      const model = Array.from({ length: GROUPS }, () => new Map<string, { value: Value; clock: number }>());
      // Few distinct keys per group, so that keys come back after they were deleted.
      const keyPool = Array.from({ length: 300 }, () => randomString(rand, 30));
      for (let op = 0; op < 20_000; op++) {
        const g = Math.floor(rand() * GROUPS);
        const m = model[g]!;
        const key = keyPool[Math.floor(rand() * keyPool.length)]!;
        const hash = hashLatin1(key);
        const i = tables.find(g, key, hash);
        expect(i !== -1).toBe(m.has(key));
        const r = rand();
        const value: Value = r < 0.15 ? ({ type: 'list', n: op } as unknown as Value) : randomString(rand, 40);
        const clock = op;
        if (r < 0.3 && i !== -1) {
          expect(tables.delete(g, key, hash)).toBe(true);
          m.delete(key);
        } else if (i === -1) {
          if (typeof value === 'string' && rand() < 0.5 && key.length + value.length <= 24) {
            const req = Buffer.from(`${key}${value}`, 'latin1');
            tables.addBytes(g, req, 0, key.length, hash, req, key.length, req.length, clock);
          } else {
            tables.add(g, key, hash, value, clock);
          }
          m.set(key, { value, clock });
        } else {
          if (typeof value === 'string' && rand() < 0.5) {
            const src = Buffer.from(value, 'latin1');
            if (!tables.setValueBytes(g, i, src, 0, src.length)) tables.setValue(g, i, value);
          } else {
            tables.setValue(g, i, value);
          }
          tables.setClock(g, i, clock);
          m.set(key, { value, clock });
        }
        if (op % 2_000 === 0) check(tables, model);
      }
      check(tables, model);
      // Emptied out entirely, then used again.
      for (let g = 0; g < GROUPS; g++) for (const key of [...model[g]!.keys()]) expect(tables.delete(g, key, hashLatin1(key))).toBe(true);
      for (let g = 0; g < GROUPS; g++) expect(tables.size(g)).toBe(0);
      tables.add(3, 'again', hashLatin1('again'), 'v', 1);
      expect(tables.valueOf(3, tables.find(3, 'again', hashLatin1('again')))).toBe('v');
    });
  }
});
