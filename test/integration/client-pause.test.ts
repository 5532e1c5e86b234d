/**
 * CLIENT PAUSE over TCP, with connections on several connection threads: ALL holds every
 * command until the pause ends; WRITE lets reads through, holds a client's first write and what
 * it sends after it (in order); UNPAUSE ends a pause at once.
 */
import { describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

const text = (b: Buffer) => b.toString('latin1');

/** The reply and how long it took. */
async function timed(c: RespClient, ...args: string[]): Promise<[string, number]> {
  const start = performance.now();
  const reply = text(await c.call(...args));
  return [reply, performance.now() - start];
}

describe.each(SLOTKV_CONFIGS)('CLIENT PAUSE ($name)', (config) => {
  const server = useSlotkv({ ...config, args: ['--save', '', '--appendonly', 'no'] });

  it('ALL: no client has a command run until the pause ends', async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => RespClient.connect(server.port)));
    const pausedAt = performance.now(); // the pause ends 400 ms after the server got it, so later than this + 400
    expect(text(await clients[0]!.call('CLIENT', 'PAUSE', '400'))).toBe('+OK\r\n');
    const replies = await Promise.all(clients.slice(1).map(async (c) => [text(await c.call('PING')), performance.now()] as const));
    for (const [reply, at] of replies) {
      expect(reply).toBe('+PONG\r\n');
      expect(at - pausedAt).toBeGreaterThanOrEqual(390);
    }
    clients.forEach((c) => c.close());
  });

  it('WRITE: reads run, a write and what follows it wait; UNPAUSE releases them at once', async () => {
    const [admin, reader, writer] = await Promise.all([0, 1, 2].map(() => RespClient.connect(server.port)));
    await admin.call('SET', 'pause:n', '10');
    expect(text(await admin.call('CLIENT', 'PAUSE', '5000', 'WRITE'))).toBe('+OK\r\n');
    const [got, readMs] = await timed(reader!, 'GET', 'pause:n');
    expect(got).toBe('$2\r\n10\r\n');
    expect(readMs).toBeLessThan(1000);
    // Held: the INCR, and the GET behind it, which must see the INCR.
    const held = writer!.pipeline([['INCR', 'pause:n'], ['GET', 'pause:n']]);
    await new Promise((r) => setTimeout(r, 200));
    expect(text(await reader!.call('GET', 'pause:n'))).toBe('$2\r\n10\r\n');
    const [unpaused, unpauseMs] = await timed(admin!, 'CLIENT', 'UNPAUSE');
    expect(unpaused).toBe('+OK\r\n');
    expect(unpauseMs).toBeLessThan(1000);
    expect((await held).map(text)).toEqual([':11\r\n', '$2\r\n11\r\n']);
    [admin, reader, writer].forEach((c) => c!.close());
  });
});
