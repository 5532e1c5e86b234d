/**
 * CONFIG SET over TCP: each runtime directive takes effect on every connection thread (with two
 * I/O threads, connections sit on different ones) and every shard, as a client would notice it.
 */
import { describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

const text = (b: Buffer) => b.toString('latin1');
const connectMany = (port: number, n: number) => Promise.all(Array.from({ length: n }, () => RespClient.connect(port)));
const closeAll = (clients: RespClient[]) => clients.forEach((c) => c.close());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(SLOTKV_CONFIGS)('CONFIG SET takes effect ($name)', (config) => {
  const server = useSlotkv({ ...config, args: ['--save', '', '--appendonly', 'no'] });

  it('shows the new value to a client on every connection thread', async () => {
    const clients = await connectMany(server.port, 4);
    expect(text(await clients[0]!.call('CONFIG', 'SET', 'maxclients', '77', 'loglevel', 'warning'))).toBe('+OK\r\n');
    for (const c of clients) {
      expect(text(await c.call('CONFIG', 'GET', 'maxclients'))).toBe('*2\r\n$10\r\nmaxclients\r\n$2\r\n77\r\n');
      expect(text(await c.call('CONFIG', 'GET', 'loglevel'))).toBe('*2\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n');
    }
    await clients[0]!.call('CONFIG', 'SET', 'maxclients', '10000', 'loglevel', 'notice');
    closeAll(clients);
  });

  it('requirepass: new connections must AUTH, the ones already in stay in', async () => {
    const admin = await RespClient.connect(server.port);
    await admin.call('SET', 'k', 'v');
    expect(text(await admin.call('CONFIG', 'SET', 'requirepass', 's3cret'))).toBe('+OK\r\n');
    expect(text(await admin.call('GET', 'k'))).toBe('$1\r\nv\r\n');
    const late = await connectMany(server.port, 3);
    for (const c of late) expect(text(await c.call('GET', 'k'))).toBe('-NOAUTH Authentication required.\r\n');
    expect(text(await late[0]!.call('AUTH', 'wrong'))).toBe('-ERR invalid password\r\n'); // see docs/architecture.md
    expect(text(await late[0]!.call('AUTH', 's3cret'))).toBe('+OK\r\n');
    expect(text(await late[0]!.call('GET', 'k'))).toBe('$1\r\nv\r\n');
    expect(text(await late[1]!.call('CONFIG', 'SET', 'requirepass', ''))).toBe('-NOAUTH Authentication required.\r\n');
    expect(text(await admin.call('CONFIG', 'SET', 'requirepass', ''))).toBe('+OK\r\n');
    const open = await RespClient.connect(server.port);
    expect(text(await open.call('GET', 'k'))).toBe('$1\r\nv\r\n');
    closeAll([admin, ...late, open]);
  });

  it('maxclients: a connection past the new limit is refused', async () => {
    const clients = await connectMany(server.port, 3);
    const info = text(await clients[0]!.call('INFO', 'clients'));
    const connected = Number(/connected_clients:(\d+)/.exec(info)![1]);
    expect(text(await clients[0]!.call('CONFIG', 'SET', 'maxclients', String(connected)))).toBe('+OK\r\n');
    const refused = await RespClient.connect(server.port);
    expect(text(await refused.readUntilClose(5000))).toBe('-ERR max number of clients reached\r\n');
    expect(text(await clients[1]!.call('CONFIG', 'SET', 'maxclients', '10000'))).toBe('+OK\r\n');
    const admitted = await RespClient.connect(server.port);
    expect(text(await admitted.call('PING'))).toBe('+PONG\r\n');
    closeAll([...clients, admitted]);
  });

  it('timeout: idle clients are closed once it is set, and kept once it is 0 again', async () => {
    const admin = await RespClient.connect(server.port);
    expect(text(await admin.call('CONFIG', 'SET', 'timeout', '1'))).toBe('+OK\r\n');
    const idle = await connectMany(server.port, 3);
    await Promise.all(idle.map((c) => c.readUntilClose(5000))); // resolves when the server closes it
    const next = await RespClient.connect(server.port);
    expect(text(await next.call('CONFIG', 'SET', 'timeout', '0'))).toBe('+OK\r\n');
    const kept = await connectMany(server.port, 3);
    await sleep(2500);
    for (const c of kept) expect(text(await c.call('PING'))).toBe('+PONG\r\n');
    closeAll([admin, next, ...kept]);
  });

  it('CONFIG RESETSTAT zeroes the counters of every shard and the connection counts', async () => {
    const c = await RespClient.connect(server.port);
    for (let i = 0; i < 20; i++) await c.call('GET', `stat:${i}`);
    const stat = async (name: string) => Number(new RegExp(`\\r\\n${name}:(\\d+)\\r\\n`).exec(text(await c.call('INFO', 'stats')))![1]);
    expect(await stat('keyspace_misses')).toBeGreaterThanOrEqual(20);
    expect(text(await c.call('CONFIG', 'RESETSTAT'))).toBe('+OK\r\n');
    expect(await stat('keyspace_misses')).toBe(0);
    expect(await stat('total_connections_received')).toBe(0);
    expect(await stat('total_commands_processed')).toBeLessThan(10); // the INFO calls since
    const other = await RespClient.connect(server.port);
    expect(text(await other.call('PING'))).toBe('+PONG\r\n');
    expect(await stat('total_connections_received')).toBe(1);
    closeAll([c, other]);
  });

  it('slowlog-log-slower-than and slowlog-max-len reach every shard', async () => {
    const c = await RespClient.connect(server.port);
    const keys = Array.from({ length: 8 }, (_, i) => `slow:${i}`);
    expect(text(await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0'))).toBe('+OK\r\n');
    await c.call('SLOWLOG', 'RESET');
    for (const k of keys) await c.call('SET', k, 'v');
    const logged = text(await c.call('SLOWLOG', 'GET', '-1'));
    for (const k of keys) expect(logged).toContain(`$3\r\nSET\r\n$${k.length}\r\n${k}\r\n`);
    expect(logged).not.toContain('slotkv-');
    // Off again: nothing more is logged.
    expect(text(await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1'))).toBe('+OK\r\n');
    const before = text(await c.call('SLOWLOG', 'LEN'));
    for (const k of keys) await c.call('GET', k);
    expect(text(await c.call('SLOWLOG', 'LEN'))).toBe(before);
    // A shorter log keeps what it has until it records again, then holds at most the new length.
    expect(text(await c.call('CONFIG', 'SET', 'slowlog-max-len', '1', 'slowlog-log-slower-than', '0'))).toBe('+OK\r\n');
    for (const k of keys) await c.call('GET', k);
    const perShardMax = config.shards;
    expect(Number(text(await c.call('SLOWLOG', 'LEN')).slice(1))).toBeLessThanOrEqual(perShardMax);
    await c.call('CONFIG', 'SET', 'slowlog-max-len', '128', 'slowlog-log-slower-than', '10000');
    c.close();
  });
});
