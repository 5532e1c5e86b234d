import { describe, expect, it } from 'vitest';
import type { CompareCell } from '../../../native-free-bench/compare.ts';
import type { CpuReport } from '../../../native-free-bench/cpu.ts';
import { fsyncCostTable, fsyncPlan, fsyncTable } from '../../../native-free-bench/fsync.ts';
import {
  commandExists, encodeCommand, infoNumber, MEMORY_TYPES, memoryTable, parseVmRss, perKey, smallValue, type MemoryCell,
} from '../../../native-free-bench/memory.ts';
import { ReplyCounter } from '../../../native-free-bench/resp-counter.ts';
import { fsyncBaseline, fsyncTargets } from '../../../native-free-bench/targets.ts';

const NO_CPU = {} as CpuReport;

function cell(target: string, workload: string, opsPerSec: number, ratioToRedis: number | null): CompareCell {
  return { target, workload, opsPerSec, spread: 0.1, ratioToRedis, p50: 0.5, p99: 2, p999: 5, errors: 0, generatorBusy: 0.2, cpu: NO_CPU };
}

describe('fsync compare plan', () => {
  it('runs slotkv and redis under always, everysec and no with the log on and snapshots off', () => {
    const specs = fsyncTargets();
    const names = specs.map((s) => s.name);
    for (const f of ['always', 'everysec', 'no']) {
      const mine = specs.find((s) => s.name === `slotkv ${f}`)!;
      expect(mine.args.join(' ')).toBe(`--appendonly yes --appendfsync ${f} --save `);
      if (names.includes(`redis ${f}`)) expect(specs.find((s) => s.name === `redis ${f}`)!.args).toEqual(mine.args);
    }
  });

  it('compares each target with Redis under the same setting, and only SET', () => {
    expect(fsyncBaseline('slotkv always')).toBe('redis always');
    expect(fsyncBaseline('slotkv everysec')).toBe('redis everysec');
    expect(fsyncBaseline('redis no')).toBe('redis no');
    const plan = fsyncPlan();
    expect(plan.fill).toBe(false);
    expect(plan.rotate).toBe(true);
    expect(plan.workloads.map((w) => [w.name, w.tests, w.pipeline])).toEqual([['SET', ['set'], 1], ['SET P16', ['set'], 16]]);
  });

  it('puts slotkv and redis side by side per setting and workload, in always, everysec, no order', () => {
    const cells = [
      cell('slotkv no', 'SET', 30_000, 0.5), cell('redis no', 'SET', 60_000, 1),
      cell('slotkv always', 'SET', 10_000, 0.25), cell('redis always', 'SET', 40_000, 1),
    ];
    const lines = fsyncTable({ cells, workloads: ['SET', 'SET P16'] }).split('\n');
    expect(lines).toHaveLength(4); // header, rule, two rows: nothing ran under everysec or at P16
    expect(lines[2]).toMatch(/^\| always +\| SET +\| +10,000 \| +±5% \| +40,000 \| +±5% \| +0\.25x \| +0\.500 \/ 2\.00 \|/);
    expect(lines[3]).toMatch(/^\| no +\| SET +\| +30,000 .*\| +0\.50x \|/);
  });

  it('shows each setting as a share of the same server under appendfsync no', () => {
    const cells = [
      cell('slotkv no', 'SET', 40_000, 0.5), cell('slotkv everysec', 'SET', 30_000, 0.5), cell('slotkv always', 'SET', 10_000, 0.5),
      cell('redis no', 'SET', 80_000, 1),
    ];
    const lines = fsyncCostTable({ cells, workloads: ['SET'] }).split('\n');
    expect(lines[0]).toMatch(/^\| server +\| workload \| always \/ no \| everysec \/ no \|$/);
    expect(lines[2]).toMatch(/^\| slotkv +\| SET +\| +0\.25x \| +0\.75x \|$/);
    expect(lines[3]).toMatch(/^\| redis +\| SET +\| +- \| +- \|$/);
  });
});

describe('memory per key', () => {
  it('makes distinct 10-byte values that do not read as integers', () => {
    expect(smallValue(0)).toBe('v000000000');
    expect(smallValue(1_234_567)).toBe('v001234567');
    expect(smallValue(999_999_999)).toHaveLength(10);
    expect(smallValue(12)).not.toBe(smallValue(13));
  });

  it('encodes each type as one RESP command on key k:<i>, which a reply counter sees as one request', () => {
    const names = MEMORY_TYPES.map((t) => t.args(7).slice(0, 2).join(' '));
    expect(names).toEqual(['SET k:7', 'HSET k:7', 'RPUSH k:7', 'SADD k:7', 'ZADD k:7']);
    expect(encodeCommand(['SET', 'k:7', 'v000000007'])).toBe('*3\r\n$3\r\nSET\r\n$3\r\nk:7\r\n$10\r\nv000000007\r\n');
    // A request has the shape of a reply array, so the counter doubles as a framing check.
    const c = new ReplyCounter();
    expect(c.feed(Buffer.from(MEMORY_TYPES.map((t) => encodeCommand(t.args(3))).join(''), 'latin1'))).toBe(MEMORY_TYPES.length);
  });

  it('tells a known command from COMMAND INFO nil', () => {
    expect(commandExists('*1\r\n*10\r\n$5\r\nrpush\r\n:-3\r\n')).toBe(true);
    expect(commandExists('*1\r\n*-1\r\n')).toBe(false);
    expect(commandExists('-ERR unknown command\r\n')).toBe(false);
  });

  it('reads VmRSS in bytes and numeric INFO fields', () => {
    const status = 'Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  184740 kB\nRssAnon:\t 1 kB\n';
    expect(parseVmRss(status)).toBe(184_740 * 1024);
    expect(() => parseVmRss('Name:\tzombie\n')).toThrow(/VmRSS/);
    const info = '# Memory\r\nused_memory:45751528\r\nused_memory_rss:189177856\r\n';
    expect(infoNumber(info, 'used_memory')).toBe(45_751_528);
    expect(infoNumber(info, 'used_memory_rss')).toBe(189_177_856);
    expect(infoNumber(info, 'used_memory_peak')).toBeNull();
  });

  it('reports growth per key, and null for a measure the server lacks', () => {
    const c = { keys: 1000, before: { rss: 1_000_000, usedMemory: null }, after: { rss: 1_250_000, usedMemory: 5 } };
    expect(perKey(c, 'rss')).toBe(250);
    expect(perKey(c, 'usedMemory')).toBeNull();
  });

  it('tabulates one row per type with each slotkv target against redis RSS and used_memory, and drops skipped types', () => {
    const m = (type: string, target: string, rss: number, used: number): MemoryCell => ({
      type, target, keys: 100, before: { rss: 0, usedMemory: 0 }, after: { rss: rss * 100, usedMemory: used * 100 }, loadMs: 1, errors: 0, firstError: null,
    });
    const cells = [m('string', 'redis', 60, 50), m('string', 'slotkv 1 shard', 150, 120), m('string', 'slotkv', 200, 130)];
    const lines = memoryTable({ cells, types: ['string', 'list'], targets: ['slotkv 1 shard', 'slotkv', 'redis'] }).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\| type +\| redis used_memory B\/key \| redis RSS B\/key \| slotkv 1 shard RSS B\/key \| slotkv 1 shard heap B\/key \| slotkv 1 shard \/ redis RSS \| slotkv 1 shard \/ redis used_memory \| slotkv RSS/);
    expect(lines[2]).toMatch(/^\| string \| +50 \| +60 \| +150 \| +120 \| +2\.50x \| +3\.00x \| +200 \| +130 \| +3\.33x \| +4\.00x \|$/);
  });
});
