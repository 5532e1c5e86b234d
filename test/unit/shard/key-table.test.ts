import { describe, expect, it } from 'vitest';
import { hashBytes, hashLatin1 } from '../../../src/shard/key-bytes.ts';
import { INLINE_BYTES, KeyTables } from '../../../src/shard/key-table.ts';
import type { Value } from '../../../src/shard/keyspace.ts';

/** One group's table of a KeyTables (group 1 of 4), with the hashing done here as Db does it. */
class KeyTable {
  readonly tables = new KeyTables(4);
  readonly g = 1;
  get size(): number {
    return this.tables.size(this.g);
  }
  get memory(): Buffer {
    return this.tables.memory(this.g);
  }
  find(key: string, hash = hashLatin1(key)): number {
    return this.tables.find(this.g, key, hash);
  }
  findBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    return this.tables.findBytes(this.g, bytes, start, end, hash);
  }
  add(key: string, hash: number, value: Value, clock: number): void {
    this.tables.add(this.g, key, hash, value, clock);
  }
  addKey(key: string, value: string, clock: number): void {
    this.add(key, hashLatin1(key), value, clock);
  }
  addBytes(key: Uint8Array, ks: number, ke: number, hash: number, value: Uint8Array, vs: number, ve: number, clock: number): void {
    this.tables.addBytes(this.g, key, ks, ke, hash, value, vs, ve, clock);
  }
  delete(key: string, hash = hashLatin1(key)): boolean {
    return this.tables.delete(this.g, key, hash);
  }
  keys(): IterableIterator<string> {
    return this.tables.keys(this.g);
  }
  keyOf(i: number): string {
    return this.tables.keyOf(this.g, i);
  }
  valueOf(i: number): Value {
    return this.tables.valueOf(this.g, i);
  }
  setValue(i: number, v: Value): void {
    this.tables.setValue(this.g, i, v);
  }
  setValueBytes(i: number, src: Uint8Array, start: number, end: number): boolean {
    return this.tables.setValueBytes(this.g, i, src, start, end);
  }
  clockOf(i: number): number {
    return this.tables.clockOf(this.g, i);
  }
  setClock(i: number, clock: number): void {
    this.tables.setClock(this.g, i, clock);
  }
  inlineValueStart(i: number): number {
    return this.tables.inlineValueStart(this.g, i);
  }
  inlineValueEnd(i: number): number {
    return this.tables.inlineValueEnd(this.g, i);
  }
}

describe('KeyTable', () => {
  it('finds every key it holds through growth, with its value and clock', () => {
    const t = new KeyTable();
    for (let i = 0; i < 1000; i++) t.addKey(`k${i}`, `v${i}`, i);
    expect(t.size).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      const at = t.find(`k${i}`);
      expect(at).not.toBe(-1);
      expect(t.valueOf(at)).toBe(`v${i}`);
      expect(t.clockOf(at)).toBe(i);
    }
    expect(t.find('k1000')).toBe(-1);
    expect(t.find('')).toBe(-1);
  });

  it('deletes from the middle of chains and reuses room once holes pile up', () => {
    const t = new KeyTable();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 20; i++) t.addKey(`r${round}:${i}`, 'x', round);
      for (let i = 0; i < 20; i++) if (i % 4 !== 0) expect(t.delete(`r${round}:${i}`)).toBe(true);
    }
    expect(t.size).toBe(250);
    expect(t.delete('r0:1')).toBe(false);
    const keys = [...t.keys()];
    expect(keys).toHaveLength(250);
    expect(keys[0]).toBe('r0:0');
    expect(keys.at(-1)).toBe('r49:16');
    for (const k of keys) expect(t.clockOf(t.find(k))).toBe(Number(k.slice(1, k.indexOf(':'))));
  });

  it('keeps the empty key and binary keys apart from each other', () => {
    const t = new KeyTable();
    t.addKey('', 'empty', 1);
    t.addKey('\x00', 'nul', 2);
    t.addKey('\xff\xfe', 'high', 3);
    expect(t.valueOf(t.find(''))).toBe('empty');
    expect(t.valueOf(t.find('\x00'))).toBe('nul');
    expect(t.valueOf(t.find('\xff\xfe'))).toBe('high');
    t.setValue(t.find(''), 'changed');
    t.setClock(t.find(''), 9);
    expect(t.valueOf(t.find(''))).toBe('changed');
    expect(t.clockOf(t.find(''))).toBe(9);
  });

  it('finds a key by its bytes, told apart from keys sharing a prefix, a suffix or a length', () => {
    const t = new KeyTable();
    const keys = ['user:1234', 'user:1299', 'xser:1234', 'user:123', '', '\xff\x00'];
    keys.forEach((k, i) => t.addKey(k, `v${i}`, i));
    // The keys at an offset inside a larger buffer, as a request carries them.
    const bytes = Buffer.from(`##${keys.join('')}`, 'latin1');
    let at = 2;
    for (const [i, k] of keys.entries()) {
      expect(hashBytes(bytes, at, at + k.length)).toBe(hashLatin1(k));
      expect(t.valueOf(t.findBytes(bytes, at, at + k.length, hashBytes(bytes, at, at + k.length)))).toBe(`v${i}`);
      at += k.length;
    }
    const absent = Buffer.from('user:1235', 'latin1');
    expect(t.findBytes(absent, 0, absent.length, hashBytes(absent, 0, absent.length))).toBe(-1);
  });

  it('skips keys deleted while it is being walked', () => {
    const t = new KeyTable();
    for (let i = 0; i < 10; i++) t.addKey(`k${i}`, 'v', 0);
    const seen: string[] = [];
    for (const k of t.keys()) {
      seen.push(k);
      if (k === 'k2') t.delete('k3');
    }
    expect(seen).toEqual(['k0', 'k1', 'k2', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
  });

  // Short keys and values are stored as bytes in the table's memory, the rest outside it.
  describe('inline and outside storage', () => {
    const long = (c: string, n: number) => c.repeat(n);
    const cases: [string, string | { type: 'list' }][] = [
      ['k', 'v'], // both inline
      [long('a', INLINE_BYTES), ''], // a key that fills the entry, with the empty value
      [long('b', INLINE_BYTES - 3), 'xyz'], // key and value exactly fill it
      [long('c', INLINE_BYTES - 3), 'wxyz'], // one byte over: the value goes outside
      [long('d', INLINE_BYTES + 1), 'v'], // a long key: key and value outside
      ['h', { type: 'list' }], // an object value is always outside
      ['\xff\x00\x80', '\x00\xff'], // binary bytes round-trip as latin1
    ];

    it('reads back every key and value, by string and by bytes, through growth and iteration', () => {
      const t = new KeyTable();
      cases.forEach(([k, v], i) => t.add(k, hashLatin1(k), v as Value, i));
      for (let i = 0; i < 300; i++) t.addKey(`filler:${i}`, `f${i}`, 0); // rebuilds several times
      cases.forEach(([k, v], i) => {
        const at = t.find(k);
        expect(t.valueOf(at)).toEqual(v);
        expect(t.keyOf(at)).toBe(k);
        expect(t.clockOf(at)).toBe(i);
        const bytes = Buffer.from(k, 'latin1');
        expect(t.findBytes(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length))).toBe(at);
      });
      expect(new Set(t.keys())).toEqual(new Set([...cases.map(([k]) => k), ...Array.from({ length: 300 }, (_, i) => `filler:${i}`)]));
    });

    it('gives an inline value\'s place in memory, and none for a value held outside', () => {
      const t = new KeyTable();
      t.addKey('key', 'value', 0);
      t.add('list', hashLatin1('list'), { type: 'list' }, 0);
      const at = t.find('key');
      expect(t.memory.latin1Slice(t.inlineValueStart(at), t.inlineValueEnd(at))).toBe('value');
      expect(t.inlineValueStart(t.find('list'))).toBe(-1);
    });

    it('moves a value between inline and outside as it is replaced, without stale copies', () => {
      const t = new KeyTable();
      t.addKey('k', 'small', 0);
      const at = t.find('k');
      const big = long('x', INLINE_BYTES);
      t.setValue(at, big);
      expect(t.valueOf(at)).toBe(big);
      expect(t.inlineValueStart(at)).toBe(-1);
      t.setValue(at, 'tiny');
      expect(t.valueOf(at)).toBe('tiny');
      const src = Buffer.from('##bytes##', 'latin1');
      expect(t.setValueBytes(at, src, 2, 7)).toBe(true);
      expect(t.valueOf(at)).toBe('bytes');
      // Too long to sit beside its key: refused, and the old value kept.
      const huge = Buffer.alloc(INLINE_BYTES, 0x41);
      expect(t.setValueBytes(at, huge, 0, huge.length)).toBe(false);
      expect(t.valueOf(at)).toBe('bytes');
      expect(t.setValueBytes(t.find('k'), huge, 0, huge.length - 1)).toBe(true);
      expect(t.valueOf(at)).toBe(long('A', INLINE_BYTES - 1));
    });

    it('moves a 21-24 byte key outside when its value needs the handle, and keeps finding it', () => {
      const t = new KeyTable();
      const key = long('k', INLINE_BYTES - 2); // inline beside a short value, too long beside a handle
      t.addKey(key, 'v', 3);
      const bytes = Buffer.from(key, 'latin1');
      const at = () => t.findBytes(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
      t.setValue(at(), { type: 'list' } as Value);
      expect(t.valueOf(at())).toEqual({ type: 'list' });
      expect(t.keyOf(at())).toBe(key);
      expect(t.find(key)).toBe(at());
      t.setValue(at(), 'v'); // fits beside the key, but the key stays outside now
      expect(t.valueOf(at())).toBe('v');
      expect(t.setValueBytes(at(), bytes, 0, 1)).toBe(false);
      expect(t.clockOf(at())).toBe(3);
      expect(t.delete(key)).toBe(true);
      expect(t.size).toBe(0);
    });

    it('reuses the handles of deleted and re-inlined values', () => {
      const t = new KeyTable();
      for (let i = 0; i < 50; i++) t.add(`k${i}`, hashLatin1(`k${i}`), { type: 'set', i } as unknown as Value, 0);
      for (let i = 0; i < 50; i += 2) t.delete(`k${i}`);
      for (let i = 1; i < 50; i += 4) t.setValue(t.find(`k${i}`), 'small');
      for (let i = 0; i < 50; i += 2) t.add(`n${i}`, hashLatin1(`n${i}`), long('z', 30), 0);
      for (let i = 1; i < 50; i += 2) expect(t.valueOf(t.find(`k${i}`))).toEqual(i % 4 === 1 ? 'small' : { type: 'set', i });
      for (let i = 0; i < 50; i += 2) expect(t.valueOf(t.find(`n${i}`))).toBe(long('z', 30));
      expect((t.tables as unknown as { outsideValues: unknown[] }).outsideValues.length).toBe(50);
    });

    it('adds a key and value from bytes, found again by string, and squeezes holes out around them', () => {
      const t = new KeyTable();
      const req = Buffer.from('*key:000000000042*abc', 'latin1');
      for (let i = 0; i < 3; i++) t.addKey(`gone${i}`, long('g', 40), 0);
      t.addBytes(req, 1, 17, hashBytes(req, 1, 17), req, 18, 21, 7);
      for (let i = 0; i < 3; i++) t.delete(`gone${i}`);
      for (let i = 0; i < 3; i++) t.addKey(`new${i}`, `n${i}`, 1); // fills up: compacts, not grows
      const at = t.find('key:000000000042');
      expect(t.valueOf(at)).toBe('abc');
      expect(t.clockOf(at)).toBe(7);
      expect(t.size).toBe(4);
      expect([...t.keys()]).toEqual(['key:000000000042', 'new0', 'new1', 'new2']);
      for (let i = 0; i < 3; i++) expect(t.valueOf(t.find(`new${i}`))).toBe(`n${i}`);
    });

    it('tells apart keys that differ only in a byte shared with the value\'s first bytes', () => {
      // A 5-byte key's last word holds one key byte and three value bytes: the compare masks them.
      const t = new KeyTable();
      t.addKey('abcde', 'XYZ', 0);
      t.addKey('abcdf', 'XYZ', 0);
      for (const k of ['abcde', 'abcdf']) {
        const b = Buffer.from(k, 'latin1');
        expect(t.keyOf(t.findBytes(b, 0, 5, hashBytes(b, 0, 5)))).toBe(k);
      }
      // Given the stored key's hash (a collision), the bytes themselves must still differ.
      const miss = Buffer.from('abcdX', 'latin1');
      expect(t.findBytes(miss, 0, 5, hashLatin1('abcde'))).toBe(-1);
      expect(t.find('abcdX', hashLatin1('abcde'))).toBe(-1);
    });
  });

  // The tables of all groups share one arena of a few large chunks.
  describe('tables of several groups', () => {
    it('keeps every group intact while others grow, move their chunk, empty out and come back', () => {
      const tables = new KeyTables(64);
      const put = (g: number, key: string) => tables.add(g, key, hashLatin1(key), `${key}!`, g);
      // Interleaved growth: every group's table is rebuilt several times, and the arena's first
      // chunk doubles under them (a copy at the same offsets).
      for (let i = 0; i < 200; i++) for (let g = 0; g < 64; g++) put(g, `g${g}:${i}`);
      for (let g = 0; g < 64; g++) {
        expect(tables.size(g)).toBe(200);
        for (let i = 0; i < 200; i += 37) expect(tables.valueOf(g, tables.find(g, `g${g}:${i}`, hashLatin1(`g${g}:${i}`)))).toBe(`g${g}:${i}!`);
      }
      // Even groups empty out: their regions are freed, and other tables reuse them.
      for (let g = 0; g < 64; g += 2) for (let i = 0; i < 200; i++) expect(tables.delete(g, `g${g}:${i}`, hashLatin1(`g${g}:${i}`))).toBe(true);
      for (let g = 0; g < 64; g += 2) expect(tables.size(g)).toBe(0);
      for (let i = 200; i < 600; i++) for (let g = 1; g < 64; g += 2) put(g, `g${g}:${i}`);
      for (let g = 0; g < 64; g += 2) put(g, `back${g}`);
      for (let g = 0; g < 64; g++) {
        const keys = [...tables.keys(g)];
        expect(keys).toHaveLength(g % 2 === 0 ? 1 : 600);
        for (const k of keys) expect(tables.valueOf(g, tables.find(g, k, hashLatin1(k)))).toBe(`${k}!`);
        expect(tables.clockOf(g, tables.find(g, keys[0]!, hashLatin1(keys[0]!)))).toBe(g);
      }
    });

    it('forgets everything on clear, and fills again from nothing', () => {
      const tables = new KeyTables(4);
      tables.add(0, 'a', hashLatin1('a'), 'x'.repeat(40), 0);
      tables.add(3, 'b'.repeat(40), hashLatin1('b'.repeat(40)), 'y', 0);
      tables.clear();
      for (let g = 0; g < 4; g++) expect(tables.size(g)).toBe(0);
      expect(tables.find(0, 'a', hashLatin1('a'))).toBe(-1);
      tables.add(3, 'c', hashLatin1('c'), 'z', 5);
      expect(tables.valueOf(3, tables.find(3, 'c', hashLatin1('c')))).toBe('z');
      expect([...tables.keys(3)]).toEqual(['c']);
    });
  });
});
