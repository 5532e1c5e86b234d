/**
 * CLIENT and SHUTDOWN over TCP, with two I/O threads so that connections sit on different
 * connection threads: LIST and KILL see every connection of the server.
 */
import { describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { startSlotkv } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');

describe('CLIENT across connection threads', () => {
  it('names, lists and kills clients server-wide', async () => {
    const server = await startSlotkv({ shards: 2, ioThreads: 2 });
    try {
      const clients = await Promise.all([0, 1, 2].map(() => RespClient.connect(server.port)));
      for (const [i, c] of clients.entries()) expect(text(await c.call('CLIENT', 'SETNAME', `c${i}`))).toBe('+OK\r\n');
      const [a, b, c] = clients as [RespClient, RespClient, RespClient];
      expect(text(await a.call('CLIENT', 'GETNAME'))).toBe('$2\r\nc0\r\n');
      expect(text(await a.call('CLIENT', 'SETNAME', 'bad name'))).toBe(
        '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
      );
      const list = text(await a.call('CLIENT', 'LIST'));
      expect(list.match(/name=c\d/g)?.sort()).toEqual(['name=c0', 'name=c1', 'name=c2']);
      const idOf = async (cl: RespClient) => Number(text(await cl.call('CLIENT', 'ID')).slice(1));
      const victim = await idOf(c);
      expect(text(await a.call('CLIENT', 'KILL', 'ID', String(victim)))).toBe(':1\r\n');
      await c.readUntilClose(5000);
      expect(text(await b.call('CLIENT', 'LIST')).match(/name=c\d/g)?.sort()).toEqual(['name=c0', 'name=c1']);
      expect(text(await b.call('CLIENT', 'KILL', '10.0.0.1:1'))).toBe('-ERR No such client\r\n');
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it('SHUTDOWN NOSAVE stops the server cleanly', async () => {
    const server = await startSlotkv({ shards: 2, ioThreads: 2 });
    const c = await RespClient.connect(server.port);
    await c.send('SHUTDOWN', 'NOSAVE');
    await c.readUntilClose(5000);
    const exit = await server.stop();
    expect(exit.killed).toBe(false);
    expect(exit.code).toBe(0);
  });
});
