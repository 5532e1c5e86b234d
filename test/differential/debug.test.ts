/**
 * DEBUG compared byte for byte with redis-server: refused under the default enable-debug-command
 * (no), and with it set to yes, SLEEP and SET-ACTIVE-EXPIRE answer as Redis's do and take effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPair, useDifferential, type Differential } from '../helpers/differential.ts';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS, startRedis, startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(SLOTKV_CONFIGS)('DEBUG ($name)', (config) => {
  describe('with enable-debug-command no (the default)', () => {
    const s = useDifferential(config);
    it('is refused as Redis 7.0 refuses it', () => s.d.run([['DEBUG', 'SLEEP', '0'], ['DEBUG', 'FOO'], ['DEBUG']]));
  });

  describe('with enable-debug-command yes', () => {
    const args = ['--enable-debug-command', 'yes'];
    let redis: ServerHandle;
    let slotkv: ServerHandle;
    let d: Differential;
    beforeAll(async () => {
      [redis, slotkv] = await Promise.all([startRedis({ args }), startSlotkv({ ...config, args: [...args, '--save', '', '--appendonly', 'no'] })]);
      d = await connectPair(redis, slotkv);
    });
    afterAll(async () => {
      d.close();
      await Promise.all([redis.stop(), slotkv.stop()]);
    });

    it('answers SLEEP, SET-ACTIVE-EXPIRE and unknown subcommands as Redis does', () =>
      d.run([
        ['DEBUG', 'SLEEP', '0'], ['DEBUG', 'SLEEP', 'x'], ['DEBUG', 'SLEEP', '-1'], ['DEBUG', 'SLEEP'], ['DEBUG', 'sleep', '0', '1'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], ['DEBUG', 'SET-ACTIVE-EXPIRE'], ['DEBUG', 'NOSUCH'], ['DEBUG', 'NoSuch', 'x'],
      ]));

    it('SLEEP holds commands that touch data until it ends', async () => {
      const [sleeper, other] = await Promise.all([RespClient.connect(slotkv.port), RespClient.connect(slotkv.port)]);
      const start = performance.now();
      const slept = sleeper.call('DEBUG', 'SLEEP', '0.3');
      await sleep(50);
      expect(text(await other.call('GET', 'debug:k'))).toBe('$-1\r\n');
      expect(performance.now() - start).toBeGreaterThanOrEqual(290);
      expect(text(await slept)).toBe('+OK\r\n');
      sleeper.close();
      other.close();
    });

    it('SET-ACTIVE-EXPIRE 0 leaves expired keys to be found; 1 expires them in the background again', async () => {
      const c = await RespClient.connect(slotkv.port);
      expect(text(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'))).toBe('+OK\r\n');
      for (let i = 0; i < 20; i++) await c.call('SET', `debug:ttl:${i}`, 'v', 'PX', '50');
      await sleep(400);
      expect(text(await c.call('DBSIZE'))).toBe(':20\r\n'); // DBSIZE counts keys not yet found expired
      expect(text(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1'))).toBe('+OK\r\n');
      const until = performance.now() + 5000;
      while (text(await c.call('DBSIZE')) !== ':0\r\n' && performance.now() < until) await sleep(100);
      expect(text(await c.call('DBSIZE'))).toBe(':0\r\n');
      c.close();
    });
  });
});
