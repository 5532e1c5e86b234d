/**
 * Backup sets through the server and the slotkv-backup tool: made while serving, listed,
 * verified, pruned, rolled back to, cloned into a second instance.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient } from '../helpers/resp-client.ts';
import { runTool } from '../helpers/run-tool.ts';
import { startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const text = (b: Buffer) => b.toString('latin1');
const bulk = (b: Buffer) => text(b).split('\r\n')[1]!;
const tool = (...args: string[]) => runTool(process.execPath, ['src/tools/backup.ts', ...args], undefined, 60_000);

describe('backups', () => {
  const root = mkdtempSync(join(tmpdir(), 'slotkv-backup-'));
  const dir = join(root, 'data');
  let server: ServerHandle;
  let c: RespClient;

  beforeAll(async () => {
    server = await startSlotkv({ shards: 3, ioThreads: 0, dir, args: ['--backup-retention', '2'] });
    c = await RespClient.connect(server.port);
  });
  afterAll(async () => {
    c.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a verified set while serving, and lists it', async () => {
    await c.pipeline(Array.from({ length: 300 }, (_, i) => ['SET', `k${i}`, `v${i}`]));
    await c.call('HSET', 'h', 'f', 'v');
    // Writes keep flowing while the set is made.
    const writer = await RespClient.connect(server.port);
    const load = writer.pipeline(Array.from({ length: 2000 }, (_, i) => ['SET', `during${i}`, 'x']));
    const id = bulk(await c.call('BACKUP', 'CREATE'));
    await load;
    writer.close();
    expect(id).toMatch(/^\d{8}-\d{6}-\d{3}$/);
    const info = JSON.parse(readFileSync(join(dir, 'backups', id, 'backup.json'), 'utf8'));
    expect(info.shardCount).toBe(3);
    expect(info.files).toHaveLength(3);
    expect(info.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    const listed = await tool('list', '--dir', dir);
    expect(listed.stdout).toContain(`${id}  `);
  });

  it('rolls the running instance back to a set, and the rollback survives a restart', async () => {
    const id = bulk(await c.call('BACKUP', 'CREATE'));
    await c.call('SET', 'k1', 'changed');
    await c.call('DEL', 'k2');
    await c.call('SET', 'new', 'x');
    const restored = await tool('restore', id, '-p', String(server.port));
    expect(restored.code, restored.stderr).toBe(0);
    expect(text(await c.call('MGET', 'k1', 'k2', 'new'))).toBe('*3\r\n$2\r\nv1\r\n$2\r\nv2\r\n$-1\r\n');
    c.close();
    await server.stop();
    server = await startSlotkv({ shards: 3, ioThreads: 0, dir, args: ['--backup-retention', '2'] });
    c = await RespClient.connect(server.port);
    expect(text(await c.call('MGET', 'k1', 'k2', 'new'))).toBe('*3\r\n$2\r\nv1\r\n$2\r\nv2\r\n$-1\r\n');
    expect(text(await c.call('HGET', 'h', 'f'))).toBe('$1\r\nv\r\n');
  });

  it('clones a set into a directory a second instance starts from, with another shard count', async () => {
    const id = bulk(await c.call('BACKUP', 'CREATE'));
    const target = join(root, 'clone');
    const cloned = await tool('clone', id, target, '--dir', dir);
    expect(cloned.code, cloned.stderr).toBe(0);
    const second = await startSlotkv({ shards: 1, ioThreads: 0, dir: target });
    try {
      const c2 = await RespClient.connect(second.port);
      expect(text(await c2.call('GET', 'k299'))).toBe('$4\r\nv299\r\n');
      expect(text(await c2.call('DBSIZE'))).toBe(text(await c.call('DBSIZE')));
      c2.close();
    } finally {
      await second.stop();
    }
  });

  it('keeps only backup-retention sets', async () => {
    await c.call('BACKUP', 'CREATE');
    const list = await c.call('BACKUP', 'LIST');
    expect(text(list).startsWith('*2\r\n')).toBe(true);
  });

  it('refuses to restore a damaged set and leaves the data alone', async () => {
    const id = bulk(await c.call('BACKUP', 'CREATE'));
    const info = JSON.parse(readFileSync(join(dir, 'backups', id, 'backup.json'), 'utf8'));
    const file = join(dir, 'backups', id, `${info.files[1].name}.gz`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(file, bytes);
    await c.call('SET', 'k1', 'after');
    expect(text(await c.call('BACKUP', 'RESTORE', id))).toMatch(/^-ERR .*checksum mismatch/);
    expect(text(await c.call('GET', 'k1'))).toBe('$5\r\nafter\r\n');
    expect(text(await c.call('BACKUP', 'RESTORE', 'nosuch'))).toMatch(/^-ERR no backup 'nosuch'/);
  });
});
