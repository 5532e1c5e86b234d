/**
 * Blocking list pops over real TCP connections to a real slotkv: wake-ups on push, fairness
 * between waiters, timeouts, forgetting a client that disconnects while blocked, BRPOPLPUSH,
 * CROSSSLOT for keys in different slots, and what a restart brings back after blocking pops
 * (the log holds their effects, never the blocking command). A test waits for INFO's blocked_clients before
 * pushing, so it never races the waiter's arrival.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, startSlotkv, type ServerHandle } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const pair = (k: string, v: string) => `*2\r\n${bulk(k)}${bulk(v)}`;

describe.each(SLOTKV_CONFIGS)('blocking list pops against slotkv ($name)', (config) => {
  const server = useSlotkv(config);
  let ctl: RespClient;
  const clients: RespClient[] = [];

  /** A fresh connection, closed after the test. */
  const connect = async (): Promise<RespClient> => {
    const c = await RespClient.connect(server.port, server.host);
    clients.push(c);
    return c;
  };

  /** Waits until INFO reports n blocked clients. */
  const blockedClients = async (n: number): Promise<void> => {
    let last = '';
    for (let i = 0; i < 200; i++) {
      const info = (await ctl.call('INFO', 'clients')).toString('latin1');
      last = /blocked_clients:(\d+)/.exec(info)?.[1] ?? '?';
      if (last === String(n)) return;
      await sleep(10);
    }
    throw new Error(`expected ${n} blocked clients, INFO says ${last}`);
  };

  beforeEach(async () => {
    ctl = await connect();
    expect((await ctl.call('FLUSHALL')).toString()).toBe('+OK\r\n');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('a client blocked in BLPOP wakes with the element another client pushes', async () => {
    const waiter = await connect();
    await waiter.send('BLPOP', 'queue', '0');
    await blockedClients(1);
    expect((await ctl.call('RPUSH', 'queue', 'job1')).toString()).toBe(':1\r\n');
    expect((await waiter.read(1))[0]!.toString()).toBe(pair('queue', 'job1'));
    await blockedClients(0);
    expect((await ctl.call('EXISTS', 'queue')).toString()).toBe(':0\r\n');
  });

  it('several blocked clients wake in arrival order, one element each', async () => {
    const waiters = [await connect(), await connect(), await connect()];
    for (const [i, w] of waiters.entries()) {
      await w.send('BRPOP', 'q', '0');
      await blockedClients(i + 1);
    }
    expect((await ctl.call('RPUSH', 'q', 'a', 'b')).toString()).toBe(':2\r\n');
    // BRPOP pops from the tail: the first waiter gets b, the second a, the third still waits.
    expect((await waiters[0]!.read(1))[0]!.toString()).toBe(pair('q', 'b'));
    expect((await waiters[1]!.read(1))[0]!.toString()).toBe(pair('q', 'a'));
    await blockedClients(1);
    await ctl.call('LPUSH', 'q', 'c');
    expect((await waiters[2]!.read(1))[0]!.toString()).toBe(pair('q', 'c'));
  });

  it('a timeout answers nil after roughly the timeout', async () => {
    const c = await connect();
    const started = Date.now();
    expect((await c.call('BLPOP', 'none', '0.3')).toString()).toBe('*-1\r\n');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
    await blockedClients(0);
  });

  it('a timeout of 0 blocks until a push, however long that takes', async () => {
    const c = await connect();
    await c.send('BLPOP', 'later', '0');
    await blockedClients(1);
    await sleep(400);
    await expect(c.read(1, 50)).rejects.toThrow(/timed out/);
    await ctl.call('LPUSH', 'later', 'v');
    expect((await c.read(1))[0]!.toString()).toBe(pair('later', 'v'));
  });

  it('a client that disconnects while blocked is forgotten: a later push stays in the list', async () => {
    const c = await connect();
    await c.send('BLPOP', 'gone', '0');
    await blockedClients(1);
    c.close();
    await blockedClients(0);
    expect((await ctl.call('RPUSH', 'gone', 'kept')).toString()).toBe(':1\r\n');
    expect((await ctl.call('LLEN', 'gone')).toString()).toBe(':1\r\n');
    expect((await ctl.call('LRANGE', 'gone', '0', '-1')).toString()).toBe(`*1\r\n${bulk('kept')}`);
  });

  it('BRPOPLPUSH moves the pushed element to the destination when it wakes', async () => {
    const c = await connect();
    await c.send('BRPOPLPUSH', '{m}src', '{m}dst', '0');
    await blockedClients(1);
    await ctl.call('RPUSH', '{m}src', 'x', 'y');
    expect((await c.read(1))[0]!.toString()).toBe(bulk('y'));
    expect((await ctl.call('LRANGE', '{m}dst', '0', '-1')).toString()).toBe(`*1\r\n${bulk('y')}`);
    expect((await ctl.call('LRANGE', '{m}src', '0', '-1')).toString()).toBe(`*1\r\n${bulk('x')}`);
  });

  it('a waiter on a BRPOPLPUSH destination wakes when the move creates it', async () => {
    const mover = await connect();
    const tail = await connect();
    await mover.send('BRPOPLPUSH', '{c}a', '{c}b', '0');
    await blockedClients(1);
    await tail.send('BLPOP', '{c}b', '0');
    await blockedClients(2);
    await ctl.call('LPUSH', '{c}a', 'hop');
    expect((await mover.read(1))[0]!.toString()).toBe(bulk('hop'));
    expect((await tail.read(1))[0]!.toString()).toBe(pair('{c}b', 'hop'));
    await blockedClients(0);
  });

  it('BLPOP with keys in different slots answers CROSSSLOT', async () => {
    const c = await connect();
    expect((await c.call('BLPOP', 'a', 'b', '0')).toString()).toBe(
      "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
    );
    await blockedClients(0);
  });

  it('a blocked client keeps the replies of its later pipelined commands in order', async () => {
    const c = await connect();
    await c.write(Buffer.from('*3\r\n$5\r\nBLPOP\r\n$1\r\np\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n'));
    await blockedClients(1);
    await ctl.call('RPUSH', 'p', 'v');
    const [first, second] = await c.read(2);
    expect(first!.toString()).toBe(pair('p', 'v'));
    expect(second!.toString()).toBe('+PONG\r\n');
  });
});

describe('lists after a restart', () => {
  it('blocking pops replay as the pops they did, from the log and from a snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotkv-lists-'));
    const servers: ServerHandle[] = [];
    try {
      const start = async () => {
        const s = await startSlotkv({ shards: 2, ioThreads: 0, dir });
        servers.push(s);
        return [s, await RespClient.connect(s.port, s.host)] as const;
      };
      let [server, c] = await start();
      const waiter = await RespClient.connect(server.port, server.host);
      await waiter.send('BLPOP', '{r}q', '0');
      for (let i = 0; i < 200 && !/blocked_clients:1/.test((await c.call('INFO', 'clients')).toString()); i++) await sleep(10);
      await c.call('RPUSH', '{r}q', 'a', 'b', 'c');
      expect((await waiter.read(1))[0]!.toString()).toBe(pair('{r}q', 'a'));
      expect((await c.call('BRPOPLPUSH', '{r}q', '{r}d', '0')).toString()).toBe(bulk('c'));
      await c.call('RPUSH', 'snap', '1', '2', '3');
      expect((await c.call('SAVE')).toString()).toBe('+OK\r\n');
      await c.call('LPOP', 'snap');
      waiter.close();
      c.close();
      await server.stop();

      [server, c] = await start();
      expect((await c.call('LRANGE', '{r}q', '0', '-1')).toString()).toBe(`*1\r\n${bulk('b')}`);
      expect((await c.call('LRANGE', '{r}d', '0', '-1')).toString()).toBe(`*1\r\n${bulk('c')}`);
      expect((await c.call('LRANGE', 'snap', '0', '-1')).toString()).toBe(`*2\r\n${bulk('2')}${bulk('3')}`);
      c.close();
    } finally {
      for (const s of servers) await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
