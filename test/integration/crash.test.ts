/**
 * kill -9 under a write load from many clients, then restart, several times over one data
 * directory. Under appendfsync always no acknowledged write may be missing; under everysec only
 * the last moments may be; no restart may fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startSlotkv, type ServerHandle } from '../helpers/servers.ts';

const CLIENTS = 16;
const ROUNDS = 3;

interface Ack {
  key: string;
  value: string;
  at: number;
}

/** Many clients SET distinct keys until the server dies; returns what was acknowledged. */
async function loadUntilKilled(server: ServerHandle, round: number, killAfterMs: number): Promise<{ acks: Ack[]; killedAt: number }> {
  const acks: Ack[] = [];
  let dead = false;
  const clients = Array.from({ length: CLIENTS }, () => new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null }));
  clients.forEach((c) => c.on('error', () => {}));
  await Promise.all(clients.map((c) => new Promise((ready) => c.once('ready', ready))));
  const workers = clients.map(async (c, id) => {
    for (let i = 0; !dead; i++) {
      const key = `r${round}:c${id}:${i}`;
      const value = `v${i}-${'x'.repeat(i % 50)}`;
      try {
        await c.set(key, value);
        acks.push({ key, value, at: Date.now() });
      } catch {
        return;
      }
    }
  });
  await new Promise((r) => setTimeout(r, killAfterMs));
  const killedAt = Date.now();
  await server.kill();
  dead = true;
  await Promise.all(workers);
  clients.forEach((c) => c.disconnect());
  return { acks, killedAt };
}

/** Keys of acks that the restarted server does not hold with the acknowledged value. */
async function missing(server: ServerHandle, acks: Ack[]): Promise<Ack[]> {
  // No reconnecting: if this server goes away, fail here, not later on another test's server
  // that took over the port.
  const c = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const lost: Ack[] = [];
  for (let i = 0; i < acks.length; i += 500) {
    const batch = acks.slice(i, i + 500);
    const values = await c.mget(...batch.map((a) => a.key));
    batch.forEach((a, k) => {
      if (values[k] !== a.value) lost.push(a);
    });
  }
  c.disconnect();
  return lost;
}

describe.each([
  { policy: 'always', shards: 2, ioThreads: 0, inline: false },
  { policy: 'always', shards: 1, ioThreads: 0, inline: true },
  { policy: 'everysec', shards: 3, ioThreads: 2, inline: false },
])('kill -9 with appendfsync $policy, shards $shards, inline $inline', ({ policy, shards, ioThreads, inline }) => {
  const dir = mkdtempSync(join(tmpdir(), `slotkv-crash-${policy}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`loses ${policy === 'always' ? 'no acknowledged write' : 'at most the last moments'} over ${ROUNDS} crashes`, async () => {
    const all: Ack[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A snapshot in the middle of one round puts a snapshot plus a log tail on the restart path.
      const args = ['--appendfsync', policy, '--save', round === 1 ? '1 1' : ''];
      const server = await startSlotkv({ shards, ioThreads, inline, dir, args });
      // Whatever earlier rounds found after their restart is still there.
      expect(await missing(server, all)).toEqual([]);
      const { acks, killedAt } = await loadUntilKilled(server, round, 1500);
      expect(acks.length).toBeGreaterThan(100);
      const restarted = await startSlotkv({ shards, ioThreads, inline, dir, args: ['--appendfsync', policy, '--save', ''] });
      const lost = await missing(restarted, acks);
      if (policy === 'always') {
        expect(lost).toEqual([]);
      } else {
        // everysec: whatever was acknowledged more than ~1 s before the crash is on disk.
        expect(lost.filter((a) => a.at < killedAt - 1500)).toEqual([]);
      }
      await restarted.stop();
      const lostKeys = new Set(lost.map((a) => a.key));
      all.push(...acks.filter((a) => !lostKeys.has(a.key)));
    }
    // Three kill/restart rounds and a check of every acknowledged key: the faster the server, the
    // more keys to replay and check, so this one gets more time than the suite's default.
  }, 90_000);
});
