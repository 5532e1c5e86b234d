/**
 * A client that pipelines far more than the shards have answered (redis-cli --pipe) is read
 * only up to a bound of waiting commands, then again as replies go out: every reply still
 * arrives, in order. A client with a parked blocking command keeps being read, so that its
 * disconnect still cancels the parked command.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeCommand, RespClient } from '../helpers/resp-client.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

const text = (b: Buffer) => b.toString('latin1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  { name: 'shards 1, io-threads 0', shards: 1, ioThreads: 0 },
  { name: 'shards 3, io-threads 2', shards: 3, ioThreads: 2 },
])('a client far ahead of its replies, $name', (config) => {
  const server = useSlotkv({ ...config, args: ['--save', '', '--appendonly', 'no'] });

  it('gets every reply of a pipeline many times the bound, in order', async () => {
    const count = 20_000;
    const request = Buffer.concat(Array.from({ length: count }, () => encodeCommand(['HINCRBY', 'h', 'n', '1'])));
    const expected = Array.from({ length: count }, (_, i) => `:${i + 1}\r\n`).join('');
    const got = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (d) => {
        received += d.toString('latin1');
        if (received.length >= expected.length) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
      socket.write(request);
    });
    expect(got === expected).toBe(true);
  });

  it('keeps reading a client whose parked command is ahead of the bound, so its disconnect cancels it', async () => {
    const c = await RespClient.connect(server.port);
    await c.call('DEL', 'q');
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const behind = Array.from({ length: 6000 }, () => encodeCommand(['GET', 'q:other']));
    socket.write(Buffer.concat([encodeCommand(['BLPOP', 'q', '0']), ...behind]));
    await sleep(300);
    expect(text(await c.call('INFO', 'clients'))).toMatch(/blocked_clients:1\r\n/);
    socket.destroy();
    await sleep(300);
    expect(text(await c.call('INFO', 'clients'))).toMatch(/blocked_clients:0\r\n/);
    await c.call('RPUSH', 'q', 'kept');
    expect(text(await c.call('LLEN', 'q'))).toBe(':1\r\n');
    c.close();
  });
});
