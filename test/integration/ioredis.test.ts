/**
 * ioredis, a real client, against slotkv: its connection handshake, many keys spread over
 * shards, a 1000-command pipeline, binary values and expiry.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(SLOTKV_CONFIGS)('ioredis against slotkv ($name)', (config) => {
  const server = useSlotkv(config);
  let redis: Redis;

  beforeEach(async () => {
    // Fail fast instead of retrying forever, so a broken server shows up as a test failure.
    redis = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await redis.flushall();
  });
  afterEach(async () => {
    await redis?.quit().catch(() => redis.disconnect());
  });

  it('connects, answers PING and reports ready', async () => {
    expect(await redis.ping()).toBe('PONG');
    expect(redis.status).toBe('ready');
  });

  it('SET and GET single keys', async () => {
    expect(await redis.set('greeting', 'hello')).toBe('OK');
    expect(await redis.get('greeting')).toBe('hello');
    expect(await redis.get('missing')).toBeNull();
  });

  it('MSET and MGET 1000 keys spread across slots', async () => {
    const pairs: string[] = [];
    for (let i = 0; i < 1000; i++) pairs.push(`user:${i}`, `value-${i}`);
    expect(await redis.mset(...pairs)).toBe('OK');
    const keys = Array.from({ length: 1000 }, (_, i) => `user:${i}`);
    const values = await redis.mget(...keys, 'missing');
    expect(values).toEqual([...keys.map((_, i) => `value-${i}`), null]);
    expect(await redis.dbsize()).toBe(1000);
    expect(await redis.del(...keys.slice(0, 10))).toBe(10);
    expect(await redis.exists(...keys.slice(0, 20))).toBe(10);
  });

  it('a pipeline of 1000 commands returns 1000 results in order', async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 1000; i++) {
      if (i % 4 === 0) p.set(`p:${i}`, String(i));
      else if (i % 4 === 1) p.get(`p:${i - 1}`);
      else if (i % 4 === 2) p.incr('p:counter');
      else p.strlen(`p:${i - 3}`);
    }
    const results = await p.exec();
    expect(results).toHaveLength(1000);
    results!.forEach(([err, value], i) => {
      expect(err).toBeNull();
      if (i % 4 === 0) expect(value).toBe('OK');
      else if (i % 4 === 1) expect(value).toBe(String(i - 1));
      else if (i % 4 === 2) expect(value).toBe((i + 2) / 4);
      else expect(value).toBe(String(i - 3).length);
    });
  });

  it('binary Buffer keys and values round-trip unchanged', async () => {
    const value = Buffer.alloc(256 * 4);
    for (let i = 0; i < value.length; i++) value[i] = i & 0xff;
    const key = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x80]);
    expect(await redis.set(key, value)).toBe('OK');
    expect((await redis.getBuffer(key))!.equals(value)).toBe(true);
    expect(await redis.strlen(key)).toBe(value.length);
    const big = Buffer.alloc(1024 * 1024, 0xab);
    await redis.set('big', big);
    expect((await redis.getBuffer('big'))!.equals(big)).toBe(true);
  });

  it('EXPIRE sets a TTL and the key disappears once it elapses', async () => {
    await redis.set('e', 'v');
    expect(await redis.expire('e', 100)).toBe(1);
    const ttl = await redis.ttl('e');
    expect(ttl).toBeGreaterThanOrEqual(99);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.persist('e')).toBe(1);
    expect(await redis.ttl('e')).toBe(-1);
    await redis.set('short', 'v', 'PX', 50);
    await redis.pexpire('e', 50);
    await sleep(200);
    expect(await redis.get('short')).toBeNull();
    expect(await redis.exists('e')).toBe(0);
    expect(await redis.ttl('e')).toBe(-2);
  });

  it('error replies reject with the server message', async () => {
    await redis.set('s', 'not a number');
    await expect(redis.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
    await redis.sadd('set', 'm');
    await expect(redis.get('set')).rejects.toThrow(/^WRONGTYPE/);
  });

  it('MULTI/EXEC through ioredis runs the queue atomically and WATCH guards it', async () => {
    expect(await redis.multi().set('{m}a', '1').incr('{m}a').get('{m}a').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    await redis.watch('{m}a');
    const other = new Redis({ port: server.port, host: server.host });
    await other.set('{m}a', 'changed');
    other.disconnect();
    expect(await redis.multi().incr('{m}a').exec()).toBeNull();
    expect(await redis.get('{m}a')).toBe('changed');
  });
});
