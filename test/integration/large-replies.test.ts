/**
 * Replies bigger than the socket buffers, to a client that stops reading for a while: they must
 * arrive whole and in order (the connection thread writes with write(2) while the kernel takes
 * it and hands the rest to the socket's queue).
 */
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useSlotkv } from '../helpers/use-slotkv.ts';

function command(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Sends `request`, reads nothing for pauseMs, then collects exactly `length` bytes. */
function exchange(socket: net.Socket, request: Buffer, length: number, pauseMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (d: Buffer): void => {
      chunks.push(d);
      total += d.length;
      if (total >= length) {
        socket.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.pause();
    socket.write(request);
    setTimeout(() => socket.resume(), pauseMs);
  });
}

describe.each([
  { name: 'io-threads 0', shards: 2, ioThreads: 0 },
  { name: 'io-threads 2', shards: 2, ioThreads: 2 },
  { name: 'inline shard', shards: 1, ioThreads: 0, inline: true },
])('large replies to a slow reader, $name', (config) => {
  const server = useSlotkv({ ...config, args: ['--save', '', '--appendonly', 'no'] });

  it('arrive whole and in order, with the small replies behind them', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'a');
    big.write('middle', big.length / 2);
    big.write('end', big.length - 3);
    const socket = net.connect(server.port, server.host);
    await new Promise((r) => socket.once('connect', r));
    expect((await exchange(socket, command('SET', '{k}big', big), 5, 0)).toString()).toBe('+OK\r\n');
    const bulk = Buffer.concat([Buffer.from(`$${big.length}\r\n`), big, Buffer.from('\r\n')]);
    const expected = Buffer.concat([bulk, Buffer.from(':8388608\r\n'), bulk, Buffer.from('+PONG\r\n')]);
    const request = Buffer.concat([command('GET', '{k}big'), command('STRLEN', '{k}big'), command('GET', '{k}big'), command('PING')]);
    const reply = await exchange(socket, request, expected.length, 500);
    expect(reply.length).toBe(expected.length);
    expect(reply.equals(expected)).toBe(true);
    socket.destroy();
  });
});
