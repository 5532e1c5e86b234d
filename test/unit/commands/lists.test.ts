/**
 * List command handlers on a fake shard: the table rows, the deque under them, what blocking
 * pops ask the shard for (ctx.block with a deadline, ctx.signalReady from pushes) and what
 * reaches the write log. Expected replies are what redis-server 7.0.15 answered.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIST_COMMANDS } from '../../../src/commands/lists.ts';
import { BLOCKING, DENYOOM, FAST, NOSCRIPT, READONLY, WRITE } from '../../../src/commands/table.ts';
import { List, LIST_HEAD, LIST_TAIL } from '../../../src/shard/types/list.ts';
import { emitKey } from '../../../src/shard/serialize.ts';
import { decodeReply, fakeShard, type FakeShard } from '../../helpers/exec-ctx.ts';

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const spec = (name: string) => LIST_COMMANDS.find((s) => s.name === name)!;

let shard: FakeShard;
const run = (...args: string[]) => decodeReply(shard.run(spec(args[0]!.toLowerCase()).handler!, args));
const raw = (...args: string[]) => shard.run(spec(args[0]!.toLowerCase()).handler!, args).toString('latin1');
const db = () => shard.dbs[0]!;

beforeEach(() => {
  shard = fakeShard();
});

describe('command table', () => {
  it('rows carry Redis 7.0 arity and key positions', () => {
    const row = (n: string) => { const s = spec(n); return [s.arity, s.firstKey, s.lastKey, s.step]; };
    expect(row('lpush')).toEqual([-3, 1, 1, 1]);
    expect(row('lpop')).toEqual([-2, 1, 1, 1]);
    expect(row('linsert')).toEqual([5, 1, 1, 1]);
    expect(row('lpos')).toEqual([-3, 1, 1, 1]);
    expect(row('rpoplpush')).toEqual([3, 1, 2, 1]);
    expect(row('lmove')).toEqual([5, 1, 2, 1]);
    expect(row('blpop')).toEqual([-3, 1, -2, 1]);
    expect(row('brpop')).toEqual([-3, 1, -2, 1]);
    expect(row('brpoplpush')).toEqual([4, 1, 2, 1]);
    expect(row('blmove')).toEqual([6, 1, 2, 1]);
  });

  it('blocking rows are flagged BLOCKING and NOSCRIPT, reads READONLY, pushes DENYOOM', () => {
    for (const n of ['blpop', 'brpop', 'brpoplpush', 'blmove']) {
      expect(spec(n).flags & (BLOCKING | NOSCRIPT | WRITE)).toBe(BLOCKING | NOSCRIPT | WRITE);
    }
    for (const n of ['llen', 'lindex', 'lrange', 'lpos']) expect(spec(n).flags & READONLY).toBe(READONLY);
    expect(spec('lpush').flags).toBe(WRITE | DENYOOM | FAST);
    expect(LIST_COMMANDS.filter((s) => s.flags & BLOCKING).map((s) => s.name).sort())
      .toEqual(['blmove', 'blpop', 'brpop', 'brpoplpush']);
  });
});

describe('the list deque', () => {
  it('pushes and pops at both ends across many wrap-arounds and keeps index order', () => {
    const list = new List();
    const model: string[] = [];
    let n = 0;
    for (let round = 0; round < 2000; round++) {
      const op = (round * 7919) % 5;
      if (op === 0 || op === 3) { list.push(String(n), LIST_HEAD); model.unshift(String(n++)); }
      else if (op === 1) { list.push(String(n), LIST_TAIL); model.push(String(n++)); }
      else if (model.length > 0) expect(list.pop(op === 2 ? LIST_HEAD : LIST_TAIL)).toBe(op === 2 ? model.shift() : model.pop());
    }
    expect(list.length).toBe(model.length);
    expect(Array.from({ length: list.length }, (_, i) => list.at(i))).toEqual(model);
  });

  it('inserts in the middle from either side and trims both ends', () => {
    const list = new List();
    for (const x of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) list.push(x, LIST_TAIL);
    list.insertAt(1, 'X'); // nearer the head: shifts the head side
    list.insertAt(8, 'Y'); // nearer the tail
    const all = () => Array.from({ length: list.length }, (_, i) => list.at(i));
    expect(all()).toEqual(['a', 'X', 'b', 'c', 'd', 'e', 'f', 'g', 'Y', 'h']);
    list.trim(2, 3);
    expect(all()).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('snapshots as RPUSH commands of at most 64 elements, head first, then its expiry', () => {
    const list = new List();
    for (let i = 0; i < 70; i++) list.push(String(i), i % 2 === 0 ? LIST_TAIL : LIST_HEAD);
    const order = Array.from({ length: 70 }, (_, i) => list.at(i));
    const emitted: (string | Uint8Array)[][] = [];
    emitKey('l', list, 1234, (args) => emitted.push([...args]));
    expect(emitted.map((c) => c.slice(0, 2))).toEqual([['RPUSH', 'l'], ['RPUSH', 'l'], ['PEXPIREAT', 'l']]);
    expect(emitted.slice(0, 2).flatMap((c) => c.slice(2))).toEqual(order);
  });

  it('reports the quicklist encoding, as Redis 7.0 does for every list', () => {
    expect(new List().encoding).toBe('quicklist');
    expect(new List().type).toBe('list');
  });
});

describe('list commands', () => {
  it('LPUSH creates the list, signals the key ready once, and is logged as received', () => {
    expect(run('LPUSH', 'l', 'a', 'b')).toBe(2);
    expect(run('RPUSH', 'l', 'c')).toBe(3);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['b', 'a', 'c']);
    expect(shard.ready).toEqual(['l']);
    expect(shard.log).toEqual([['LPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c']]);
  });

  it('LPUSHX on a missing key creates nothing, signals nothing and logs nothing', () => {
    expect(run('LPUSHX', 'l', 'a')).toBe(0);
    expect(db().has('l')).toBe(false);
    expect(shard.ready).toEqual([]);
    expect(shard.log).toEqual([]);
  });

  it('popping the last element deletes the key', () => {
    run('RPUSH', 'l', 'a', 'b');
    expect(run('LPOP', 'l', '5')).toEqual(['a', 'b']);
    expect(db().has('l')).toBe(false);
    expect(raw('LPOP', 'l', '1')).toBe('*-1\r\n');
    expect(raw('LPOP', 'l')).toBe('$-1\r\n');
  });

  it('LSET answers no such key and index out of range', () => {
    expect(run('LSET', 'l', '0', 'x')).toEqual({ error: 'ERR no such key' });
    run('RPUSH', 'l', 'a');
    expect(run('LSET', 'l', '1', 'x')).toEqual({ error: 'ERR index out of range' });
    expect(run('LSET', 'l', '-1', 'x')).toBe('OK');
    expect(run('LINDEX', 'l', '0')).toBe('x');
  });

  it('LMOVE to a new list signals the destination; to a wrong type pops nothing', () => {
    run('RPUSH', '{t}a', '1', '2');
    shard.ready.length = 0;
    expect(run('LMOVE', '{t}a', '{t}b', 'LEFT', 'RIGHT')).toBe('1');
    expect(shard.ready).toEqual(['{t}b']);
    db().set('{t}s', 'str');
    expect(run('RPOPLPUSH', '{t}a', '{t}s')).toEqual(WRONGTYPE);
    expect(run('LRANGE', '{t}a', '0', '-1')).toEqual(['2']);
  });
});

describe('blocking pops', () => {
  it('BLPOP with data pops at once and logs LPOP of the key it popped', () => {
    run('RPUSH', 'b', 'x', 'y');
    expect(run('BLPOP', 'a', 'b', '0')).toEqual(['b', 'x']);
    expect(run('BRPOP', 'b', '0')).toEqual(['b', 'y']);
    expect(shard.log.slice(1)).toEqual([['LPOP', 'b'], ['RPOP', 'b']]);
    expect(shard.blocked).toEqual([]);
    expect(db().has('b')).toBe(false);
  });

  it('BLPOP on empty keys blocks on each key once, with an absolute deadline, and writes nothing', () => {
    expect(shard.run(spec('blpop').handler!, ['BLPOP', 'a', 'b', 'a', '1.5']).length).toBe(0);
    expect(shard.blocked).toEqual([{ keys: ['a', 'b'], deadlineMs: shard.now + 1500, db: 0 }]);
    expect(shard.log).toEqual([]);
  });

  it('a timeout of 0 blocks with no deadline', () => {
    raw('BRPOP', 'a', '0');
    expect(shard.blocked[0]!.deadlineMs).toBe(0);
  });

  it('timeouts round up to whole milliseconds as Redis 7.0 does', () => {
    raw('BLPOP', 'a', '0.00001'); // rounds up to 1 ms
    raw('BLPOP', 'a', '-0.0001'); // rounds up to 0: blocks forever
    raw('BLPOP', 'a', '0.0015');
    expect(shard.blocked.map((b) => b.deadlineMs)).toEqual([shard.now + 1, 0, shard.now + 2]);
  });

  it('bad timeouts answer Redis 7.0 errors and never block', () => {
    const notFloat = { error: 'ERR timeout is not a float or out of range' };
    const negative = { error: 'ERR timeout is negative' };
    expect(run('BLPOP', 'a', 'abc')).toEqual(notFloat);
    expect(run('BLPOP', 'a', 'nan')).toEqual(notFloat);
    expect(run('BLPOP', 'a', '-1')).toEqual(negative);
    expect(run('BLPOP', 'a', '-0.0011')).toEqual(negative);
    expect(run('BLPOP', 'a', 'inf')).toEqual(negative); // casts to LLONG_MIN
    expect(run('BLPOP', 'a', '9.3e15')).toEqual(negative); // past 2^63 ms
    expect(shard.blocked).toEqual([]);
  });

  it('a WRONGTYPE key before any data answers the error instead of blocking', () => {
    db().set('s', 'str');
    expect(run('BLPOP', 'a', 's', '0')).toEqual(WRONGTYPE);
    expect(shard.blocked).toEqual([]);
  });

  it('a re-run after a push pops what the push added (the shard re-runs the same argv)', () => {
    raw('BRPOPLPUSH', '{t}src', '{t}dst', '0');
    expect(shard.blocked).toEqual([{ keys: ['{t}src'], deadlineMs: 0, db: 0 }]);
    run('RPUSH', '{t}src', 'v');
    expect(shard.ready).toEqual(['{t}src']);
    expect(run('BRPOPLPUSH', '{t}src', '{t}dst', '0')).toBe('v');
    expect(shard.log.at(-1)).toEqual(['RPOPLPUSH', '{t}src', '{t}dst']);
    expect(shard.ready).toEqual(['{t}src', '{t}dst']);
    expect(run('LRANGE', '{t}dst', '0', '-1')).toEqual(['v']);
  });

  it('BLMOVE logs LMOVE with its directions and parses them before the timeout', () => {
    run('RPUSH', '{t}a', '1', '2');
    expect(run('BLMOVE', '{t}a', '{t}b', 'RIGHT', 'LEFT', '0')).toBe('2');
    expect(shard.log.at(-1)).toEqual(['LMOVE', '{t}a', '{t}b', 'RIGHT', 'LEFT']);
    expect(run('BLMOVE', '{t}a', '{t}b', 'UP', 'LEFT', 'x')).toEqual({ error: 'ERR syntax error' });
  });
});
