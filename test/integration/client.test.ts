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

  it('MONITOR shows every command of every connection thread, quoted as Redis does', async () => {
    const server = await startSlotkv({ shards: 2, ioThreads: 2 });
    try {
      const monitor = await RespClient.connect(server.port);
      expect(text(await monitor.call('MONITOR'))).toBe('+OK\r\n');
      const client = await RespClient.connect(server.port); // lands on the other I/O thread
      await client.call('SET', 'a b', 'x\n"y');
      await client.call('SELECT', '2');
      await client.call('AUTH', 'secret');
      const lines = (await monitor.read(3)).map(text);
      expect(lines[0]).toMatch(/^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "a b" "x\\n\\"y"\r\n$/);
      expect(lines[1]).toMatch(/\[2 127\.0\.0\.1:\d+\] "SELECT" "2"\r\n$/);
      expect(lines[2]).toMatch(/"AUTH" "\(redacted\)"\r\n$/);
      monitor.close();
      client.close();
    } finally {
      await server.stop();
    }
  });
});
