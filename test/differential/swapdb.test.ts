/**
 * SWAPDB and ROLE compared byte for byte with redis-server: values, TTLs, types and sizes
 * change places across every shard; bad indexes answer Redis's errors.
 */
import { describe, expect, it } from 'vitest';
import { assertSameBytes, useDifferential } from '../helpers/differential.ts';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, type ServerHandle } from '../helpers/servers.ts';

/** A client of each server, in db `db`, that sends BLPOP key timeout to both at once. */
async function blpopOnBoth(servers: ServerHandle[], db: number, key: string, timeout: string) {
  const clients = await Promise.all(servers.map((h) => RespClient.connect(h.port, h.host)));
  await Promise.all(clients.map((c) => c.call('SELECT', String(db))));
  const replies = Promise.all(clients.map((c) => c.call('BLPOP', key, timeout)));
  return { replies, close: () => clients.forEach((c) => c.close()) };
}

describe.each(SLOTKV_CONFIGS)('SWAPDB matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('swaps whole databases, TTLs included', () =>
    s.d.run([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['SET', 'ttl', 'x', 'EX', '100'], ['RPUSH', 'l', 'x'],
      ['SELECT', '1'], ['SET', 'a', 'one'], ['SADD', 'only1', 'm'],
      ['SWAPDB', '0', '1'], ['MGET', 'a', 'b', 'c', 'ttl'], ['TTL', 'ttl'], ['TYPE', 'l'], ['DBSIZE'],
      ['SELECT', '0'], ['MGET', 'a', 'b', 'only1'], ['TYPE', 'only1'], ['DBSIZE'],
      ['SWAPDB', '1', '1'], ['SWAPDB', '0', '1'], ['DBSIZE'], ['GET', 'a'],
    ]));

  it('serves a client blocked in either db on a key that now holds a list, and only a list', async () => {
    const servers = [s.redis, s.slotkv];
    const listWaiter = await blpopOnBoth(servers, 1, 'q', '0');
    const zsetWaiter = await blpopOnBoth(servers, 2, 'z', '0.5');
    await new Promise((r) => setTimeout(r, 100)); // both parked
    await s.d.run([['RPUSH', 'q', 'v'], ['SWAPDB', '0', '1'], ['SELECT', '3'], ['ZADD', 'z', '1', 'm'], ['SWAPDB', '2', '3']]);
    const [ref, sub] = await listWaiter.replies;
    assertSameBytes('the BLPOP that SWAPDB served', ref!, sub!);
    expect(sub!.toString()).toBe('*2\r\n$1\r\nq\r\n$1\r\nv\r\n');
    // A sorted set does not serve BLPOP: it waits on, and times out.
    const [zRef, zSub] = await zsetWaiter.replies;
    assertSameBytes('the BLPOP left waiting', zRef!, zSub!);
    expect(zSub!.toString()).toBe('*-1\r\n');
    await s.d.run([['SELECT', '1'], ['EXISTS', 'q'], ['SELECT', '2'], ['ZCARD', 'z']]);
    listWaiter.close();
    zsetWaiter.close();
  });

  it('answers Redis errors for bad indexes, and ROLE says master', () =>
    s.d.run([
      ['SWAPDB', '0', '16'], ['SWAPDB', 'a', '1'], ['SWAPDB', '0', 'b'], ['SWAPDB', '-1', '0'], ['SWAPDB', '0'],
      ['ROLE'],
    ]));
});
