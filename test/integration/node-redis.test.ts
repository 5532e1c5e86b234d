/**
 * node-redis (v5, RESP2 by default) against slotkv over TCP: connect, the common commands of
 * every type, keys across shards, errors, and HELLO's answers for the handshake clients use.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, startSlotkv, type ServerHandle } from '../helpers/servers.ts';

describe.each(SLOTKV_CONFIGS)('node-redis against slotkv ($name)', ({ shards, ioThreads }) => {
  let server: ServerHandle;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await startSlotkv({ shards, ioThreads });
    client = createClient({ socket: { host: server.host, port: server.port } });
    await client.connect();
  });
  afterAll(async () => {
    await client.quit();
    await server.stop();
  });

  it('sets, gets and reads many keys across shards', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `nr:${i}`);
    await client.mSet(keys.map((k) => [k, `v-${k}`] as [string, string]));
    expect(await client.mGet(keys)).toEqual(keys.map((k) => `v-${k}`));
    expect(await client.get('nr:7')).toBe('v-nr:7');
    expect(await client.del(keys)).toBe(50);
  });

  it('speaks every data type', async () => {
    await client.hSet('{t}h', { f1: 'a', f2: 'b' });
    expect(await client.hGetAll('{t}h')).toEqual({ f1: 'a', f2: 'b' });
    await client.rPush('{t}l', ['x', 'y', 'z']);
    expect(await client.lRange('{t}l', 0, -1)).toEqual(['x', 'y', 'z']);
    await client.sAdd('{t}s', ['1', '2']);
    expect((await client.sMembers('{t}s')).sort()).toEqual(['1', '2']);
    await client.zAdd('{t}z', [{ score: 2, value: 'b' }, { score: 1, value: 'a' }]);
    expect(await client.zRangeWithScores('{t}z', 0, -1)).toEqual([{ value: 'a', score: 1 }, { value: 'b', score: 2 }]);
    expect(await client.pfAdd('{t}hll', ['a', 'b', 'c'])).toBe(1);
    expect(await client.pfCount('{t}hll')).toBe(3);
  });

  it('rejects with the server error', async () => {
    await client.set('nr:str', 'x');
    await expect(client.incr('nr:str')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(client.lPush('nr:str', 'x')).rejects.toThrow(/^WRONGTYPE/);
  });

  it('HELLO 2 describes the server and HELLO 3 is refused with NOPROTO', async () => {
    const raw = await RespClient.connect(server.port);
    const hello = (await raw.call('HELLO', '2')).toString('latin1');
    expect(hello).toMatch(/^\*14\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n/);
    expect(hello).toMatch(/\$5\r\nproto\r\n:2\r\n\$2\r\nid\r\n:\d+\r\n/);
    expect((await raw.call('HELLO', '3')).toString('latin1')).toBe('-NOPROTO unsupported protocol version\r\n');
    raw.close();
  });
});
