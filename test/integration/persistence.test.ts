/**
 * Data on disk, through real restarts: the log and snapshots bring every key back, expired keys
 * stay expired, a torn log tail is dropped, a corrupt file stops the start with its name and
 * offset, the shard count may change between runs, and SAVE/BGSAVE/LASTSAVE answer as Redis.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { runTool } from '../helpers/run-tool.ts';
import { startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');
const dirs: string[] = [];
const running: ServerHandle[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slotkv-persist-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, shards = 2, args: string[] = []): Promise<{ server: ServerHandle; c: RespClient }> {
  const server = await startSlotkv({ shards, ioThreads: 0, dir, args });
  running.push(server);
  return { server, c: await RespClient.connect(server.port) };
}

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

/** Writes a mix of types and expiries; returns the commands that read them back. */
async function writeMix(c: RespClient, prefix: string): Promise<void> {
  for (let i = 0; i < 20; i++) await c.call('SET', `${prefix}s${i}`, `v${i}`);
  await c.call('MSET', `${prefix}m1`, 'a', `${prefix}m2`, 'b');
  await c.call('INCRBYFLOAT', `${prefix}f`, '1.5');
  await c.call('APPEND', `${prefix}s0`, '-more');
  await c.call('HSET', `${prefix}h`, 'f1', 'x', 'f2', 'y');
  await c.call('SADD', `${prefix}set`, 'a', 'b', 'c');
  await c.call('SET', `${prefix}ttl`, 'v', 'EX', '1000');
  await c.call('DEL', `${prefix}s19`);
}

async function readMix(c: RespClient, prefix: string): Promise<string[]> {
  return [
    text(await c.call('GET', `${prefix}s0`)),
    text(await c.call('GET', `${prefix}s18`)),
    text(await c.call('EXISTS', `${prefix}s19`)),
    text(await c.call('MGET', `${prefix}m1`, `${prefix}m2`)),
    text(await c.call('GET', `${prefix}f`)),
    text(await c.call('HGETALL', `${prefix}h`)),
    text(await c.call('SCARD', `${prefix}set`)),
    String(Number(text(await c.call('TTL', `${prefix}ttl`)).slice(1)) > 990),
  ];
}

const EXPECTED_MIX = [
  '$7\r\nv0-more\r\n',
  '$3\r\nv18\r\n',
  ':0\r\n',
  '*2\r\n$1\r\na\r\n$1\r\nb\r\n',
  '$3\r\n1.5\r\n',
  '*4\r\n$2\r\nf1\r\n$1\r\nx\r\n$2\r\nf2\r\n$1\r\ny\r\n',
  ':3\r\n',
  'true',
];

describe('restart', () => {
  it('brings back every key from the log alone', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir);
    await writeMix(c, 'a:');
    c.close();
    await server.stop();
    ({ server, c } = await start(dir));
    expect(await readMix(c, 'a:')).toEqual(EXPECTED_MIX);
    expect(server.output()).toMatch(/loaded \d+ records/);
  });

  it('brings back keys from a snapshot plus the log written after it', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir);
    await writeMix(c, 'a:');
    expect(text(await c.call('BGSAVE'))).toBe('+Background saving started\r\n');
    for (let i = 0; i < 50 && manifest(dir).shards.some((s: { snapshot: unknown }) => s.snapshot === null); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await writeMix(c, 'b:');
    await c.call('DEL', 'a:s18');
    c.close();
    await server.stop();
    expect(manifest(dir).shards.every((s: { snapshot: unknown }) => s.snapshot !== null)).toBe(true);
    ({ server, c } = await start(dir));
    expect(await readMix(c, 'b:')).toEqual(EXPECTED_MIX);
    expect(text(await c.call('GET', 'a:s0'))).toBe('$7\r\nv0-more\r\n');
    expect(text(await c.call('EXISTS', 'a:s18'))).toBe(':0\r\n');
  });

  it('keeps expired keys expired', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir);
    await c.call('SET', 'short', 'v', 'PX', '200');
    await c.call('SET', 'long', 'v', 'EX', '100');
    await c.call('SAVE');
    await c.call('SET', 'short2', 'v', 'PX', '200');
    c.close();
    await server.stop();
    await new Promise((r) => setTimeout(r, 300));
    ({ server, c } = await start(dir));
    expect(text(await c.call('EXISTS', 'short', 'short2'))).toBe(':0\r\n');
    expect(Number(text(await c.call('TTL', 'long')).slice(1))).toBeGreaterThan(95);
  });

  it('works when the shard count changes between runs', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir, 3);
    await writeMix(c, 'a:');
    await c.call('SAVE');
    await writeMix(c, 'b:');
    c.close();
    await server.stop();
    for (const shards of [1, 2, 3]) {
      ({ server, c } = await start(dir, shards));
      expect(await readMix(c, 'a:')).toEqual(EXPECTED_MIX);
      expect(await readMix(c, 'b:')).toEqual(EXPECTED_MIX);
      expect(manifest(dir).shardCount).toBe(shards);
      await c.call('SET', `after-${shards}`, 'x');
      c.close();
      await server.stop();
    }
    ({ server, c } = await start(dir, 2));
    expect(text(await c.call('MGET', 'after-1', 'after-2', 'after-3'))).toBe('*3\r\n$1\r\nx\r\n$1\r\nx\r\n$1\r\nx\r\n');
  });
});

describe('transactions in the log', () => {
  it('replay whole, with the same shard count and with another', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir, 2);
    const replies = await c.pipeline([
      ['MULTI'], ['SET', '{t}a', '1'], ['INCR', '{t}a'], ['RPUSH', '{t}l', 'x', 'y'], ['LPOP', '{t}l'], ['SET', '{t}e', 'v', 'EX', '100'], ['EXEC'],
    ]);
    expect(text(replies.at(-1)!)).toBe('*5\r\n+OK\r\n:2\r\n:2\r\n$1\r\nx\r\n+OK\r\n');
    c.close();
    await server.stop();
    const log = readdirSync(dir).filter((f) => f.endsWith('.aof')).map((f) => readFileSync(join(dir, f), 'latin1')).join('');
    expect(log).toContain('slotkv-tx'); // one record for the whole transaction
    for (const shards of [2, 3]) {
      ({ server, c } = await start(dir, shards));
      expect(text(await c.call('MGET', '{t}a', '{t}e'))).toBe('*2\r\n$1\r\n2\r\n$1\r\nv\r\n');
      expect(text(await c.call('LRANGE', '{t}l', '0', '-1'))).toBe('*1\r\n$1\r\ny\r\n');
      expect(Number(text(await c.call('TTL', '{t}e')).slice(1))).toBeGreaterThan(90);
      c.close();
      await server.stop();
    }
  });
});

describe('SWAPDB in the log', () => {
  it('replays as a swap, with the same shard count and with another', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir, 3);
    await c.call('MSET', 'a', 'db0', 'b', 'db0', 'c', 'db0');
    await c.call('SELECT', '1');
    await c.call('MSET', 'a', 'db1', 'x', 'db1');
    await c.call('SWAPDB', '0', '1');
    c.close();
    await server.stop();
    for (const shards of [3, 2]) {
      ({ server, c } = await start(dir, shards));
      expect(text(await c.call('MGET', 'a', 'b', 'c', 'x'))).toBe('*4\r\n$3\r\ndb1\r\n$-1\r\n$-1\r\n$3\r\ndb1\r\n');
      await c.call('SELECT', '1');
      expect(text(await c.call('MGET', 'a', 'b', 'c', 'x'))).toBe('*4\r\n$3\r\ndb0\r\n$3\r\ndb0\r\n$3\r\ndb0\r\n$-1\r\n');
      c.close();
      await server.stop();
    }
  });
});

describe('damaged files', () => {
  const newestSegment = (dir: string) => {
    const m = manifest(dir);
    return join(dir, m.shards[0].segments.at(-1));
  };

  it('drops a torn tail with a log line and keeps the rest', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir, 1);
    await c.call('SET', 'kept', 'yes');
    c.close();
    await server.stop();
    appendFileSync(newestSegment(dir), Buffer.from([40, 0, 0, 0, 1, 2, 3])); // a record cut short
    ({ server, c } = await start(dir, 1));
    expect(text(await c.call('GET', 'kept'))).toBe('$3\r\nyes\r\n');
    expect(server.output()).toMatch(/dropped 7 bytes of a partial record/);
  });

  it('stops the start on corruption in the middle, naming file and offset; slotkv-check --fix repairs', async () => {
    const dir = dataDir();
    let { server, c } = await start(dir, 1);
    for (let i = 0; i < 10; i++) await c.call('SET', `k${i}`, 'value');
    c.close();
    await server.stop();
    const seg = newestSegment(dir);
    const bytes = readFileSync(seg);
    bytes[bytes.length - 150] ^= 0xff; // inside an early record, with intact ones after it
    writeFileSync(seg, bytes);
    const failed = await startSlotkv({ shards: 1, ioThreads: 0, dir }).then(
      (s) => (running.push(s), 'started'),
      (e: Error) => e.message,
    );
    expect(failed).toMatch(/corrupt log: .*log-0of1-0\.aof at offset \d+: (checksum mismatch|record cut short)/);
    const check = await runTool(process.execPath, ['src/tools/check.ts', '--dir', dir]);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toMatch(/log-0of1-0\.aof at offset \d+/);
    const fix = await runTool(process.execPath, ['src/tools/check.ts', '--dir', dir, '--fix']);
    expect(fix.code).toBe(0);
    ({ server, c } = await start(dir, 1));
    expect(text(await c.call('GET', 'k0'))).toBe('$5\r\nvalue\r\n');
  });
});

describe('save rules', () => {
  it('snapshot a shard once its changes and the time since its last snapshot meet a rule', async () => {
    const dir = dataDir();
    const { c } = await start(dir, 1, ['--save', '1 3']);
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    await new Promise((r) => setTimeout(r, 1300));
    expect(manifest(dir).shards[0].snapshot).toBeNull(); // 2 changes: the rule wants 3
    await c.call('SET', 'c', '3');
    let snapshot = null;
    for (let i = 0; i < 40 && snapshot === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      snapshot = manifest(dir).shards[0].snapshot;
    }
    expect(snapshot).toMatch(/^snap-0of1-\d+\.skv$/);
  });
});

describe('appendonly no', () => {
  it('keeps no log; snapshots alone bring the data back, each SAVE replacing the last', async () => {
    const dir = dataDir();
    const { server, c } = await start(dir, 2, ['--appendonly', 'no', '--save', '1 2']);
    await writeMix(c, 'a:');
    // The save rule still counts changes although nothing is logged.
    let saved = false;
    for (let i = 0; i < 60 && !saved; i++) {
      await new Promise((r) => setTimeout(r, 50));
      saved = manifest(dir).shards.every((s: { snapshot: string | null }) => s.snapshot !== null);
    }
    expect(saved).toBe(true);
    await writeMix(c, 'b:');
    expect(text(await c.call('SAVE'))).toBe('+OK\r\n');
    await c.call('SET', 'after-last-save', 'x');
    // SIGTERM: as Redis does with save rules, the shards snapshot before they stop.
    await server.stop();
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.aof'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.skv'))).toHaveLength(2);
    const { server: second, c: again } = await start(dir, 2, ['--appendonly', 'no', '--save', '']);
    expect(await readMix(again, 'a:')).toEqual(EXPECTED_MIX);
    expect(await readMix(again, 'b:')).toEqual(EXPECTED_MIX);
    expect(text(await again.call('GET', 'after-last-save'))).toBe('$1\r\nx\r\n');
    // Without save rules nothing is snapshotted on the way out: like Redis without an AOF,
    // what came after the last snapshot is gone.
    await again.call('SET', 'unsaved', 'y');
    await second.stop();
    const { server: thirdServer, c: third } = await start(dir, 2, ['--appendonly', 'no', '--save', '1000 1']);
    expect(text(await third.call('EXISTS', 'unsaved'))).toBe(':0\r\n');
    expect(text(await third.call('EXISTS', 'after-last-save'))).toBe(':1\r\n');
    // SHUTDOWN NOSAVE skips the last snapshot even with save rules.
    await third.call('SET', 'nosave', 'z');
    await third.send('SHUTDOWN', 'NOSAVE');
    for (let i = 0; i < 100 && !thirdServer.exited(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(thirdServer.exited()).toBe(true);
    const { c: fourth } = await start(dir, 2, ['--appendonly', 'no', '--save', '']);
    expect(text(await fourth.call('EXISTS', 'nosave'))).toBe(':0\r\n');
    expect(text(await fourth.call('EXISTS', 'after-last-save'))).toBe(':1\r\n');
  });
});

describe('snapshot commands', () => {
  it('SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE answer as Redis does, and drop old log segments', async () => {
    const dir = dataDir();
    const { c } = await start(dir, 2);
    const before = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 100; i++) await c.call('SET', `k${i}`, 'v');
    expect(text(await c.call('SAVE'))).toBe('+OK\r\n');
    const last = Number(text(await c.call('LASTSAVE')).slice(1));
    expect(last).toBeGreaterThanOrEqual(before);
    expect(text(await c.call('BGREWRITEAOF'))).toBe('+Background append only file rewriting started\r\n');
    expect(text(await c.call('BGSAVE', 'nonsense'))).toBe('-ERR syntax error\r\n');
    await new Promise((r) => setTimeout(r, 200));
    const files = readdirSync(dir).filter((f) => f.endsWith('.aof') || f.endsWith('.skv'));
    expect(files.sort()).toEqual(
      manifest(dir)
        .shards.flatMap((s: { snapshot: string; segments: string[] }) => [s.snapshot, ...s.segments])
        .sort(),
    );
    expect(files.filter((f) => f.endsWith('.aof'))).toHaveLength(2);
  });
});
