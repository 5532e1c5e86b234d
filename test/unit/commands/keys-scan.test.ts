import { describe, expect, it } from 'vitest';
// KEY_COMMANDS lists the rows of keys-scan.ts too, as the registry sees them.
import { KEY_COMMANDS } from '../../../src/commands/keys.ts';
import type { CommandSpec } from '../../../src/commands/table.ts';
import { SLOT_COUNT, slotOfLatin1 } from '../../../src/routing/slot.ts';
import { decodeReply, rowOf, runRow, shardWithKeys } from '../../helpers/exec-ctx.ts';
import type { FakeShard, Reply } from '../../helpers/exec-ctx.ts';

const NOW = 1_700_000_000_000;

const spec = (name: string): CommandSpec => rowOf(KEY_COMMANDS, name);
const run = (shard: FakeShard, args: (string | Buffer)[], db = 0): Reply => runRow(KEY_COMMANDS, shard, args, db);
const withKeys = (...keys: string[]): FakeShard => shardWithKeys(NOW, ...keys);

const err = (error: string) => ({ error });

describe('KEYS', () => {
  it('returns matching live keys, skipping expired ones', () => {
    const shard = withKeys('hello', 'hallo', 'hxllo', 'other', 'hdead');
    shard.dbs[0]!.setExpire('hdead', NOW - 1);
    expect((run(shard, ['KEYS', 'h*']) as string[]).sort()).toEqual(['hallo', 'hello', 'hxllo']);
    expect((run(shard, ['KEYS', 'h[ae]llo']) as string[]).sort()).toEqual(['hallo', 'hello']);
  });

  it('the pattern * returns the empty key too, as in Redis', () => {
    const shard = withKeys('', 'a');
    expect((run(shard, ['KEYS', '*']) as string[]).sort()).toEqual(['', 'a']);
    expect(run(shard, ['KEYS', '**'])).toEqual(['a']);
  });

  it('a pattern with a literal hash tag finds the keys of that slot', () => {
    const shard = withKeys('{u1}:a', '{u1}:b', '{u2}:a', 'x{u1}');
    expect((run(shard, ['KEYS', '{u1}:*']) as string[]).sort()).toEqual(['{u1}:a', '{u1}:b']);
    expect(run(shard, ['KEYS', 'x{u1}'])).toEqual(['x{u1}']);
  });

  it('keeps binary keys byte for byte', () => {
    const shard = withKeys('\xff\x00k');
    expect(shard.run(spec('keys').handler!, ['KEYS', '\xff*']).toString('latin1')).toBe('*1\r\n$3\r\n\xff\x00k\r\n');
  });
});

describe('DBSIZE and RANDOMKEY', () => {
  it('DBSIZE counts the keys of the selected db', () => {
    const shard = withKeys('a', 'b');
    shard.dbs[1]!.set('c', 'v');
    expect(run(shard, ['DBSIZE'])).toBe(2);
    expect(run(shard, ['DBSIZE'], 1)).toBe(1);
  });

  it('RANDOMKEY answers nil for an empty db', () => {
    expect(run(withKeys(), ['RANDOMKEY'])).toBe(null);
  });

  it('RANDOMKEY returns live keys and eventually each of them', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `key:${i}`);
    const shard = withKeys(...keys);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(run(shard, ['RANDOMKEY']) as string);
    expect([...seen].sort()).toEqual([...keys].sort());
  });

  it('RANDOMKEY skips and collects expired keys', () => {
    const shard = withKeys('live', 'dead1', 'dead2');
    shard.dbs[0]!.setExpire('dead1', NOW - 1);
    shard.dbs[0]!.setExpire('dead2', NOW - 1);
    for (let i = 0; i < 20; i++) expect(run(shard, ['RANDOMKEY'])).toBe('live');
    expect(shard.dbs[0]!.size).toBe(1);
  });

  it('RANDOMKEY answers nil when every key has expired', () => {
    const shard = withKeys('dead');
    shard.dbs[0]!.setExpire('dead', NOW - 1);
    expect(run(shard, ['RANDOMKEY'])).toBe(null);
  });
});

describe('FLUSHDB and FLUSHALL', () => {
  it('FLUSHDB empties only the selected db and is logged even when it was empty', () => {
    const shard = withKeys('a');
    shard.dbs[1]!.set('b', 'v');
    expect(run(shard, ['FLUSHDB'])).toBe('OK');
    expect(run(shard, ['FLUSHDB', 'async'])).toBe('OK');
    expect(shard.dbs[0]!.size).toBe(0);
    expect(shard.dbs[1]!.size).toBe(1);
    expect(shard.log).toEqual([['FLUSHDB'], ['FLUSHDB', 'async']]);
  });

  it('FLUSHALL empties every db of the shard', () => {
    const shard = withKeys('a');
    shard.dbs[15]!.set('b', 'v');
    expect(run(shard, ['FLUSHALL', 'Sync'])).toBe('OK');
    expect(shard.dbs.every((d) => d.size === 0)).toBe(true);
  });

  it('accepts only one SYNC or ASYNC', () => {
    const shard = withKeys('a');
    for (const args of [['FLUSHDB', 'foo'], ['FLUSHDB', 'sync', 'async'], ['FLUSHALL', 'sync', 'x']]) {
      expect(run(shard, args)).toEqual(err('ERR syntax error'));
    }
    expect(shard.dbs[0]!.size).toBe(1);
  });
});

describe('SCAN', () => {
  function scanAll(shard: FakeShard, extra: string[] = [], ownsSlot?: (s: number) => boolean): string[] {
    const found: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const reply = ownsSlot ? runOwning(shard, ['SCAN', cursor, ...extra], ownsSlot) : run(shard, ['SCAN', cursor, ...extra]);
      const [next, keys] = reply as [string, string[]];
      found.push(...keys);
      cursor = next;
      if (++calls > SLOT_COUNT + 1) throw new Error('SCAN did not finish');
    } while (cursor !== '0');
    return found;
  }

  it('returns every key exactly once over a full iteration', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
    const shard = withKeys(...keys);
    const found = scanAll(shard, ['COUNT', '7']);
    expect(found.length).toBe(500);
    expect(found.sort()).toEqual([...keys].sort());
  });

  it('walks whole slots in order and resumes at the first slot not visited', () => {
    const shard = withKeys('{a}1', '{a}2', '{a}3', '{b}1');
    const [sa, sb] = [slotOfLatin1('a'), slotOfLatin1('b')];
    const [first, second] = sa < sb ? ['a', 'b'] : ['b', 'a'];
    const [firstSlot, secondSlot] = [Math.min(sa, sb), Math.max(sa, sb)];
    const [next, keys] = run(shard, ['SCAN', '0', 'COUNT', '1']) as [string, string[]];
    expect(next).toBe(String(firstSlot + 1));
    expect(keys.every((k) => k.startsWith(`{${first}}`))).toBe(true);
    const [next2, keys2] = run(shard, ['SCAN', String(secondSlot), 'COUNT', '1']) as [string, string[]];
    expect(keys2.every((k) => k.startsWith(`{${second}}`))).toBe(true);
    expect(next2).toBe(secondSlot + 1 === SLOT_COUNT ? '0' : String(secondSlot + 1));
  });

  it('keeps every key that stays present while others are deleted mid-scan', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const shard = withKeys(...keys);
    const found = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, batch] = run(shard, ['SCAN', cursor, 'COUNT', '5']) as [string, string[]];
      for (const k of batch) found.add(k);
      // Delete some odd keys as we go; even keys are present for the whole scan.
      shard.dbs[0]!.delete(`k${2 * round + 1}`);
      round++;
      cursor = next;
    } while (cursor !== '0');
    for (let i = 0; i < 300; i += 2) expect(found.has(`k${i}`)).toBe(true);
  });

  it('stops at the first slot the shard does not own and hands that slot back as the cursor', () => {
    const shard = withKeys('{a}x');
    const owned = (s: number) => s < 100;
    const reply = runOwning(shard, ['SCAN', '0', 'COUNT', '1000'], owned) as [string, string[]];
    expect(reply[0]).toBe('100');
  });

  it('filters with MATCH and TYPE, type names in any case', () => {
    const shard = withKeys('s1', 's2', 'x1');
    shard.dbs[0]!.set('l1', { type: 'list' });
    expect(scanAll(shard, ['MATCH', 's*']).sort()).toEqual(['s1', 's2']);
    expect(scanAll(shard, ['TYPE', 'LIST'])).toEqual(['l1']);
    expect(scanAll(shard, ['TYPE', 'foo'])).toEqual([]);
    expect(scanAll(shard, ['MATCH', '*1', 'TYPE', 'string']).sort()).toEqual(['s1', 'x1']);
  });

  it('skips expired keys', () => {
    const shard = withKeys('a', 'dead');
    shard.dbs[0]!.setExpire('dead', NOW - 1);
    expect(scanAll(shard)).toEqual(['a']);
  });

  it('MATCH * also returns the empty key', () => {
    expect(scanAll(withKeys(''), ['MATCH', '*'])).toEqual(['']);
  });

  it('reads the cursor as strtoul does', () => {
    const shard = withKeys();
    for (const c of ['', '+0', '-0', '007', '18446744073709551615', '-1', '16384', '\0abc', '5\0x']) {
      const reply = run(shard, ['SCAN', c]) as [string, string[]];
      expect(reply[0]).toBe('0');
    }
    for (const c of ['abc', ' 1', '\t1', '1 ', '+', '-', '18446744073709551616', '-18446744073709551616']) {
      expect(run(shard, ['SCAN', c])).toEqual(err('ERR invalid cursor'));
    }
  });

  it('resumes a negative cursor that wraps to a slot number', () => {
    const shard = withKeys('{a}1');
    const slot = slotOfLatin1('a');
    const reply = run(shard, ['SCAN', (-(2n ** 64n - BigInt(slot))).toString()]) as [string, string[]];
    expect(reply[1]).toEqual(['{a}1']);
  });

  it('rejects bad options with Redis 7 texts', () => {
    const shard = withKeys();
    expect(run(shard, ['SCAN', '0', 'COUNT', '0'])).toEqual(err('ERR syntax error'));
    expect(run(shard, ['SCAN', '0', 'COUNT', '-1'])).toEqual(err('ERR syntax error'));
    expect(run(shard, ['SCAN', '0', 'COUNT', 'abc'])).toEqual(err('ERR value is not an integer or out of range'));
    expect(run(shard, ['SCAN', '0', 'COUNT', '1000000000000000000000'])).toEqual(
      err('ERR value is not an integer or out of range'),
    );
    expect(run(shard, ['SCAN', '0', 'MATCH'])).toEqual(err('ERR syntax error'));
    expect(run(shard, ['SCAN', '0', 'TYPE'])).toEqual(err('ERR syntax error'));
    expect(run(shard, ['SCAN', '0', 'foo', 'bar'])).toEqual(err('ERR syntax error'));
    expect(run(shard, ['SCAN', 'abc', 'COUNT', '0'])).toEqual(err('ERR invalid cursor'));
  });
});

/** Like run() but with a shard that owns only some slots. */
function runOwning(shard: FakeShard, args: string[], ownsSlot: (slot: number) => boolean): Reply {
  shard.ownsSlot = ownsSlot;
  try {
    return decodeReply(shard.run(spec('scan').handler!, args));
  } finally {
    shard.ownsSlot = () => true;
  }
}
