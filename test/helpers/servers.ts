/**
 * Starts real servers for integration and differential tests: the reference redis-server and
 * slotkv itself (src/main.ts), each on a free port of 127.0.0.1 with its own temp dir.
 *
 * Invariants: a returned handle answers PING over TCP; stop() always leaves no child behind
 * (SIGTERM, then SIGKILL after 5 s) and removes the temp dir; a server that dies or never
 * answers fails the caller with its own stdout/stderr in the message. A missing redis-server
 * is a hard failure, never a skip: CI installs it, and a silently skipped differential suite
 * would hide every incompatibility.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../bin/node-flags.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SLOTKV_MAIN = join(REPO_ROOT, 'src/main.ts');
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
/** Keep the tail of a server's output: enough for a stack trace, bounded for chatty servers. */
const OUTPUT_LIMIT = 64 * 1024;
/** A port picked by binding 0 can be taken again before the child binds it; retry then. */
const START_ATTEMPTS = 3;

export interface ServerHandle {
  /** 'redis' or 'slotkv', for messages. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The temp dir passed as --dir. */
  readonly dir: string;
  /** What the server printed so far (stdout and stderr interleaved, tail only). */
  output(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** SIGTERM, wait for exit, SIGKILL after 5 s; resolves with how it exited. Idempotent. */
  stop(): Promise<ExitInfo>;
  /** SIGKILL at once (a crash); resolves when the process is gone. Keeps the data dir. */
  kill(): Promise<ExitInfo>;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True if SIGTERM was not enough and the server had to be killed. */
  killed: boolean;
}

export interface RedisOptions {
  /** Extra arguments, e.g. ['--requirepass', 'x']. */
  args?: string[];
}

export interface SlotkvOptions {
  shards?: number;
  ioThreads?: number;
  /** inline-shard yes: the one shard on the main thread (what 2-core hosts run by default). */
  inline?: boolean;
  /** Extra arguments, e.g. ['--requirepass', 'x'] or any '--directive value'. */
  args?: string[];
  /** A data directory to use (and keep) instead of a fresh temp dir: restart tests. */
  dir?: string;
}

/** The configurations every slotkv-facing suite runs in (use with describe.each). */
export const SLOTKV_CONFIGS: readonly { name: string; shards: number; ioThreads: number; inline?: boolean }[] = [
  { name: 'shards 1, io-threads 0', shards: 1, ioThreads: 0 },
  { name: 'shards 3, io-threads 2', shards: 3, ioThreads: 2 },
  { name: 'inline shard', shards: 1, ioThreads: 0, inline: true },
];

/** Asks the kernel for a free TCP port by binding port 0, then releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not pick a free port'));
        return;
      }
      srv.close(() => resolvePort(addr.port));
    });
  });
}

let redisChecked = false;

/** Throws a clear error when redis-server is not installed (never skips). */
export function assertRedisInstalled(): void {
  if (redisChecked) return;
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(
      'redis-server is not installed or not on PATH: differential and integration tests need ' +
        'the reference Redis 7.0 (Debian: apt-get install redis-server redis-tools). ' +
        `(${r.error?.message ?? `exit ${r.status}: ${r.stderr}`})`,
    );
  }
  redisChecked = true;
}

/** Starts redis-server with persistence off on a free port. */
export async function startRedis(opts: RedisOptions = {}): Promise<ServerHandle> {
  assertRedisInstalled();
  return startWithRetries('redis', (port, dir) => ({
    command: 'redis-server',
    args: [
      '--port', String(port),
      '--bind', HOST,
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--daemonize', 'no',
      '--logfile', '',
      ...(opts.args ?? []),
    ],
  }));
}

/**
 * Starts slotkv from src/main.ts with the repo's Node 24.
 *
 * SLOTKV_TEST_STANDIN=redis-server runs redis-server in its place (shards and io-threads are
 * ignored): only for checking the harness itself while slotkv cannot run; it prints a warning.
 */
export async function startSlotkv(opts: SlotkvOptions = {}): Promise<ServerHandle> {
  if (process.env.SLOTKV_TEST_STANDIN === 'redis-server') {
    process.stderr.write('WARNING: SLOTKV_TEST_STANDIN=redis-server: "slotkv" is redis-server\n');
    const h = await startRedis({ args: opts.args });
    return { ...h, name: 'slotkv(stand-in redis-server)' };
  }
  if (!existsSync(SLOTKV_MAIN)) {
    throw new Error(`slotkv entry point not found: ${SLOTKV_MAIN}`);
  }
  return startWithRetries('slotkv', (port, dir) => ({
    command: nodeBinary(),
    args: [
      ...SERVER_NODE_FLAGS,
      SLOTKV_MAIN,
      '--port', String(port),
      '--bind', HOST,
      '--shards', String(opts.shards ?? 1),
      '--io-threads', String(opts.ioThreads ?? 0),
      '--inline-shard', opts.inline ? 'yes' : 'no',
      '--dir', dir,
      ...(opts.args ?? []),
    ],
  }), opts.dir);
}

/** The repo's pinned Node (24); the system node may be too old for type stripping. */
function nodeBinary(): string {
  const pinned = join(REPO_ROOT, 'node_modules/.bin/node');
  return existsSync(pinned) ? pinned : process.execPath;
}

interface SpawnSpec {
  command: string;
  args: string[];
}

async function startWithRetries(
  name: string,
  spec: (port: number, dir: string) => SpawnSpec,
  fixedDir?: string,
): Promise<ServerHandle> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    if (fixedDir !== undefined) mkdirSync(fixedDir, { recursive: true });
    const dir = fixedDir ?? mkdtempSync(join(tmpdir(), `${name}-test-`));
    try {
      return await startOnce(name, port, dir, spec(port, dir), fixedDir === undefined);
    } catch (err) {
      lastError = err;
      if (fixedDir === undefined) rmSync(dir, { recursive: true, force: true });
      // Only a lost race for the port is worth another attempt.
      if (!/address already in use|EADDRINUSE/i.test(String(err))) break;
    }
  }
  throw lastError;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the test process dies without afterAll, do not leave servers running. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

async function startOnce(name: string, port: number, dir: string, spec: SpawnSpec, ownDir: boolean): Promise<ServerHandle> {
  installExitHook();
  const child = spawn(spec.command, spec.args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const append = (prefix: string) => (chunk: Buffer) => {
    out += chunk.toString('utf8').replace(/^(?=.)/gm, prefix);
    if (out.length > OUTPUT_LIMIT) out = out.slice(out.length - OUTPUT_LIMIT);
  };
  child.stdout!.on('data', append(''));
  child.stderr!.on('data', append('[stderr] '));

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((done) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      done();
    });
    child.on('error', (err) => {
      spawnError = err;
      live.delete(child);
      done();
    });
  });

  let stopping: Promise<ExitInfo> | undefined;
  const handle: ServerHandle = {
    name,
    host: HOST,
    port,
    dir,
    output: () => out,
    exited: () => exitInfo !== undefined || spawnError !== undefined,
    stop() {
      stopping ??= (async () => {
        let killed = false;
        if (!handle.exited()) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        if (ownDir) rmSync(dir, { recursive: true, force: true });
        return { code: exitInfo?.code ?? null, signal: exitInfo?.signal ?? null, killed };
      })();
      return stopping;
    },
    async kill() {
      if (!handle.exited()) child.kill('SIGKILL');
      await exited;
      return { code: exitInfo?.code ?? null, signal: exitInfo?.signal ?? null, killed: true };
    },
  };

  const describeFailure = (why: string): Error => {
    const how = spawnError
      ? `failed to spawn: ${spawnError.message}`
      : exitInfo
        ? `exited with code ${exitInfo.code} signal ${exitInfo.signal}`
        : 'still running';
    return new Error(
      `${name} on port ${port} ${why} (${how}).\n` +
        `command: ${spec.command} ${spec.args.map((a) => (a === '' ? "''" : a)).join(' ')}\n` +
        `--- ${name} output ---\n${out || '(none)'}\n--- end ---`,
    );
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (true) {
    if (handle.exited()) {
      await exited;
      throw describeFailure('died before answering PING');
    }
    if (await pingOnce(port)) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw describeFailure(`did not answer PING within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One PING over a fresh connection. +PONG, or -NOAUTH when --requirepass is set, both mean
 * the server is up and parsing commands.
 */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = createConnection({ host: HOST, port });
    let buf = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      done(ok);
    };
    const timer = setTimeout(() => finish(false), 1_000);
    sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) finish(buf.startsWith('+PONG') || buf.startsWith('-NOAUTH'));
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  });
}
