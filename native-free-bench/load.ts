/**
 * The load pool: T worker threads (load-worker.ts) that stay up across runs, so every run but
 * the first meets an already-optimized generator. A run spreads its connections and its request
 * quota over the threads, starts them together at one instant, samples the shared reply
 * counters once a second, and merges the threads' histograms.
 */
import { Worker } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import type { Options, TestName } from './options.ts';
import type { ThreadResult, ThreadRunSpec } from './load-worker.ts';
import { templateFor } from './workloads.ts';

export interface Workload {
  /** Display name: `GET`, `SET P16`, `SET:GET 1:10 P16`. */
  name: string;
  tests: TestName[];
  /** Requests of each test per cycle: [1] for a single test, [1, 10] for --ratio 1:10. */
  weights: number[];
  pipeline: number;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface RunResult {
  workload: string;
  completed: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  opsPerSec: number;
  /** Replies per second, one sample per whole second of the measured period. */
  perSecond: number[];
  /** Milliseconds. */
  latency: LatencySummary;
  /** CPU the load threads used over the run, as a share of one core per thread (0..1). */
  generatorBusy: number;
}

export interface RunSettings {
  host: string;
  port: number;
  password: string | null;
  clients: number;
  keyspace: number;
  valueSize: number;
  distribution: Options['distribution'];
  zipfExponent: number;
  seed: number;
  requests: number | null;
  durationMs: number;
  warmupMs: number;
}

type FromWorker = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'done'; result: ThreadResult };

export class LoadPool {
  private readonly workers: Worker[] = [];
  private readonly counts: Int32Array;

  constructor(threads: number) {
    const sab = new SharedArrayBuffer(4 * threads);
    this.counts = new Int32Array(sab);
    for (let slot = 0; slot < threads; slot++) {
      this.workers.push(new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: { slot, counts: sab } }));
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Replies measured so far in the current run, over all threads. */
  measured(): number {
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) sum += Atomics.load(this.counts, i);
    return sum;
  }

  async run(
    w: Workload,
    s: RunSettings,
    onTick?: (done: number, elapsedMs: number) => void,
    onMeasureStart?: () => void,
  ): Promise<RunResult> {
    const templates = w.tests.map((t) => templateFor(t, s.valueSize));
    const mix: number[] = [];
    w.weights.forEach((n, i) => {
      for (let k = 0; k < n; k++) mix.push(i);
    });
    const T = Math.min(this.workers.length, s.clients);
    const active = this.workers.slice(0, T);
    const share = (total: number, i: number): number => Math.floor(total / T) + (i < total % T ? 1 : 0);
    this.counts.fill(0);

    const ready = active.map((worker, i) => {
      const spec: ThreadRunSpec = {
        host: s.host, port: s.port, password: s.password,
        connections: share(s.clients, i), pipeline: w.pipeline, templates, mix,
        keyspace: s.keyspace, distribution: s.distribution, zipfExponent: s.zipfExponent, seed: s.seed,
        requests: s.requests === null ? null : share(s.requests, i),
        warmupMs: s.warmupMs, durationMs: s.durationMs,
      };
      const p = next(worker, 'ready');
      worker.postMessage({ type: 'run', spec });
      return p;
    });
    await Promise.all(ready);
    const done = active.map((worker) => next(worker, 'done'));
    const atEpochMs = performance.timeOrigin + performance.now() + 20;
    for (const worker of active) worker.postMessage({ type: 'go', atEpochMs });

    // Per-second samples from the shared counters; the bar (if any) ticks more often.
    const measureFrom = atEpochMs + (s.requests === null ? s.warmupMs : 0);
    const startTimer = setTimeout(() => onMeasureStart?.(), Math.max(0, measureFrom - (performance.timeOrigin + performance.now())));
    const perSecond: number[] = [];
    let lastCount = 0;
    let nextSample = measureFrom + 1000;
    const timer = setInterval(() => {
      const now = performance.timeOrigin + performance.now();
      const count = this.measured();
      if (now >= nextSample) {
        perSecond.push(count - lastCount);
        lastCount = count;
        nextSample += 1000;
      }
      onTick?.(count, Math.max(0, now - measureFrom));
    }, 100);
    let results: ThreadResult[];
    try {
      results = (await Promise.all(done)).map((m) => (m as { result: ThreadResult }).result);
    } finally {
      clearInterval(timer);
      clearTimeout(startTimer);
    }

    const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
    for (const r of results) hist.add(hdr.decodeFromCompressedBase64(r.histogram));
    const completed = results.reduce((a, r) => a + r.completed, 0);
    const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
    const us = (p: number): number => hist.getValueAtPercentile(p) / 1000;
    return {
      workload: w.name,
      completed,
      errors: results.reduce((a, r) => a + r.errors, 0),
      firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
      elapsedMs,
      opsPerSec: elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0,
      perSecond,
      latency: { p50: us(50), p99: us(99), p999: us(99.9), max: hist.maxValue / 1000, mean: hist.mean / 1000 },
      generatorBusy: elapsedMs > 0 ? results.reduce((a, r) => a + r.cpuMs, 0) / (elapsedMs * T) : 0,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => {
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'exit' });
      return exited;
    }));
  }
}

function next(worker: Worker, type: 'ready' | 'done'): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromWorker): void => {
      if (m.type === 'failed') {
        cleanup();
        reject(new Error(m.message));
      } else if (m.type === type) {
        cleanup();
        resolve(m);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}

/** Workloads of a plain (non-compare) run. */
export function workloadsFor(o: Options): Workload[] {
  const suffix = o.pipeline > 1 ? ` P${o.pipeline}` : '';
  if (o.ratio !== null) {
    return [{ name: `SET:GET ${o.ratio.set}:${o.ratio.get}${suffix}`, tests: ['set', 'get'], weights: [o.ratio.set, o.ratio.get], pipeline: o.pipeline }];
  }
  return o.tests.map((t) => ({ name: `${t.toUpperCase()}${suffix}`, tests: [t], weights: [1], pipeline: o.pipeline }));
}
