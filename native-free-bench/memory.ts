/**
 * --memory: bytes per key. For each data type, N small keys (`k:<i>` holding a 10-byte value,
 * or a one-element collection of a 10-byte member) go into a freshly started server with
 * persistence off: slotkv on 1 shard, slotkv in its default configuration, and redis-server,
 * one at a time so that none competes with another for memory or CPU.
 *
 * Measured before and after the load, each time after a second of settling: Redis's INFO memory
 * used_memory (its allocator's count, what Redis calls the dataset's size) and, for every
 * server, the process's resident set (VmRSS from /proc/<pid>/status). slotkv's used_memory is
 * the sum of its threads' V8 heapUsed and ArrayBuffers (where short keys and values live), so it
 * leaves out malloc's and V8's slack; its RSS delta is the honest figure, and also counts heap
 * that V8 has grown but not yet filled.
 * A type whose write command slotkv does not have (COMMAND INFO answers nil) is skipped.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { fixed, markdownTable, type Progress } from './report.ts';
import { command, infoField, NO_PERSISTENCE, startTarget, type Target, type TargetSpec } from './targets.ts';
import { ReplyCounter } from './resp-counter.ts';

export interface MemoryType {
  name: string;
  /** The write command the type needs, checked with COMMAND INFO before loading. */
  command: string;
  args(i: number): string[];
}

/** Distinct 10-byte values that Redis cannot store as integers (a leading letter). */
export function smallValue(i: number): string {
  return `v${String(i % 1e9).padStart(9, '0')}`;
}

export const MEMORY_TYPES: MemoryType[] = [
  { name: 'string', command: 'set', args: (i) => ['SET', `k:${i}`, smallValue(i)] },
  { name: 'hash', command: 'hset', args: (i) => ['HSET', `k:${i}`, 'f', smallValue(i)] },
  { name: 'list', command: 'rpush', args: (i) => ['RPUSH', `k:${i}`, smallValue(i)] },
  { name: 'set', command: 'sadd', args: (i) => ['SADD', `k:${i}`, smallValue(i)] },
  { name: 'zset', command: 'zadd', args: (i) => ['ZADD', `k:${i}`, '1', smallValue(i)] },
];

export function memoryTargets(): TargetSpec[] {
  return [
    { name: 'slotkv 1 shard', kind: 'slotkv', args: ['--shards', '1', '--io-threads', '0', ...NO_PERSISTENCE] },
    { name: 'slotkv', kind: 'slotkv', args: [...NO_PERSISTENCE] },
    { name: 'redis', kind: 'redis', args: [...NO_PERSISTENCE] },
  ];
}

export function encodeCommand(args: readonly string[]): string {
  let text = `*${args.length}\r\n`;
  for (const a of args) text += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return text;
}

/** Whether a COMMAND INFO reply for one name describes a command (`*1 *-1` is Redis's "no such command"). */
export function commandExists(reply: string): boolean {
  return reply.startsWith('*1\r\n*') && !reply.startsWith('*1\r\n*-1');
}

/** Resident set size in bytes from the text of /proc/<pid>/status. */
export function parseVmRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (m === null) throw new Error('no VmRSS line');
  return Number(m[1]) * 1024;
}

/** A numeric `name:value` field of an INFO reply, or null. */
export function infoNumber(info: string, name: string): number | null {
  const v = infoField(info, name);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

export interface MemorySample {
  rss: number;
  usedMemory: number | null;
}

async function sample(t: Target): Promise<MemorySample> {
  const info = await command(t.port, 'INFO', 'memory');
  return { rss: parseVmRss(readFileSync(`/proc/${t.pid}/status`, 'latin1')), usedMemory: infoNumber(info, 'used_memory') };
}

const BATCH = 1000;
const WINDOW = 16;

/**
 * Loads keys 0..n-1 of a type over one connection as raw pipelined RESP: batches of BATCH
 * commands, at most WINDOW batches unanswered, so the server is never idle and neither side
 * buffers the whole load.
 */
export function load(port: number, type: MemoryType, n: number, onProgress?: (done: number) => void): Promise<{ errors: number; firstError: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const counter = new ReplyCounter();
    let sent = 0;
    const fill = (): void => {
      while (sent < n && sent - counter.replies < BATCH * WINDOW) {
        const end = Math.min(n, sent + BATCH);
        let text = '';
        for (let i = sent; i < end; i++) text += encodeCommand(type.args(i));
        socket.write(Buffer.from(text, 'latin1'));
        sent = end;
      }
    };
    socket.once('error', reject);
    socket.once('connect', fill);
    socket.on('data', (chunk: Buffer) => {
      counter.feed(chunk);
      if (counter.replies % (BATCH * 50) < BATCH) onProgress?.(counter.replies);
      if (counter.replies >= n) {
        socket.destroy();
        resolve({ errors: counter.errors, firstError: counter.firstError });
      } else {
        fill();
      }
    });
  });
}

export interface MemoryCell {
  type: string;
  target: string;
  keys: number;
  before: MemorySample;
  after: MemorySample;
  loadMs: number;
  errors: number;
  firstError: string | null;
}

export interface MemoryResults {
  keys: number;
  targets: string[];
  types: string[];
  /** Types left out, with the reason. */
  skipped: { type: string; reason: string }[];
  cells: MemoryCell[];
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));

export async function runMemory(keys: number, progress: Progress, types = MEMORY_TYPES, specs = memoryTargets()): Promise<MemoryResults> {
  const cells: MemoryCell[] = [];
  const skipped: MemoryResults['skipped'] = [];
  for (const type of types) {
    typeLoop: for (const spec of specs) {
      const t = await startTarget(spec);
      try {
        if (spec.kind === 'slotkv' && !commandExists(await command(t.port, 'COMMAND', 'INFO', type.command))) {
          skipped.push({ type: type.name, reason: `slotkv has no ${type.command.toUpperCase()}` });
          progress.done(`${type.name}: skipped, slotkv has no ${type.command.toUpperCase()}`);
          break typeLoop;
        }
        await settle();
        const before = await sample(t);
        const label = `${type.name} ${spec.name}`;
        const t0 = performance.now();
        const r = await load(t.port, type, keys, (done) => progress.update(label, done / keys, (done * 1000) / Math.max(1, performance.now() - t0)));
        const loadMs = performance.now() - t0;
        const size = Number(/^:(\d+)/.exec(await command(t.port, 'DBSIZE'))?.[1] ?? NaN);
        if (r.errors === 0 && size !== keys) throw new Error(`${label}: DBSIZE ${size} after loading ${keys} keys`);
        await settle();
        const after = await sample(t);
        const cell: MemoryCell = { type: type.name, target: spec.name, keys, before, after, loadMs, errors: r.errors, firstError: r.firstError };
        cells.push(cell);
        const heap = perKey(cell, 'usedMemory');
        progress.done(`${label}: ${keys} keys in ${fixed(loadMs / 1000, 1)} s, RSS ${fixed(perKey(cell, 'rss') ?? NaN, 0)} B/key, ` +
          `used_memory ${heap === null ? '-' : fixed(heap, 0)} B/key${r.errors > 0 ? `, ${r.errors} errors (${r.firstError})` : ''}`);
      } finally {
        await t.stop();
      }
    }
  }
  return { keys, targets: specs.map((s) => s.name), types: types.map((t) => t.name), skipped, cells };
}

/** Growth of one measure over the load, per key; null when the server does not report it. */
export function perKey(c: Pick<MemoryCell, 'before' | 'after' | 'keys'>, field: keyof MemorySample): number | null {
  const a = c.after[field];
  const b = c.before[field];
  return a === null || b === null ? null : (a - b) / c.keys;
}

function bytes(v: number | null): string {
  return v === null ? '-' : fixed(v, 0);
}

function ratio(a: number | null, b: number | null): string {
  return a === null || b === null || b <= 0 ? '-' : `${fixed(a / b, 2)}x`;
}

/**
 * One row per type: Redis's used_memory and RSS growth per key, then for each slotkv target its
 * RSS growth per key, its V8 heap growth per key, and its RSS over Redis's: over Redis's RSS
 * (what each process holds, allocator and GC slack included on both sides) and over Redis's
 * used_memory (the harsher figure: Redis's allocator count leaves its own slack out).
 */
export function memoryTable(r: Pick<MemoryResults, 'cells' | 'types' | 'targets'>): string {
  const mine = r.targets.filter((t) => t !== 'redis');
  const header = ['type', 'redis used_memory B/key', 'redis RSS B/key'];
  for (const t of mine) header.push(`${t} RSS B/key`, `${t} heap B/key`, `${t} / redis RSS`, `${t} / redis used_memory`);
  const rows: string[][] = [];
  for (const type of r.types) {
    const cell = (target: string): MemoryCell | undefined => r.cells.find((c) => c.type === type && c.target === target);
    const redis = cell('redis');
    if (redis === undefined && mine.every((t) => cell(t) === undefined)) continue;
    const redisUsed = redis === undefined ? null : perKey(redis, 'usedMemory');
    const redisRss = redis === undefined ? null : perKey(redis, 'rss');
    const row = [type, bytes(redisUsed), bytes(redisRss)];
    for (const t of mine) {
      const c = cell(t);
      const rss = c === undefined ? null : perKey(c, 'rss');
      row.push(bytes(rss), bytes(c === undefined ? null : perKey(c, 'usedMemory')), ratio(rss, redisRss), ratio(rss, redisUsed));
    }
    rows.push(row);
  }
  return markdownTable(header, rows, header.map((_, i) => i > 0));
}
