/**
 * The server as a whole, through real TCP: authentication (plain and CKV's instance-id form),
 * INFO and COMMAND replies, the output-buffer limit, and clean shutdown.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');

describe('AUTH with requirepass and an instance id', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startSlotkv({ shards: 2, ioThreads: 0, args: ['--requirepass', 'abcd1234', '--instance-id', 'crs-bkuza6i3'] });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('refuses commands before AUTH with NOAUTH', async () => {
    const c = await RespClient.connect(server.port);
    expect(text(await c.call('GET', 'k'))).toBe('-NOAUTH Authentication required.\r\n');
    c.close();
  });

  it('answers a wrong password with ERR invalid password', async () => {
    const c = await RespClient.connect(server.port);
    expect(text(await c.call('AUTH', 'nope'))).toBe('-ERR invalid password\r\n');
    expect(text(await c.call('PING'))).toBe('-NOAUTH Authentication required.\r\n');
    c.close();
  });

  it('accepts the plain password and the instance-id:password form', async () => {
    for (const password of ['abcd1234', 'crs-bkuza6i3:abcd1234']) {
      const c = await RespClient.connect(server.port);
      expect(text(await c.call('AUTH', password))).toBe('+OK\r\n');
      expect(text(await c.call('SET', 'k', 'v'))).toBe('+OK\r\n');
      expect(text(await c.call('GET', 'k'))).toBe('$1\r\nv\r\n');
      c.close();
    }
  });

  it('refuses large requests from a client that has not authenticated', async () => {
    const c = await RespClient.connect(server.port);
    await c.write('*20\r\n');
    expect(text(await c.readUntilClose())).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
  });
});

describe.each(SLOTKV_CONFIGS)('server commands ($name)', ({ shards, ioThreads }) => {
  let server: ServerHandle;
  let c: RespClient;
  beforeAll(async () => {
    server = await startSlotkv({ shards, ioThreads });
    c = await RespClient.connect(server.port);
  });
  afterAll(async () => {
    c.close();
    await server.stop();
  });

  it('INFO reports keyspace totals across shards and one line per shard', async () => {
    await c.pipeline(Array.from({ length: 50 }, (_, i) => ['SET', `info:${i}`, 'v']));
    await c.call('EXPIRE', 'info:0', '100');
    const info = text(await c.call('INFO'));
    expect(info).toContain('# Server\r\n');
    expect(info).toContain(`shards:${shards}\r\n`);
    expect(info).toContain('db0:keys=50,expires=1,avg_ttl=0');
    const shardLines = info.match(/^shard\d+:keys=\d+/gm) ?? [];
    expect(shardLines).toHaveLength(shards);
    const total = shardLines.reduce((n, l) => n + Number(l.split('=')[1]), 0);
    expect(total).toBe(50);
    expect(text(await c.call('INFO', 'keyspace'))).toMatch(/^\$\d+\r\n# Keyspace\r\ndb0:keys=50,/);
    expect(info).toMatch(/# Persistence\r\nloading:0\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:\d+\r\naof_enabled:1\r\n/);
    expect(info).toMatch(/# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_repl_offset:[1-9]\d*\r\n/);
  });

  it('COMMAND COUNT, INFO and GETKEYS describe the table', async () => {
    const count = Number(text(await c.call('COMMAND', 'COUNT')).slice(1, -2));
    expect(count).toBeGreaterThan(50);
    expect(text(await c.call('COMMAND', 'INFO', 'get', 'nosuch'))).toBe(
      '*2\r\n*6\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*-1\r\n',
    );
    expect(text(await c.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'))).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(text(await c.call('COMMAND', 'GETKEYS', 'PING'))).toBe('-ERR The command has no key arguments\r\n');
  });

  it('TIME answers seconds and microseconds close to the clock', async () => {
    const reply = text(await c.call('TIME'));
    const [, secs] = /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n\d+\r\n$/.exec(reply)!;
    expect(Math.abs(Number(secs) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('a client that never reads its replies', () => {
  it('is disconnected at the output-buffer limit while others keep working', async () => {
    const server = await startSlotkv({ shards: 2, ioThreads: 0, args: ['--client-output-buffer-limit', 'normal 4mb 0 0'] });
    try {
      const setter = await RespClient.connect(server.port);
      const value = 'x'.repeat(256 * 1024);
      expect(text(await setter.call('SET', 'big', value))).toBe('+OK\r\n');
      const greedy = connect(server.port, '127.0.0.1');
      greedy.on('error', () => {});
      await new Promise((resolve) => greedy.once('connect', resolve));
      greedy.pause(); // never reads: replies pile up on the server's side
      const clients = async () => /connected_clients:(\d+)/.exec(text(await setter.call('INFO', 'clients')))![1];
      expect(await clients()).toBe('2');
      // 200 GETs of 256 KB = 50 MB of replies.
      greedy.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'.repeat(200));
      let left = '2';
      for (let i = 0; i < 100 && left !== '1'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        left = await clients();
      }
      expect(left).toBe('1');
      expect(text(await setter.call('PING'))).toBe('+PONG\r\n');
      greedy.destroy();
      setter.close();
    } finally {
      await server.stop();
    }
  });
});

describe('shutdown', () => {
  it('exits 0 on SIGTERM, having printed its startup line', async () => {
    const server = await startSlotkv({ shards: 3, ioThreads: 2 });
    expect(server.output()).toMatch(/slotkv \S+ ready: port \d+, shards 3, io-threads 2, pid \d+/);
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null, killed: false });
  });
});

describe('CONFIG', () => {
  it('GET answers name/value pairs for glob patterns; SET of a directive fixed at startup is refused', async () => {
    const server = await startSlotkv({ shards: 1, ioThreads: 0, args: ['--proto-max-bulk-len', '64mb', '--hz', '25'] });
    try {
      const c = await RespClient.connect(server.port);
      expect(text(await c.call('CONFIG', 'GET', 'port'))).toBe(`*2\r\n$4\r\nport\r\n$${String(server.port).length}\r\n${server.port}\r\n`);
      expect(text(await c.call('CONFIG', 'GET', 'proto-max-*'))).toBe('*2\r\n$18\r\nproto-max-bulk-len\r\n$4\r\n64mb\r\n');
      expect(text(await c.call('CONFIG', 'GET', 'nosuch'))).toBe('*0\r\n');
      expect(text(await c.call('INFO', 'server'))).toContain('\r\nhz:25\r\nconfigured_hz:25\r\n');
      expect(text(await c.call('CONFIG', 'SET', 'port', '1'))).toBe("-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n");
      expect(text(await c.call('CONFIG', 'REWRITE'))).toBe('-ERR CONFIG REWRITE is not supported by slotkv\r\n');
      c.close();
    } finally {
      await server.stop();
    }
  });
});

describe('SLOWLOG', () => {
  it('records commands slower than the threshold on every shard, newest first', async () => {
    const server = await startSlotkv({ shards: 2, ioThreads: 0, args: ['--slowlog-log-slower-than', '0', '--slowlog-max-len', '100'] });
    try {
      const c = await RespClient.connect(server.port);
      await c.call('SLOWLOG', 'RESET');
      await c.call('SET', 'first', '1');
      await c.call('SET', 'second', 'x'.repeat(200));
      const got = text(await c.call('SLOWLOG', 'GET', '2'));
      expect(got).toMatch(/^\*2\r\n\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n\*3\r\n\$3\r\nSET\r\n\$6\r\nsecond\r\n\$\d+\r\nx{128}\.\.\. \(72 more bytes\)\r\n/);
      expect(got).toContain('$5\r\nfirst\r\n');
      expect(text(await c.call('SLOWLOG', 'LEN'))).toMatch(/^:[3-9]\r\n$/);
      expect(text(await c.call('SLOWLOG', 'GET', 'x'))).toBe('-ERR count should be greater than or equal to -1\r\n');
      c.close();
    } finally {
      await server.stop();
    }
  });
});

describe('timeout', () => {
  it('closes a client idle longer than timeout seconds, but not a subscriber', async () => {
    const server = await startSlotkv({ shards: 1, ioThreads: 0, args: ['--timeout', '1'] });
    try {
      const idle = await RespClient.connect(server.port);
      const subscriber = await RespClient.connect(server.port);
      await subscriber.call('SUBSCRIBE', 'ch');
      expect(text(await idle.call('PING'))).toBe('+PONG\r\n');
      await idle.readUntilClose(5000);
      expect(idle.closed).toBe(true);
      expect(subscriber.closed).toBe(false);
      subscriber.close();
    } finally {
      await server.stop();
    }
  });
});
