/**
 * Scripts over TCP: EVALSHA on any connection thread right after EVAL, keys held to one slot,
 * a script's writes seen by WATCH and kept on disk across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, startSlotkv } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

const text = (b: Buffer) => b.toString('latin1');
const INCR_BOTH = "redis.call('incr', KEYS[1]) return redis.call('incr', KEYS[2])";

describe.each(SLOTKV_CONFIGS)('scripts ($name)', (config) => {
  const server = useSlotkv({ ...config, args: ['--save', '', '--appendonly', 'no'] });

  it('EVALSHA finds a script on every connection thread once EVAL has answered', async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => RespClient.connect(server.port)));
    expect(text(await clients[0]!.call('EVAL', "return 'v1'", '0'))).toBe('$2\r\nv1\r\n');
    const sha = text(await clients[0]!.call('SCRIPT', 'LOAD', "return 'v1'")).split('\r\n')[1]!;
    for (const c of clients) expect(text(await c.call('EVALSHA', sha, '0'))).toBe('$2\r\nv1\r\n');
    clients.forEach((c) => c.close());
  });

  it('runs on its keys\' slot: keys across slots are refused, so is a key outside it', async () => {
    const c = await RespClient.connect(server.port);
    expect(text(await c.call('EVAL', INCR_BOTH, '2', '{u}a', '{u}b'))).toBe(':1\r\n');
    expect(text(await c.call('EVAL', INCR_BOTH, '2', 'a', 'b'))).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    expect(text(await c.call('EVAL', "return redis.call('get', 'elsewhere')", '1', '{u}a'))).toMatch(
      /^-ERR Script attempted to access a non local key in a cluster node script: [0-9a-f]{40}, on @user_script:1\.\r\n$/,
    );
    expect(text(await c.call('EVAL', "return redis.call('dbsize')", '0'))).toMatch(/^-ERR 'dbsize' is not available in slotkv's scripts/);
    c.close();
  });

  it("a script's write breaks a WATCH on its key", async () => {
    const [watcher, writer] = await Promise.all([RespClient.connect(server.port), RespClient.connect(server.port)]);
    await watcher.call('WATCH', '{w}k');
    await writer.call('EVAL', "return redis.call('set', KEYS[1], 'changed')", '1', '{w}k');
    expect(text(await watcher.call('MULTI'))).toBe('+OK\r\n');
    expect(text(await watcher.call('SET', '{w}k', 'mine'))).toBe('+QUEUED\r\n');
    expect(text(await watcher.call('EXEC'))).toBe('*-1\r\n');
    expect(text(await writer.call('GET', '{w}k'))).toBe('$7\r\nchanged\r\n');
    watcher.close();
    writer.close();
  });
});

describe("a script's writes on disk", () => {
  it('come back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotkv-script-'));
    try {
      const first = await startSlotkv({ shards: 2, ioThreads: 0, dir });
      const c = await RespClient.connect(first.port);
      await c.call('EVAL', "for i = 1, 5 do redis.call('rpush', KEYS[1], i) end redis.call('set', KEYS[2], 'done') return 1", '2', '{d}l', '{d}flag');
      c.close();
      await first.stop();
      const second = await startSlotkv({ shards: 2, ioThreads: 0, dir });
      const d = await RespClient.connect(second.port);
      expect(text(await d.call('LRANGE', '{d}l', '0', '-1'))).toBe('*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n');
      expect(text(await d.call('GET', '{d}flag'))).toBe('$4\r\ndone\r\n');
      d.close();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
