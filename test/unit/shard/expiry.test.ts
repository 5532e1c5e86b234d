import { describe, expect, it } from 'vitest';
import { activeExpireCycle, KEYS_PER_SAMPLE } from '../../../src/shard/expiry.ts';
import { Db } from '../../../src/shard/keyspace.ts';

const NOW = 1_700_000_000_000;

function dbs(): Db[] {
  return Array.from({ length: 16 }, () => new Db());
}

function fill(db: Db, prefix: string, n: number, at: number): void {
  for (let i = 0; i < n; i++) {
    db.set(`${prefix}${i}`, 'v');
    db.setExpire(`${prefix}${i}`, at);
  }
}

/** A clock that never advances: the budget never runs out. */
const frozen = () => 0;

describe('activeExpireCycle', () => {
  it('deletes every expired key when most sampled keys are expired', () => {
    const d = dbs();
    fill(d[0]!, 'dead', 1000, NOW - 1);
    fill(d[0]!, 'live', 10, NOW + 60_000);
    expect(activeExpireCycle(d, NOW, undefined, 1, frozen)).toBe(1000);
    expect(d[0]!.size).toBe(10);
  });

  it('reports each deleted key with its db so the shard can log DEL', () => {
    const d = dbs();
    fill(d[3]!, 'k', 3, NOW - 1);
    d[3]!.set('keep', 'v');
    const seen: [number, string][] = [];
    activeExpireCycle(d, NOW, (db, key) => seen.push([db, key]), 1, frozen);
    expect(seen.sort()).toEqual([
      [3, 'k0'],
      [3, 'k1'],
      [3, 'k2'],
    ]);
    expect(d[3]!.data.has('keep')).toBe(true);
  });

  it('never deletes a key whose time is still ahead', () => {
    const d = dbs();
    fill(d[0]!, 'k', 50, NOW + 1);
    expect(activeExpireCycle(d, NOW, undefined, 1, frozen)).toBe(0);
    expect(d[0]!.size).toBe(50);
  });

  it('stops after one sample of a db whose sample is mostly alive, and resumes where it stopped', () => {
    const d = dbs();
    // Alive keys first, so the first sample sees almost nothing expired.
    fill(d[0]!, 'live', KEYS_PER_SAMPLE * 2, NOW + 60_000);
    fill(d[0]!, 'dead', KEYS_PER_SAMPLE, NOW - 1);
    expect(activeExpireCycle(d, NOW, undefined, 1, frozen)).toBe(0);
    // The second call continues past the live keys instead of sampling them again.
    expect(activeExpireCycle(d, NOW, undefined, 1, frozen)).toBe(0);
    expect(activeExpireCycle(d, NOW, undefined, 1, frozen)).toBe(KEYS_PER_SAMPLE);
  });

  it('gives up when the time budget is spent and starts at the next db next time', () => {
    const d = dbs();
    fill(d[0]!, 'a', 100, NOW - 1);
    fill(d[1]!, 'b', 100, NOW - 1);
    let t = 0;
    const ticking = () => (t += 10); // every reading is 10 ms later than the last
    expect(activeExpireCycle(d, NOW, undefined, 1, ticking)).toBe(KEYS_PER_SAMPLE);
    expect(d[0]!.size).toBe(100 - KEYS_PER_SAMPLE);
    activeExpireCycle(d, NOW, undefined, 1, ticking);
    expect(d[1]!.size).toBe(100 - KEYS_PER_SAMPLE);
  });

  it('keeps separate cursors for separate shards', () => {
    const a = dbs();
    const b = dbs();
    fill(a[0]!, 'k', 5, NOW - 1);
    fill(b[0]!, 'k', 5, NOW - 1);
    expect(activeExpireCycle(a, NOW, undefined, 1, frozen)).toBe(5);
    expect(activeExpireCycle(b, NOW, undefined, 1, frozen)).toBe(5);
  });

  it('copes with a db flushed and refilled between calls', () => {
    const d = dbs();
    fill(d[0]!, 'live', 40, NOW + 60_000);
    activeExpireCycle(d, NOW, undefined, 1, frozen);
    d[0]!.clear();
    fill(d[0]!, 'dead', 30, NOW - 1);
    let total = 0;
    for (let i = 0; i < 3; i++) total += activeExpireCycle(d, NOW, undefined, 1, frozen);
    expect(total).toBe(30);
    expect(d[0]!.size).toBe(0);
  });
});

describe('Db.set on an expired key', () => {
  /** A db at NOW with key k holding value, and the keys it reports expired. */
  function dbWith(value: string): { db: Db; expired: string[] } {
    const db = new Db();
    db.now = NOW;
    const expired: string[] = [];
    db.onExpired = (key) => expired.push(key);
    db.set('k', value);
    return { db, expired };
  }

  it('expires it first, as a lookup would (reported once), then stores the new value without the old TTL', () => {
    const { db, expired } = dbWith('old');
    db.setExpire('k', NOW - 1);
    db.set('k', 'new', true); // even with keepTtl: the old TTL died with the old key
    expect(expired).toEqual(['k']);
    expect(db.getExpire('k')).toBeUndefined();
    expect(db.lookup('k')).toBe('new');
    expect(db.size).toBe(1);
  });

  it('leaves a live key with a TTL alone unless told to clear it', () => {
    const { db, expired } = dbWith('a');
    db.setExpire('k', NOW + 1000);
    db.set('k', 'b', true);
    expect(db.getExpire('k')).toBe(NOW + 1000);
    db.set('k', 'c');
    expect(db.getExpire('k')).toBeUndefined();
    expect(expired).toEqual([]);
  });
});
