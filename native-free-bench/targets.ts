/**
 * Servers the comparisons start and stop themselves, each on a free port and in a fresh temporary
 * data directory (removed at stop): for --compare slotkv in its default configuration, slotkv on
 * one shard and no I/O threads, redis-server, all without persistence, and with --floor the Node
 * floor (floor-server.ts, which keeps nothing); for --compare-fsync
 * both servers with their append-only log under each appendfsync setting. A target is ready once
 * it answers PING.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../bin/node-flags.js';
import type { ThreadLayout } from './cpu.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface TargetSpec {
  name: string;
  kind: 'slotkv' | 'redis' | 'floor';
  args: string[];
}

export interface Target {
  spec: TargetSpec;
  port: number;
  pid: number;
  layout: ThreadLayout;
  stop(): Promise<void>;
}

export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Persistence off, spelled the same for both servers. */
export const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];

/** floorValueSize: also the Node floor, answering GETs with values of that size; null: not. */
export function compareTargets(floorValueSize: number | null = null): TargetSpec[] {
  // slotkv persists by default; the throughput compare measures both servers without it.
  const specs: TargetSpec[] = [
    { name: 'slotkv', kind: 'slotkv', args: [...NO_PERSISTENCE] },
    { name: 'slotkv 1 shard', kind: 'slotkv', args: ['--shards', '1', '--io-threads', '0', ...NO_PERSISTENCE] },
  ];
  if (floorValueSize !== null) specs.push({ name: 'node floor', kind: 'floor', args: ['--value-size', String(floorValueSize)] });
  if (redisInstalled()) specs.push({ name: 'redis', kind: 'redis', args: [...NO_PERSISTENCE] });
  return specs;
}

export const FSYNC_SETTINGS = ['always', 'everysec', 'no'] as const;
export type FsyncSetting = (typeof FSYNC_SETTINGS)[number];

/**
 * slotkv (default shards and I/O threads) and redis-server under each appendfsync setting, with
 * periodic snapshots off so that only the append-only log writes to disk. Named
 * `<server> <setting>`; fsyncBaseline() pairs each with Redis under the same setting.
 */
export function fsyncTargets(): TargetSpec[] {
  const specs: TargetSpec[] = [];
  for (const f of FSYNC_SETTINGS) {
    specs.push({ name: `slotkv ${f}`, kind: 'slotkv', args: ['--appendonly', 'yes', '--appendfsync', f, '--save', ''] });
    if (redisInstalled()) specs.push({ name: `redis ${f}`, kind: 'redis', args: ['--appendonly', 'yes', '--appendfsync', f, '--save', ''] });
  }
  return specs;
}

/** The Redis target a target's ratio is taken against: `redis <setting>` for `<server> <setting>`. */
export function fsyncBaseline(target: string): string {
  return `redis ${target.slice(target.lastIndexOf(' ') + 1)}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function nodeBinary(): string {
  const local = join(ROOT, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

export async function startTarget(spec: TargetSpec): Promise<Target> {
  const port = await freePort();
  let child: ChildProcess;
  const dir = mkdtempSync(join(tmpdir(), `${spec.kind}-bench-`));
  if (spec.kind === 'slotkv') {
    child = spawn(nodeBinary(), [...SERVER_NODE_FLAGS, join(ROOT, 'src', 'main.ts'), '--port', String(port), '--dir', dir, ...spec.args], { stdio: ['ignore', 'ignore', 'pipe'] });
  } else if (spec.kind === 'floor') {
    const script = join(ROOT, 'native-free-bench', 'floor-server.ts');
    child = spawn(nodeBinary(), [...SERVER_NODE_FLAGS, script, '--port', String(port), ...spec.args], { stdio: ['ignore', 'ignore', 'pipe'] });
  } else {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--dir', dir, ...spec.args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  }
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(port, () => child.exitCode !== null, 20_000);
  } catch (err) {
    await stop();
    throw new Error(`${spec.name} did not start: ${(err as Error).message}\n${stderr}`);
  }
  // The floor is a Node process with no workers: its threads are named as slotkv's are.
  const layout = spec.kind === 'floor' ? FLOOR_LAYOUT : layoutOf(spec.kind === 'slotkv' ? await command(port, 'INFO', 'server') : '');
  return { spec, port, pid: child.pid!, layout, stop };
}

const FLOOR_LAYOUT: ThreadLayout = { kind: 'slotkv', shards: 0, ioThreads: 0 };

/** The value of a `name:value` line of an INFO reply, or undefined. */
export function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1];
}

/** A server's threads as its INFO server section tells them; Redis's when it is not slotkv. */
export function layoutOf(infoServer: string): ThreadLayout {
  const field = (name: string): string | undefined => infoField(infoServer, name);
  if (field('slotkv_version') === undefined) return { kind: 'redis', shards: 1, ioThreads: 0 };
  // Shard worker threads, as spawned: none with inline-shard (the main thread runs the shard).
  return { kind: 'slotkv', shards: Number(field('shard_threads') ?? 0), ioThreads: Number(field('io_threads') ?? 0) };
}

async function waitForPing(port: number, dead: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (dead()) throw new Error('process exited');
    try {
      if ((await command(port, 'PING')).startsWith('+PONG')) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('no PONG in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends one command and returns the raw reply text (enough for PING, INFO, FLUSHALL). */
export function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let text = '';
    s.once('error', reject);
    s.on('connect', () => s.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const m = /^\$(\d+)\r\n/.exec(text);
      const complete = m ? text.length >= m[0].length + Number(m[1]) + 2 : text.endsWith('\r\n');
      if (complete) {
        s.destroy();
        resolve(text);
      }
    });
  });
}
