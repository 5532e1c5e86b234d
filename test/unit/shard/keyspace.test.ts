import { describe, expect, it } from 'vitest';
import { slotOfLatin1 } from '../../../src/routing/slot.ts';
import { Db } from '../../../src/shard/keyspace.ts';

/** Keys of two different slots that share a slot group (one KeyTable), and of a third group. */
function keysSharingAGroup(): { a: string[]; b: string[]; other: string[]; slotA: number; slotB: number } {
  const bySlot = new Map<number, string[]>();
  for (let i = 0; i < 200_000; i++) {
    const key = `k${i}`;
    const slot = slotOfLatin1(key);
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
  }
  // Two slots of group 0 (slots 0-15) with three keys each, and keys of a slot in group 1.
  const [slotA, slotB] = [...bySlot.keys()].filter((s) => s < 16 && bySlot.get(s)!.length >= 3).sort((x, y) => x - y);
  const otherSlot = [...bySlot.keys()].find((s) => s >= 16 && s < 32)!;
  return {
    a: bySlot.get(slotA!)!.slice(0, 3),
    b: bySlot.get(slotB!)!.slice(0, 3),
    other: bySlot.get(otherSlot)!.slice(0, 2),
    slotA: slotA!,
    slotB: slotB!,
  };
}

describe('Db slot groups', () => {
  const { a, b, other, slotA, slotB } = keysSharingAGroup();

  it('reads one slot out of a group shared with another', () => {
    const db = new Db();
    for (const key of [...a, ...b, ...other]) db.set(key, `v-${key}`);
    expect(db.size).toBe(8);
    expect([...db.slotKeys(slotA)!.keys()].sort()).toEqual([...a].sort());
    expect(db.slotKeys(slotA)!.size).toBe(3);
    expect([...db.slotKeys(slotB)!.keys()].sort()).toEqual([...b].sort());
    for (const key of a) db.delete(key);
    expect(db.slotKeys(slotA)).toBeUndefined();
    expect(db.slotKeys(slotB)!.size).toBe(3);
    expect(db.size).toBe(5);
    expect(db.lookup(b[0]!)).toBe(`v-${b[0]}`);
    db.clear();
    expect(db.slotKeys(slotB)).toBeUndefined();
    expect(db.size).toBe(0);
  });

  it('exchanges one slot with another db, values and expiries included, and nothing else', () => {
    const one = new Db();
    const two = new Db();
    for (const key of [...a, ...b]) one.set(key, `one-${key}`);
    one.setExpire(a[0]!, Date.now() + 60_000);
    two.set(a[1]!, 'two');
    two.set(other[0]!, 'stays');
    one.exchangeSlot(two, slotA);
    expect([...one.slotKeys(slotA)!.keys()]).toEqual([a[1]]);
    expect(one.lookup(a[1]!)).toBe('two');
    expect(one.getExpire(a[0]!)).toBeUndefined();
    expect([...two.slotKeys(slotA)!.keys()].sort()).toEqual([...a].sort());
    expect(two.lookup(a[2]!)).toBe(`one-${a[2]}`);
    expect(two.getExpire(a[0]!)).toBeGreaterThan(Date.now());
    // Same group, other slot: untouched on both sides.
    expect(one.slotKeys(slotB)!.size).toBe(3);
    expect(two.slotKeys(slotB)).toBeUndefined();
    expect(two.lookup(other[0]!)).toBe('stays');
    expect([one.size, two.size]).toEqual([4, 4]);
  });
});

describe('Db lookups by key bytes', () => {
  const bytesOf = (key: string): Buffer => Buffer.from(`..${key}..`, 'latin1');

  it('reads and overwrites as lookup() and set() do, and adds keys that are not there', () => {
    const db = new Db();
    db.set('a', '1');
    db.setExpire('a', db.now + 60_000);
    expect(db.lookupBytes(bytesOf('a'), 2, 3)).toBe('1');
    expect(db.lookupBytes(bytesOf('b'), 2, 3)).toBeUndefined();
    db.setBytes(bytesOf('a'), 2, 3, '2');
    expect(db.lookup('a')).toBe('2');
    expect(db.getExpire('a')).toBeUndefined(); // a plain SET clears the TTL
    db.setBytes(bytesOf('b'), 2, 3, '3');
    expect(db.lookup('b')).toBe('3');
    expect(db.size).toBe(2);
  });

  it('expires a key whose time has passed, telling onExpired once', () => {
    const db = new Db();
    const expired: string[] = [];
    db.onExpired = (key) => expired.push(key);
    for (const key of ['gone', 'old']) {
      db.set(key, 'v');
      db.setExpire(key, db.now - 1);
    }
    expect(db.lookupBytes(bytesOf('gone'), 2, 6)).toBeUndefined();
    db.setBytes(bytesOf('old'), 2, 5, 'new');
    expect(expired).toEqual(['gone', 'old']);
    expect(db.lookup('old')).toBe('new');
    expect(db.getExpire('old')).toBeUndefined();
    expect(db.size).toBe(1);
  });

  it('replaces the value a lookup found, keeping its TTL, with no second lookup', () => {
    const db = new Db();
    db.set('n', '41');
    db.setExpire('n', db.now + 60_000);
    expect(db.lookupBytes(bytesOf('n'), 2, 3)).toBe('41');
    db.replaceLookedUp('42');
    expect(db.lookup('n')).toBe('42');
    expect(db.getExpire('n')).toBe(db.now + 60_000);
    expect(db.lookup('other')).toBeUndefined();
    expect(db.lookup('n')).toBe('42');
    db.replaceLookedUp('43'); // after lookup() too
    expect(db.raw('n')).toBe('43');
    expect(db.size).toBe(1);
  });

  it('tells a snapshot in progress of the key a write is about to change', () => {
    const db = new Db();
    db.set('k', 'before');
    const changed: string[] = [];
    db.beforeChange = (key) => changed.push(key);
    db.setBytes(bytesOf('k'), 2, 3, 'after');
    db.writing = true;
    db.lookupBytes(bytesOf('k'), 2, 3);
    expect(changed).toEqual(['k', 'k']);
    db.replaceLookedUp('replaced'); // what a read-modify-write does after that lookup
    expect(db.raw('k')).toBe('replaced');
  });
});

describe('Db byte paths (GET and SET without strings)', () => {
  const bytes = (s: string) => Buffer.from(s, 'latin1');
  const setOfBytes = (db: Db, key: string, value: string) => {
    const req = bytes(`${key}|${value}`);
    db.setBytesOfBytes(req, 0, key.length, req, key.length + 1, req.length, slotOfLatin1(key));
  };
  const lookupOfBytes = (db: Db, key: string) => {
    const k = bytes(key);
    return db.lookupEntryBytes(k, 0, k.length, slotOfLatin1(key)) ? db.lookedUpValue() : undefined;
  };

  it('adds, overwrites and reads back keys and values, short and long', () => {
    const db = new Db();
    const cases = [['k', 'v'], ['key:000000012345', 'abc'], ['key:000000012345x', 'a value too long to sit inline'], ['k'.repeat(40), 'v']];
    for (const [k, v] of cases) setOfBytes(db, k!, v!);
    expect(db.size).toBe(cases.length);
    for (const [k, v] of cases) {
      expect(db.lookup(k!)).toBe(v);
      expect(lookupOfBytes(db, k!)).toBe(v);
    }
    for (const [k] of cases) setOfBytes(db, k!, 'new');
    expect(db.size).toBe(cases.length);
    for (const [k] of cases) expect(lookupOfBytes(db, k!)).toBe('new');
    expect(lookupOfBytes(db, 'absent')).toBeUndefined();
  });

  it('replaces a value of another type, and clears the TTL as SET does', () => {
    const db = new Db();
    const list = { type: 'list' as const };
    db.set('l', list);
    setOfBytes(db, 'l', 'now a string');
    expect(db.lookup('l')).toBe('now a string');
    // A 21-byte key went outside its entry with the list: a short string must still replace it.
    const long = 'k'.repeat(21);
    db.set(long, list);
    setOfBytes(db, long, 'b');
    expect(db.lookup(long)).toBe('b');
    db.set('t', 'old');
    db.setExpire('t', Date.now() + 60_000);
    setOfBytes(db, 't', 'fresh');
    expect(db.getExpire('t')).toBeUndefined();
    expect(db.lookup('t')).toBe('fresh');
  });

  it('treats a key whose time has passed as new: expired first, and told to onExpired', () => {
    const db = new Db();
    const expired: string[] = [];
    db.onExpired = (k) => expired.push(k);
    db.set('gone', 'old');
    db.setExpire('gone', Date.now() - 10);
    db.now = Date.now();
    setOfBytes(db, 'gone', 'back');
    expect(expired).toEqual(['gone']);
    expect(db.lookup('gone')).toBe('back');
    expect(db.getExpire('gone')).toBeUndefined();
    expect(db.size).toBe(1);
  });
});
