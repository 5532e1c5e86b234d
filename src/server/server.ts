/**
 * The master process's main thread: makes the shared topology, starts the shard workers (or,
 * with inline-shard, the one shard on itself), the replicator and the I/O workers, listens, and
 * hands every accepted socket to a connection thread (round robin over the I/O workers, or
 * itself with io-threads 0). Owns shutdown.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import type { ServerConfig } from '../config/config.ts';
import { StartupError } from '../errors.ts';
import { planStart, settleManifest } from '../log/startup.ts';
import { CONTROL_NO_SAVE, CONTROL_STOP, CONTROL_STOP_LOG, createTopology, type Topology } from '../ring/topology.ts';
import { InlineShard } from '../shard/inline.ts';
import { openShard, type OpenShardOptions, type ShardLoaded } from '../shard/open.ts';
import { Doorbell } from '../ring/doorbell.ts';
import { ConnThread } from './conn-thread.ts';
import { serverInfoFor, type ServerInfoData } from './server-info.ts';

const SHARD_ENTRY = new URL('../shard/worker.ts', import.meta.url);
const IO_ENTRY = new URL('./io-worker.ts', import.meta.url);
const REPLICATOR_ENTRY = new URL('../log/replicator.ts', import.meta.url);

/** How long a stopping shard may take: it may be writing its last snapshot. */
const SHARD_EXIT_TIMEOUT_MS = 60_000;

/** Resolves when the worker exits, terminating it if it takes longer than timeoutMs. */
function exited(w: Worker, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void w.terminate().then(() => resolve()), timeoutMs);
    w.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Caps each worker's young generation. V8 sizes it from the machine's memory (it grew to ~130 MB
 * per thread under load here): resident memory the data never uses. Smaller is not better for a
 * shard, though: under a bulk load a nursery of 8-16 MB promotes in-flight request state that
 * then dies in the old generation, and that garbage cost more than the nursery saved; 32 MB was
 * the best of 8-64 in docs/benchmarks.md (memory per key). The main thread's is set by
 * bin/node-flags.js.
 */
const WORKER_YOUNG_GENERATION_MB = 32;

export class Server {
  readonly config: ServerConfig;
  readonly topology: Topology;
  private readonly shards: Worker[] = [];
  /** inline-shard: the one shard, on this thread. */
  private inline: InlineShard | null = null;
  private readonly ioWorkers: Worker[] = [];
  private replicator: Worker | null = null;
  private local: ConnThread | null = null;
  private readonly listeners: net.Server[] = [];
  private nextIo = 0;
  private stopping = false;
  private readonly configFile: string;
  port = 0;

  constructor(config: ServerConfig, configFile = '') {
    this.config = config;
    this.configFile = configFile;
    this.topology = createTopology(config.shards, Math.max(1, config.ioThreads));
  }

  async start(): Promise<void> {
    const c = this.config;
    mkdirSync(c.dir, { recursive: true });
    const plan = planStart(c.dir, c.shards, (line) => console.log(line));
    const durable = new BigInt64Array(this.topology.durable);
    plan.startOffsets.forEach((offset, i) => (durable[i] = BigInt(offset)));
    const loaded: Promise<ShardLoaded>[] = [];
    for (let id = 0; id < c.shards; id++) {
      const options: OpenShardOptions = {
        id,
        topology: this.topology,
        databases: c.databases,
        protoMaxBulkLen: c.protoMaxBulkLen,
        hz: c.hz,
        migrate: plan.migrate,
        slowlog: {
          thresholdUs: Number(c.raw.get('slowlog-log-slower-than')),
          maxLen: Number(c.raw.get('slowlog-max-len')),
          shardCount: c.shards,
        },
        persistence: {
          dir: c.dir,
          shardId: id,
          shardCount: c.shards,
          manifest: plan.manifest,
          startOffset: plan.startOffsets[id]!,
          appendonly: c.appendonly,
          appendfsync: c.appendfsync,
          saveRules: c.saveRules,
          durable: this.topology.durable,
        },
      };
      if (c.inlineShard) {
        const { shard, loaded: done } = openShard(options);
        this.inline = new InlineShard(shard);
        loaded.push(Promise.resolve(done));
        continue;
      }
      const worker = this.spawn(SHARD_ENTRY, options);
      this.shards.push(worker);
      loaded.push(new Promise((resolve) => worker.once('message', resolve)));
    }
    const results = await Promise.all(loaded);
    const records = results.reduce((n, r) => n + r.records, 0);
    if (plan.manifest !== null) {
      const slowest = Math.max(...results.map((r) => r.ms));
      console.log(`slotkv: loaded ${records} records from ${c.dir} in ${slowest} ms${plan.migrate ? `, re-sharded from ${plan.manifest.shardCount} to ${c.shards} shards` : ''}`);
    }
    const manifest = settleManifest(c.dir, plan, c.shards, results.map((r) => r.snapshot));
    this.replicator = this.spawn(REPLICATOR_ENTRY, {
      topology: this.topology,
      dir: c.dir,
      appendonly: c.appendonly,
      appendfsync: c.appendfsync,
      manifest,
      startOffsets: results.map((r) => r.offset),
    });
    await this.listen();
    const info: ServerInfoData = {
      requirePass: c.requirePass,
      instanceId: c.instanceId,
      shardCount: c.shards,
      ioThreads: c.ioThreads,
      shardThreads: this.shards.length,
      databases: c.databases,
      port: this.port,
      pid: process.pid,
      startedAtMs: Date.now(),
      runId: randomBytes(20).toString('hex'),
      configFile: this.configFile,
      gauges: this.topology.gauges,
      config: new Map([...c.raw, ['port', String(this.port)]]),
    };
    const thread = { topology: this.topology, protoMaxBulkLen: c.protoMaxBulkLen, outputLimitHard: c.outputLimitNormal.hard, maxClients: c.maxClients, idleTimeout: Number(c.raw.get('timeout')) };
    if (c.ioThreads === 0) {
      this.local = new ConnThread({ id: 0, ...thread, server: serverInfoFor(info), inlineShard: this.inline ?? undefined });
    } else {
      for (let id = 0; id < c.ioThreads; id++) this.ioWorkers.push(this.spawn(IO_ENTRY, { thread: { id, ...thread }, info }));
    }
  }

  private spawn(entry: URL, data: unknown): Worker {
    const worker = new Worker(entry, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.on('error', (err) => {
      // A worker owns data or connections: losing one silently would lose writes.
      console.error(`slotkv: worker ${entry.pathname} failed:`, err);
      if (!this.stopping) process.exit(1);
    });
    return worker;
  }

  private async listen(): Promise<void> {
    const c = this.config;
    for (const host of c.bind) {
      const listener = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', (err) => reject(new StartupError(`cannot listen on ${host}:${c.port}: ${err.message}`)));
        listener.listen({ port: this.port || c.port, host, backlog: Number(c.raw.get('tcp-backlog')) }, () => resolve());
      });
      this.port = (listener.address() as net.AddressInfo).port;
      this.listeners.push(listener);
    }
  }

  private accept(socket: net.Socket): void {
    if (this.local) {
      this.local.adopt(socket);
      return;
    }
    const worker = this.ioWorkers[this.nextIo++ % this.ioWorkers.length]!;
    // The socket is still paused (pauseOnConnect): the I/O worker resumes it once adopted.
    // @types/node does not list net.Socket as transferable; Node 24 transfers it on Unix.
    worker.postMessage({ socket }, [socket as never]);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const l of this.listeners) l.close();
    this.local?.closeAll();
    for (const w of this.ioWorkers) w.postMessage({ stop: true });
    // Shards first (their last writes go to the log ring), then the replicator drains the rings.
    const control = new Int32Array(this.topology.control);
    Atomics.store(control, CONTROL_STOP, 1);
    for (const sab of this.topology.shardBells) new Doorbell(sab).ring();
    this.inline?.close(Atomics.load(control, CONTROL_NO_SAVE) !== 0);
    // A shard may write a snapshot on its way out (appendonly no with save rules): give it time.
    // (Not .map(exited): map would pass each index as the timeout, terminating shards at once.)
    await Promise.all([...this.shards.map((w) => exited(w, SHARD_EXIT_TIMEOUT_MS)), ...this.ioWorkers.map((w) => exited(w))]);
    Atomics.store(control, CONTROL_STOP_LOG, 1);
    new Doorbell(this.topology.logBell).ring();
    if (this.replicator) await exited(this.replicator, 10_000);
  }
}
