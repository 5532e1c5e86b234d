/**
 * A load-generating thread: owns some of the connections of a run, keeps `pipeline` requests
 * in flight on each, and records every reply's latency (from the write of its batch to the
 * read that completed it) in an HdrHistogram, in microseconds.
 *
 * Protocol with the parent (load.ts): {run} -> connect everything -> {ready}; {go} -> run
 * until the deadline or the request quota -> {done}. The count of measured replies is also
 * stored in a shared Int32Array slot so that the parent can sample throughput every second
 * without messages.
 */
import * as net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { ReplyCounter } from './resp-counter.ts';
import { writeRequest, type Template } from './workloads.ts';
import { mulberry32, uniformChooser, zipfChooser, type KeyChooser } from './zipf.ts';

export interface ThreadRunSpec {
  host: string;
  port: number;
  password: string | null;
  connections: number;
  pipeline: number;
  templates: Template[];
  /** Template indices, cycled per request: [0] for one test, [0, 1 x10] for SET:GET 1:10. */
  mix: number[];
  keyspace: number;
  distribution: 'uniform' | 'zipf';
  zipfExponent: number;
  seed: number;
  /** This thread's share of a request-bounded run; null for a timed run. */
  requests: number | null;
  warmupMs: number;
  durationMs: number;
}

export interface ThreadResult {
  completed: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  histogram: string;
  cpuMs: number;
}

const port = parentPort!;
const { slot, counts } = workerData as { slot: number; counts: SharedArrayBuffer };
const shared = new Int32Array(counts);

let spec: ThreadRunSpec;
let sockets: net.Socket[] = [];

port.on('message', (msg: { type: 'run'; spec: ThreadRunSpec } | { type: 'go'; atEpochMs: number } | { type: 'exit' }) => {
  if (msg.type === 'run') void prepare(msg.spec);
  else if (msg.type === 'go') start(msg.atEpochMs);
  else process.exit(0);
});

async function prepare(s: ThreadRunSpec): Promise<void> {
  spec = s;
  // Templates arrive as plain Uint8Arrays after structured cloning.
  for (const t of spec.templates) t.bytes = Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  try {
    sockets = await Promise.all(Array.from({ length: spec.connections }, () => connect()));
    port.postMessage({ type: 'ready' });
  } catch (err) {
    port.postMessage({ type: 'failed', message: (err as Error).message });
  }
}

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: spec.host, port: spec.port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      if (spec.password === null) return resolve(socket);
      const counter = new ReplyCounter();
      socket.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(spec.password)}\r\n${spec.password}\r\n`);
      const onData = (chunk: Buffer): void => {
        if (counter.feed(chunk) === 0) return;
        socket.off('data', onData);
        if (counter.errors > 0) reject(new Error(`AUTH failed: ${counter.firstError}`));
        else resolve(socket);
      };
      socket.on('data', onData);
    });
  });
}

function start(atEpochMs: number): void {
  const t0 = atEpochMs - performance.timeOrigin;
  const measureFrom = t0 + (spec.requests === null ? spec.warmupMs : 0);
  const endAt = spec.requests === null ? measureFrom + spec.durationMs : Infinity;
  const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  let left = spec.requests ?? Infinity;
  let completed = 0;
  let errors = 0;
  let firstError: string | null = null;
  let running = sockets.length;
  let lastDone = measureFrom;
  let cpuAtMeasure: number | null = null;
  const rand = mulberry32(spec.seed * 7919 + slot);
  const pick: KeyChooser = spec.distribution === 'zipf'
    ? zipfChooser(spec.keyspace, spec.zipfExponent, rand)
    : uniformChooser(spec.keyspace, rand);
  const auxPick = uniformChooser(spec.keyspace, rand);
  const maxLen = Math.max(...spec.templates.map((t) => t.bytes.length));
  const mix = spec.mix;
  let mixAt = 0;

  const finish = (): void => {
    const cpuNow = process.threadCpuUsage();
    const cpuMs = (cpuNow.user + cpuNow.system) / 1000 - (cpuAtMeasure ?? 0);
    for (const s of sockets) s.destroy();
    sockets = [];
    const result: ThreadResult = {
      completed, errors, firstError,
      elapsedMs: Math.max(0, lastDone - measureFrom),
      histogram: hdr.encodeIntoCompressedBase64(hist),
      cpuMs,
    };
    port.postMessage({ type: 'done', result });
  };

  const starters: ((now: number) => void)[] = [];
  for (const socket of sockets) {
    let ended = false;
    const counter = new ReplyCounter();
    const out = Buffer.allocUnsafe(maxLen * spec.pipeline);
    let inFlight = 0;
    let sentAt = 0;
    const end = (): void => {
      if (ended) return;
      ended = true;
      socket.end();
      if (--running === 0) finish();
    };
    const send = (now: number): void => {
      const n = Math.min(spec.pipeline, left);
      if (n <= 0 || now >= endAt) {
        end();
        return;
      }
      left -= n;
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const t = spec.templates[mix[mixAt]!]!;
        mixAt = mixAt + 1 === mix.length ? 0 : mixAt + 1;
        pos = writeRequest(out, pos, t, pick(), auxPick());
      }
      inFlight = n;
      sentAt = now;
      // Copy: the socket may still hold the previous view when the next batch is built.
      socket.write(Buffer.from(out.subarray(0, pos)));
    };
    socket.on('data', (chunk: Buffer) => {
      const errsBefore = counter.errors;
      const n = counter.feed(chunk);
      if (n === 0) return;
      const now = performance.now();
      if (now >= measureFrom) {
        if (cpuAtMeasure === null) {
          const c = process.threadCpuUsage();
          cpuAtMeasure = (c.user + c.system) / 1000;
        }
        hist.recordValueWithCount(Math.max(1, Math.round((now - sentAt) * 1000)), n);
        completed += n;
        errors += counter.errors - errsBefore;
        firstError ??= counter.firstError;
        lastDone = now;
        Atomics.store(shared, slot, completed);
      }
      inFlight -= n;
      if (inFlight === 0) send(now);
    });
    socket.on('error', (err) => {
      firstError ??= err.message;
    });
    // A server that hangs up ends this connection's share instead of hanging the run.
    socket.on('close', end);
    starters.push(send);
  }
  Atomics.store(shared, slot, 0);
  setTimeout(() => {
    const now = performance.now();
    for (const f of starters) f(now);
  }, Math.max(0, t0 - performance.now()));
}
