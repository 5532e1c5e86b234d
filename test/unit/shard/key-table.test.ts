import { describe, expect, it } from 'vitest';
import { hashBytes, hashLatin1, KeyTable as Table } from '../../../src/shard/key-table.ts';

/** The table with the hashing done here, as Db does it. */
class KeyTable extends Table {
  override find(key: string, hash = hashLatin1(key)): number {
    return super.find(key, hash);
  }
  addKey(key: string, value: string, clock: number): void {
    super.add(key, hashLatin1(key), value, clock);
  }
  override delete(key: string, hash = hashLatin1(key)): boolean {
    return super.delete(key, hash);
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
});
