import { describe, expect, it } from 'vitest';
import { cpuTable, relateToBaseline, type CompareCell, type CompareResults } from '../../../native-free-bench/compare.ts';
import type { CpuReport } from '../../../native-free-bench/cpu.ts';
import { layoutOf } from '../../../native-free-bench/targets.ts';

/** A CPU report of one thread group doing all the work. */
function cpu(usPerOp: number): CpuReport {
  return {
    groups: [{ group: 'main', threads: 1, cpuMs: 100, usPerOp, busiestUsPerOp: usPerOp, cores: 0.9 }],
    totalUsPerOp: usPerOp,
    busiestThread: { group: 'main', usPerOp },
    projection: [{ cores: 8, opsPerSec: 1e6 / usPerOp, capped: true }],
    threadCapOpsPerSec: 1e6 / usPerOp,
  };
}

function cell(target: string, workload: string, opsPerSec: number, usPerOp: number): CompareCell {
  return { target, workload, opsPerSec, spread: 0, ratioToRedis: null, p50: 1, p99: 2, p999: 3, errors: 0, generatorBusy: 0.3, cpu: cpu(usPerOp) };
}

describe('compare CPU table', () => {
  it("relates throughput and CPU per op to Redis's for the same workload, and projects 8 cores against one Redis", () => {
    const cells = [
      cell('slotkv 1 shard', 'GET P16', 500_000, 2.0),
      cell('redis', 'GET P16', 800_000, 1.25),
      cell('slotkv 1 shard', 'SET P16', 400_000, 1.5),
      cell('redis', 'SET P16', 700_000, 1.0),
    ];
    relateToBaseline(cells, () => 'redis');
    expect(cells.map((c) => c.ratioToRedis)).toEqual([0.625, 1, 400 / 700, 1]);
    expect(cells.map((c) => c.cpuRatioToRedis)).toEqual([1.6, null, 1.5, null]);
    const table = cpuTable({ cells } as CompareResults);
    const header = table.split('\n')[0]!;
    expect(header).toContain('| total µs/op vs redis | 8 cores uncapped vs 1 redis |');
    const rows = table.split('\n').slice(2).map((line) => line.split('|').map((f) => f.trim()).filter((f) => f !== ''));
    // 8 / 1.6 = 5.0 and 8 / 1.5 = 5.3 times one Redis; Redis's own rows have no ratio.
    expect(rows.map((r) => r.slice(-2))).toEqual([['1.60x', '5.0x'], ['-', '-'], ['1.50x', '5.3x'], ['-', '-']]);
  });
});

describe('server thread layout from INFO server', () => {
  it('counts shard worker threads as spawned (none inline), and reads anything else as Redis', () => {
    const info = (lines: string[]) => `# Server\r\n${lines.join('\r\n')}\r\n`;
    expect(layoutOf(info(['slotkv_version:0.1.0', 'shards:1', 'io_threads:0', 'shard_threads:0']))).toEqual({ kind: 'slotkv', shards: 0, ioThreads: 0 });
    expect(layoutOf(info(['slotkv_version:0.1.0', 'shards:4', 'io_threads:2', 'shard_threads:4']))).toEqual({ kind: 'slotkv', shards: 4, ioThreads: 2 });
    expect(layoutOf(info(['redis_version:7.0.15', 'process_id:42']))).toEqual({ kind: 'redis', shards: 1, ioThreads: 0 });
  });
});
