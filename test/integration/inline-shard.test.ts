/**
 * inline-shard (the default on 2 cores or fewer): the one shard runs on the main thread. The
 * command suites run in this mode too (SLOTKV_CONFIGS); these are the parts a shard worker did
 * by itself and the main thread must now do on its timer or in its flush loop: periodic expiry,
 * blocked commands' deadlines, background snapshots, batches larger than a ring, and the last
 * snapshot at shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inline shard', () => {
  let server: ServerHandle;
  let c: RespClient;
  beforeAll(async () => {
    server = await startSlotkv({ inline: true, args: ['--save', '', '--appendonly', 'no'] });
    c = await RespClient.connect(server.port);
  });
  afterAll(async () => {
    c.close();
    await server.stop();
  });

  it('runs no shard worker', async () => {
    const info = text(await c.call('INFO', 'server'));
    expect(info).toMatch(/^shards:1\r$/m);
    expect(info).toMatch(/^shard_threads:0\r$/m);
    // Its heap is the main thread's: INFO memory counts it once, not again for the shard.
    expect(text(await c.call('INFO', 'shards'))).toMatch(/^shard0:.*,used_memory=0,/m);
  });

  it('expires keys with no traffic to step the shard', async () => {
    await c.call('FLUSHALL');
    for (let i = 0; i < 10; i++) await c.call('SET', `gone${i}`, 'v', 'PX', '30');
    await c.call('SET', 'stays', 'v');
    await sleep(700);
    // Nothing touched the keys: only active expiry, on the timer, can have deleted them.
    expect(text(await c.call('DBSIZE'))).toBe(':1\r\n');
  });

  it('answers a blocked command at its deadline', async () => {
    const started = Date.now();
    expect(text(await c.call('BLPOP', 'nothing', '0.2'))).toBe('*-1\r\n');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(600);
  });

  it('keeps the order of a connection whose hot commands follow one that waits', async () => {
    // GET, SET and INCR run as they are framed unless something is ahead of them, as the
    // parked BLPOP is here: then they queue behind it through the ring.
    const replies = await c.pipeline([
      ['SET', 'k', '1'], ['BLPOP', 'empty', '0.2'], ['GET', 'k'], ['INCR', 'n'], ['SET', 'k', '2'], ['GET', 'k'],
    ]);
    expect(replies.map(text)).toEqual(['+OK\r\n', '*-1\r\n', '$1\r\n1\r\n', ':1\r\n', '+OK\r\n', '$1\r\n2\r\n']);
  });

  it('runs values that straddle reads and multi-key commands in order, whole', async () => {
    // A 300 KB value never fits one read, so it arrives as argv; MSET and RPOPLPUSH have several
    // keys. With nothing ahead they run at once; behind a parked BLPOP, through the ring.
    const big = Buffer.alloc(300_000, 'ab');
    const replies = await c.pipeline([
      ['SET', 'large', big], ['GET', 'large'], ['MSET', 'm1', 'a', 'm2', 'b'], ['RPUSH', '{l}src', 'x'],
      ['BLPOP', 'empty', '0.1'], ['SET', 'large', 'small'], ['MGET', 'm1', 'm2', 'large'], ['RPOPLPUSH', '{l}src', '{l}dst'],
    ]);
    expect(replies.length).toBe(8);
    expect(text(replies[0]!)).toBe('+OK\r\n');
    expect(replies[1]!.equals(Buffer.concat([Buffer.from('$300000\r\n'), big, Buffer.from('\r\n')]))).toBe(true);
    expect(replies.slice(2).map(text)).toEqual([
      '+OK\r\n', ':1\r\n', '*-1\r\n', '+OK\r\n', '*3\r\n$1\r\na\r\n$1\r\nb\r\n$5\r\nsmall\r\n', '$1\r\nx\r\n',
    ]);
    const again = await c.pipeline([['SET', 'large', big], ['STRLEN', 'large'], ['LRANGE', '{l}dst', '0', '-1']]);
    expect(again.map(text)).toEqual(['+OK\r\n', ':300000\r\n', '*1\r\n$1\r\nx\r\n']);
  });

  it('judges expiry at the time of the command, not of the last batch', async () => {
    await c.call('SET', 'brief', 'v', 'PX', '100');
    expect(text(await c.call('GET', 'brief'))).toBe('$1\r\nv\r\n');
    await sleep(150);
    expect(text(await c.call('GET', 'brief'))).toBe('$-1\r\n');
  });

  it('runs a pipelined batch larger than its rings, replies whole and in order', async () => {
    const value = 'x'.repeat(1000);
    const count = 3000; // ~3 MB each way, the request and reply rings hold 1 MB
    const sets = Array.from({ length: count }, (_, i) => ['SET', `big${i}`, `${i}:${value}`]);
    const setReplies = await c.pipeline(sets);
    expect(setReplies.every((r) => text(r) === '+OK\r\n')).toBe(true);
    const gets = await c.pipeline(Array.from({ length: count }, (_, i) => ['GET', `big${i}`]));
    const bad = gets.findIndex((r, i) => text(r) !== `$${`${i}:`.length + 1000}\r\n${i}:${value}\r\n`);
    expect(bad).toBe(-1);
  });

  it('finishes a background snapshot', async () => {
    await c.pipeline(Array.from({ length: 20000 }, (_, i) => ['SET', `snap${i}`, String(i)]));
    expect(text(await c.call('BGSAVE'))).toBe('+Background saving started\r\n');
    let inProgress = true;
    for (let i = 0; i < 100 && inProgress; i++) {
      await sleep(50);
      inProgress = /rdb_bgsave_in_progress:1/.test(text(await c.call('INFO', 'persistence')));
    }
    expect(inProgress).toBe(false);
  });
});

describe('inline shard, slow log', () => {
  it('records the hot commands it runs as they are framed, with their arguments', async () => {
    const server = await startSlotkv({ inline: true, args: ['--save', '', '--appendonly', 'no', '--slowlog-log-slower-than', '0'] });
    try {
      const c = await RespClient.connect(server.port);
      await c.call('SLOWLOG', 'RESET');
      await c.pipeline([['SET', 'a', '1'], ['GET', 'a'], ['INCR', 'n']]);
      const got = text(await c.call('SLOWLOG', 'GET', '3'));
      expect(got).toContain('*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n');
      expect(got).toContain('*2\r\n$3\r\nGET\r\n$1\r\na\r\n');
      expect(got).toContain('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
      c.close();
    } finally {
      await server.stop();
    }
  });

  it('does not put the time between commands on the next one', async () => {
    const server = await startSlotkv({ inline: true, args: ['--save', '', '--appendonly', 'no', '--slowlog-log-slower-than', '20000'] });
    try {
      const c = await RespClient.connect(server.port);
      for (let i = 0; i < 5; i++) {
        await c.call('GET', 'a');
        await sleep(30);
      }
      expect(text(await c.call('SLOWLOG', 'LEN'))).toBe(':0\r\n');
      c.close();
    } finally {
      await server.stop();
    }
  });
});

describe('inline shard, restarted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotkv-inline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data through the log, and through the snapshot it writes on shutdown', async () => {
    for (const args of [['--appendonly', 'yes'], ['--appendonly', 'no', '--save', '3600 1']]) {
      rmSync(dir, { recursive: true, force: true });
      let server = await startSlotkv({ inline: true, dir, args });
      let c = await RespClient.connect(server.port);
      await c.pipeline([['SET', 'a', '1'], ['INCR', 'n'], ['INCR', 'n'], ['RPUSH', 'l', 'x', 'y'], ['SET', 't', 'v', 'EX', '1000']]);
      c.close();
      await server.stop();
      server = await startSlotkv({ inline: true, dir, args });
      c = await RespClient.connect(server.port);
      const got = (await c.pipeline([['GET', 'a'], ['GET', 'n'], ['LRANGE', 'l', '0', '-1'], ['EXISTS', 't']])).map(text);
      expect(got, args.join(' ')).toEqual(['$1\r\n1\r\n', '$1\r\n2\r\n', '*2\r\n$1\r\nx\r\n$1\r\ny\r\n', ':1\r\n']);
      c.close();
      await server.stop();
    }
  });
});
