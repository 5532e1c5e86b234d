/**
 * Publish/subscribe through real connections, on redis-server and on slotkv (with several I/O
 * threads, so subscribers and publisher sit on different connection threads): the same
 * commands give the same bytes, messages reach every subscriber and pattern, PUBLISH and PUBSUB
 * count server-wide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient, type Arg } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, startRedis, startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');

/** Runs the scenario on one server; returns every byte each client saw, in order. */
async function scenario(server: ServerHandle): Promise<string[]> {
  const subs = await Promise.all([0, 1, 2].map(() => RespClient.connect(server.port)));
  const pub = await RespClient.connect(server.port);
  const seen: string[] = [];
  seen.push(...(await subs[0]!.pipeline([['SUBSCRIBE', 'news', 'sport']])).map(text));
  seen.push(...(await subs[0]!.read(1)).map(text)); // the second subscribe confirmation
  seen.push(...(await subs[1]!.pipeline([['SUBSCRIBE', 'news']])).map(text));
  seen.push(...(await subs[2]!.pipeline([['PSUBSCRIBE', 'n*']])).map(text));
  const call = async (...args: Arg[]) => text(await pub.call(...args));
  seen.push(await call('PUBLISH', 'news', 'hello'));
  seen.push(await call('PUBLISH', 'sport', 'goal'));
  seen.push(await call('PUBLISH', 'nothing', 'x'));
  seen.push(await call('PUBSUB', 'NUMSUB', 'news', 'sport', 'none'));
  seen.push(await call('PUBSUB', 'NUMPAT'));
  const channels = text(await pub.call('PUBSUB', 'CHANNELS')).split('\r\n').filter((l) => /^[a-z]/.test(l)).sort();
  seen.push(channels.join(','));
  seen.push(...(await subs[0]!.read(2)).map(text));
  seen.push(...(await subs[1]!.read(1)).map(text));
  seen.push(...(await subs[2]!.read(2)).map(text));
  for (const c of [...subs, pub]) c.close();
  return seen;
}

describe.each(SLOTKV_CONFIGS)('pub/sub ($name)', ({ shards, ioThreads }) => {
  let redis: ServerHandle;
  let slotkv: ServerHandle;
  beforeAll(async () => {
    [redis, slotkv] = await Promise.all([startRedis(), startSlotkv({ shards, ioThreads })]);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), slotkv.stop()]);
  });

  it('delivers and counts exactly as redis-server does', async () => {
    const expected = await scenario(redis);
    const got = await scenario(slotkv);
    expect(got).toEqual(expected);
    expect(got).toContain(':3\r\n'); // news reached two subscribers and one pattern
  });

  it('forgets a subscriber that disconnects', async () => {
    const sub = await RespClient.connect(slotkv.port);
    await sub.call('SUBSCRIBE', 'gone');
    sub.close();
    const pub = await RespClient.connect(slotkv.port);
    let count = '';
    for (let i = 0; i < 40 && count !== ':0\r\n'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      count = text(await pub.call('PUBLISH', 'gone', 'x'));
    }
    expect(count).toBe(':0\r\n');
    pub.close();
  });
});
