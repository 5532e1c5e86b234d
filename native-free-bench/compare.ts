/**
 * --compare: slotkv (default), slotkv (1 shard, no I/O threads), redis-server and, with --floor,
 * the Node floor (floor-server.ts) side by side. All targets run at once, idle but for the one
 * under load; each round runs every workload against each target in turn (A B C, A B C, ...), so
 * slow drift on a shared machine (other jobs, thermal state) spreads over all targets instead of
 * landing on one. Reported figures are medians over the rounds; the CPU table comes from each
 * cell's median run.
 */
import { cpuReport, sampleThreads, type CpuReport } from './cpu.ts';
import type { LoadPool, RunResult, RunSettings, Workload } from './load.ts';
import type { Options } from './options.ts';
import { fixed, markdownTable, median, ms, opsText, type Progress } from './report.ts';
import { command, compareTargets, startTarget, type Target, type TargetSpec } from './targets.ts';

export const COMPARE_WORKLOADS: Workload[] = [
  { name: 'SET', tests: ['set'], weights: [1], pipeline: 1 },
  { name: 'GET', tests: ['get'], weights: [1], pipeline: 1 },
  { name: 'SET P16', tests: ['set'], weights: [1], pipeline: 16 },
  { name: 'GET P16', tests: ['get'], weights: [1], pipeline: 16 },
];

/** What a comparison runs: the targets, the workloads, and which target each is measured against. */
export interface ComparePlan {
  specs: TargetSpec[];
  workloads: Workload[];
  /** Fill the keyspace before the first round (needed for GET). */
  fill: boolean;
  /** Name of the target whose median is the 1.00x of `target`'s ratio. */
  baseline(target: string): string;
  /**
   * Start each round one target later (A B C, B C A, C A B, ...) so that no target always runs
   * in the same position: with logs on disk, the kernel's writeback of earlier targets' dirty
   * pages lands on whoever runs tens of seconds later.
   */
  rotate?: boolean;
}

export function defaultPlan(o: Options): ComparePlan {
  return { specs: compareTargets(o.floor ? o.valueSize : null), workloads: COMPARE_WORKLOADS, fill: true, baseline: () => 'redis' };
}

export interface CompareRun {
  round: number;
  target: string;
  result: RunResult;
  cpu: CpuReport;
}

export interface CompareCell {
  target: string;
  workload: string;
  opsPerSec: number;
  /** (max - min) / median of ops/s over the rounds. */
  spread: number;
  ratioToRedis: number | null;
  /** Total CPU per op over the baseline's (Redis's) for the same workload; null for Redis itself. */
  cpuRatioToRedis?: number | null;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
  generatorBusy: number;
  cpu: CpuReport;
}

export interface CompareResults {
  targets: string[];
  workloads: string[];
  settings: { clients: number; rounds: number; durationS: number; warmupS: number; keyspace: number; valueSize: number; threads: number };
  runs: CompareRun[];
  cells: CompareCell[];
}

export async function runCompare(o: Options, pool: LoadPool, progress: Progress, plan: ComparePlan = defaultPlan(o)): Promise<CompareResults> {
  const rounds = o.quick ? Math.min(o.rounds, 3) : o.rounds;
  const durationMs = o.quick ? 1500 : o.duration * 1000;
  const warmupMs = o.quick ? 300 : 1000;
  const keyspace = o.quick ? Math.min(o.keyspace, 10_000) : o.keyspace;
  const { specs, workloads } = plan;
  const targets: Target[] = [];
  const runs: CompareRun[] = [];
  try {
    for (const spec of specs) {
      targets.push(await startTarget(spec));
      progress.done(`started ${spec.name} on port ${targets.at(-1)!.port} (pid ${targets.at(-1)!.pid})`);
    }
    const base = (t: Target): RunSettings => ({
      host: '127.0.0.1', port: t.port, password: null, clients: o.clients, keyspace, valueSize: o.valueSize,
      distribution: o.distribution, zipfExponent: o.zipfExponent, seed: o.seed, requests: null, durationMs, warmupMs,
    });
    // Every key exists before the first GET, on every target alike.
    for (const t of plan.fill ? targets : []) {
      await pool.run({ name: 'fill', tests: ['set'], weights: [1], pipeline: 64 }, { ...base(t), clients: 4, requests: keyspace * 3 });
      const size = await command(t.port, 'DBSIZE');
      progress.done(`filled ${t.spec.name}: DBSIZE ${size.trim().slice(1)}`);
    }
    const total = rounds * workloads.length * targets.length;
    let n = 0;
    for (let round = 1; round <= rounds; round++) {
      const shift = plan.rotate === true ? (round - 1) % targets.length : 0;
      const order = [...targets.slice(shift), ...targets.slice(0, shift)];
      for (const w of workloads) {
        for (const t of order) {
          n++;
          const label = `round ${round}/${rounds} ${w.name} ${t.spec.name} (${n}/${total})`;
          let before = sampleThreads(t.pid);
          const result = await pool.run(
            w,
            base(t),
            (done, elapsed) => progress.update(label, elapsed / durationMs, elapsed > 0 ? (done * 1000) / elapsed : 0),
            () => {
              before = sampleThreads(t.pid); // the CPU window opens with the measured period, after warmup
            },
          );
          const after = sampleThreads(t.pid);
          const cpu = cpuReport(before, after, t.layout, result.completed, result.elapsedMs);
          runs.push({ round, target: t.spec.name, result, cpu });
          const err = result.errors > 0 ? ` errors ${result.errors} (${result.firstError})` : '';
          progress.done(`${label}: ${opsText(result.opsPerSec)} ops/s p50 ${ms(result.latency.p50)} ms p99 ${ms(result.latency.p99)} ms${err}`);
        }
      }
    }
  } finally {
    for (const t of targets) await t.stop();
  }
  const cells: CompareCell[] = [];
  for (const w of workloads) {
    for (const spec of specs) {
      const mine = runs.filter((r) => r.target === spec.name && r.result.workload === w.name);
      if (mine.length === 0) continue;
      const ops = mine.map((r) => r.result.opsPerSec);
      const med = median(ops);
      const byOps = [...mine].sort((a, b) => a.result.opsPerSec - b.result.opsPerSec);
      cells.push({
        target: spec.name,
        workload: w.name,
        opsPerSec: med,
        spread: med > 0 ? (Math.max(...ops) - Math.min(...ops)) / med : 0,
        ratioToRedis: null,
        p50: median(mine.map((r) => r.result.latency.p50)),
        p99: median(mine.map((r) => r.result.latency.p99)),
        p999: median(mine.map((r) => r.result.latency.p999)),
        errors: mine.reduce((a, r) => a + r.result.errors, 0),
        generatorBusy: median(mine.map((r) => r.result.generatorBusy)),
        cpu: byOps[(byOps.length - 1) >> 1]!.cpu,
      });
    }
  }
  relateToBaseline(cells, plan.baseline);
  return {
    targets: specs.map((s) => s.name),
    workloads: workloads.map((w) => w.name),
    settings: { clients: o.clients, rounds, durationS: durationMs / 1000, warmupS: warmupMs / 1000, keyspace, valueSize: o.valueSize, threads: pool.threads },
    runs,
    cells,
  };
}

export function compareTable(r: CompareResults): string {
  const rows = r.cells.map((c) => [
    c.target, c.workload, opsText(c.opsPerSec), `±${fixed((c.spread * 100) / 2, 0)}%`,
    c.ratioToRedis === null ? '-' : `${fixed(c.ratioToRedis, 2)}x`,
    ms(c.p50), ms(c.p99), ms(c.p999), `${fixed(c.generatorBusy * 100, 0)}%`,
    c.errors > 0 ? String(c.errors) : '0',
  ]);
  return markdownTable(
    ['target', 'workload', 'ops/s (median)', 'spread', 'vs redis', 'p50 ms', 'p99 ms', 'p99.9 ms', 'load gen busy', 'errors'],
    rows,
    [false, false, true, true, true, true, true, true, true, true],
  );
}

/**
 * Sets each cell's throughput and CPU per op relative to its baseline's cell (Redis's, for the
 * same workload); the baseline's own CPU ratio stays null.
 */
export function relateToBaseline(cells: CompareCell[], baseline: (target: string) => string): void {
  for (const c of cells) {
    const base = baseline(c.target);
    const redis = cells.find((r) => r.target === base && r.workload === c.workload);
    if (redis !== undefined && redis.opsPerSec > 0) c.ratioToRedis = c.opsPerSec / redis.opsPerSec;
    const cpuKnown = redis !== undefined && redis !== c && redis.cpu.totalUsPerOp > 0 && c.cpu.totalUsPerOp > 0;
    c.cpuRatioToRedis = cpuKnown ? c.cpu.totalUsPerOp / redis!.cpu.totalUsPerOp : null;
  }
}

/**
 * The host size issue 3's projection target is stated for: N / total µs per op against one
 * Redis (whose one main thread does everything), without the busiest-thread cap, which a host
 * that size lifts by adding I/O threads and shards (the default layout there).
 */
const TARGET_CORES = 8;

export function cpuTable(r: CompareResults): string {
  const groups = [...new Set(r.cells.flatMap((c) => c.cpu.groups.filter((g) => g.cpuMs > 0).map((g) => g.group)))];
  const rows = r.cells.map((c) => {
    const per = groups.map((name) => {
      const g = c.cpu.groups.find((x) => x.group === name);
      return g === undefined || g.cpuMs === 0 ? '-' : `${fixed(g.usPerOp, 2)} (${fixed(g.cores, 2)})`;
    });
    const proj = c.cpu.projection.map((p) => `${opsText(p.opsPerSec)}${p.capped ? '*' : ''}`);
    const vsRedis = c.cpuRatioToRedis ?? null;
    return [
      c.target, c.workload, opsText(c.opsPerSec), ...per, fixed(c.cpu.totalUsPerOp, 2),
      `${fixed(c.cpu.busiestThread.usPerOp, 2)} (${c.cpu.busiestThread.group})`, ...proj,
      vsRedis === null ? '-' : `${fixed(vsRedis, 2)}x`,
      vsRedis === null ? '-' : `${fixed(TARGET_CORES / vsRedis, 1)}x`,
    ];
  });
  const cores = r.cells[0]?.cpu.projection.map((p) => `proj. ${p.cores} cores`) ?? [];
  return markdownTable(
    ['target', 'workload', 'measured ops/s', ...groups.map((g) => `${g} µs/op (cores)`), 'total µs/op', 'busiest thread µs/op', ...cores,
      'total µs/op vs redis', `${TARGET_CORES} cores uncapped vs 1 redis`],
    rows,
    [false, false, true, ...groups.map(() => true), true, true, ...cores.map(() => true), true, true],
  );
}
