/**
 * --compare-fsync: what the append-only log costs. slotkv (default shards and I/O threads) and
 * redis-server each run with appendfsync always, everysec and no, periodic snapshots off, in a
 * fresh data directory; SET at pipeline 1 and 16 runs against all six in alternation, the same
 * way as --compare (compare.ts) but with the order rotated each round, and each slotkv cell is compared with Redis under the same
 * setting. SET only: a read never reaches either server's log.
 */
import type { CompareCell, ComparePlan, CompareResults } from './compare.ts';
import type { Workload } from './load.ts';
import { fixed, markdownTable, ms, opsText } from './report.ts';
import { FSYNC_SETTINGS, fsyncBaseline, fsyncTargets } from './targets.ts';

export const FSYNC_WORKLOADS: Workload[] = [
  { name: 'SET', tests: ['set'], weights: [1], pipeline: 1 },
  { name: 'SET P16', tests: ['set'], weights: [1], pipeline: 16 },
];

export function fsyncPlan(): ComparePlan {
  return { specs: fsyncTargets(), workloads: FSYNC_WORKLOADS, fill: false, baseline: fsyncBaseline, rotate: true };
}

function spreadText(c: CompareCell | undefined): string {
  return c === undefined ? '-' : `±${fixed((c.spread * 100) / 2, 0)}%`;
}

function latencyText(c: CompareCell | undefined): string {
  return c === undefined ? '-' : `${ms(c.p50)} / ${ms(c.p99)}`;
}

/**
 * One row per setting and workload, slotkv and Redis side by side: medians, spreads, the ratio
 * of the medians, and p50 / p99 latencies (medians over the rounds).
 */
export function fsyncTable(r: Pick<CompareResults, 'cells' | 'workloads'>): string {
  const rows: string[][] = [];
  for (const f of FSYNC_SETTINGS) {
    for (const w of r.workloads) {
      const mine = r.cells.find((c) => c.target === `slotkv ${f}` && c.workload === w);
      const redis = r.cells.find((c) => c.target === `redis ${f}` && c.workload === w);
      if (mine === undefined && redis === undefined) continue;
      const errors = (mine?.errors ?? 0) + (redis?.errors ?? 0);
      rows.push([
        f, w,
        mine === undefined ? '-' : opsText(mine.opsPerSec), spreadText(mine),
        redis === undefined ? '-' : opsText(redis.opsPerSec), spreadText(redis),
        mine?.ratioToRedis == null ? '-' : `${fixed(mine.ratioToRedis, 2)}x`,
        latencyText(mine), latencyText(redis), String(errors),
      ]);
    }
  }
  return markdownTable(
    ['appendfsync', 'workload', 'slotkv ops/s', 'spread', 'redis ops/s', 'spread', 'slotkv / redis', 'slotkv p50 / p99 ms', 'redis p50 / p99 ms', 'errors'],
    rows,
    [false, false, true, true, true, true, true, true, true, true],
  );
}

const LOGGED = FSYNC_SETTINGS.filter((f) => f !== 'no');

/** How much each setting keeps of the same server's `no` throughput, per workload. */
export function fsyncCostTable(r: Pick<CompareResults, 'cells' | 'workloads'>): string {
  const rows: string[][] = [];
  for (const server of ['slotkv', 'redis']) {
    for (const w of r.workloads) {
      const of = (f: string): number | undefined => r.cells.find((c) => c.target === `${server} ${f}` && c.workload === w)?.opsPerSec;
      const none = of('no');
      if (none === undefined || none <= 0) continue;
      rows.push([server, w, ...LOGGED.map((f) => {
        const v = of(f);
        return v === undefined ? '-' : `${fixed(v / none, 2)}x`;
      })]);
    }
  }
  return markdownTable(['server', 'workload', ...LOGGED.map((f) => `${f} / no`)], rows, [false, false, true, true]);
}
