/**
 * slotkv's load generator: `npm run bench -- [options]` (see USAGE in options.ts).
 *
 * Plain mode drives one running server (--host/--port) with each test in turn; when that server
 * is on this machine its threads' CPU is read from /proc (the pid comes from INFO server).
 * --compare starts slotkv and redis-server itself and runs them in alternation (compare.ts);
 * --compare-fsync does the same with the append-only log under each appendfsync setting
 * (fsync.ts); --memory loads small keys of each type and reports bytes per key (memory.ts).
 * Every run writes JSON results and an SVG chart under bench-results/ unless --json/--svg say
 * where.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { renderChart, type ChartCell } from './chart.ts';
import { compareTable, cpuTable, runCompare, type CompareResults } from './compare.ts';
import { fsyncCostTable, fsyncPlan, fsyncTable } from './fsync.ts';
import { memoryTable, runMemory } from './memory.ts';
import { cpuReport, sampleThreads, type CpuReport, type ThreadLayout } from './cpu.ts';
import { LoadPool, workloadsFor, type RunResult } from './load.ts';
import { OptionError, parseOptions, USAGE, type Options } from './options.ts';
import { defaultPath, fixed, markdownTable, ms, opsText, Progress, timestamp, writeOut } from './report.ts';
import { command, infoField, layoutOf } from './targets.ts';

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stamp = timestamp();
  const progress = new Progress();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
  if (o.memory) return await memoryMode(o, progress, machine, stamp);
  const pool = new LoadPool(o.threads);
  try {
    if (o.compareFsync) return await fsyncMode(o, pool, progress, machine, stamp);
    if (o.compare) {
      const r = await runCompare(o, pool, progress);
      const s = r.settings;
      const head = `${s.clients} clients, ${s.rounds} rounds of ${s.durationS}s (+${s.warmupS}s warmup) per cell, ` +
        `${s.keyspace} keys, ${s.valueSize}-byte values, ${s.threads} load threads`;
      process.stdout.write(`\n${head}\n\n${compareTable(r)}\n\nCPU per operation by thread group (µs/op, cores used in brackets) and projection ` +
        `(cores / total µs per op, * = capped by the busiest thread at 1 / its µs per op); the last two columns: total CPU per op ` +
        `over Redis's, and 8 cores / total µs per op against one Redis without the cap (a host that size adds I/O threads and ` +
        `shards):\n\n${cpuTable(r)}\n`);
      const jsonPath = o.json ?? defaultPath('compare', 'json', stamp);
      const svgPath = o.svg ?? defaultPath('compare', 'svg', stamp);
      writeOut(jsonPath, `${JSON.stringify({ kind: 'compare', date: new Date().toISOString(), machine, ...r }, null, 2)}\n`);
      writeOut(svgPath, renderChart({
        title: 'slotkv vs redis-server',
        subtitle: `${head}; ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}`,
        targets: r.targets,
        workloads: r.workloads,
        cells: r.cells.map((c): ChartCell => ({ target: c.target, workload: c.workload, opsPerSec: c.opsPerSec, p50: c.p50, p99: c.p99, p999: c.p999 })),
      }));
      process.stdout.write(`\nwrote ${jsonPath}\nwrote ${svgPath}\n`);
      return 0;
    }
    return await runPlain(o, pool, progress, machine, stamp);
  } finally {
    await pool.close();
  }
}

function settingsLine(r: CompareResults): string {
  const s = r.settings;
  return `${s.clients} clients, ${s.rounds} rounds of ${s.durationS}s (+${s.warmupS}s warmup) per cell, ` +
    `${s.keyspace} keys, ${s.valueSize}-byte values, ${s.threads} load threads`;
}

async function fsyncMode(o: Options, pool: LoadPool, progress: Progress, machine: { nproc: number; cpu: string; node: string }, stamp: string): Promise<number> {
  const r = await runCompare(o, pool, progress, fsyncPlan());
  const head = `${settingsLine(r)}; appendonly yes, no snapshots, a fresh data dir per server`;
  process.stdout.write(`\n${head}\n\n${fsyncTable(r)}\n\nThroughput under each setting over the same server's appendfsync no:\n\n` +
    `${fsyncCostTable(r)}\n\nCPU per operation by thread group (µs/op, cores used in brackets):\n\n${cpuTable(r)}\n`);
  const jsonPath = o.json ?? defaultPath('fsync', 'json', stamp);
  const svgPath = o.svg ?? defaultPath('fsync', 'svg', stamp);
  writeOut(jsonPath, `${JSON.stringify({ kind: 'compare-fsync', date: new Date().toISOString(), machine, ...r }, null, 2)}\n`);
  writeOut(svgPath, renderChart({
    title: 'slotkv vs redis-server, append-only log on',
    subtitle: `${head}; ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}`,
    targets: r.targets,
    workloads: r.workloads,
    cells: r.cells.map((c): ChartCell => ({ target: c.target, workload: c.workload, opsPerSec: c.opsPerSec, p50: c.p50, p99: c.p99, p999: c.p999 })),
  }));
  process.stdout.write(`\nwrote ${jsonPath}\nwrote ${svgPath}\n`);
  return r.cells.some((c) => c.errors > 0) ? 1 : 0;
}

async function memoryMode(o: Options, progress: Progress, machine: object, stamp: string): Promise<number> {
  const r = await runMemory(o.memoryKeys, progress);
  const skipped = r.skipped.map((s) => `\nskipped ${s.type}: ${s.reason}`).join('');
  process.stdout.write(`\n${r.keys} keys per type, one fresh server per cell, persistence off${skipped}\n\n${memoryTable(r)}\n`);
  const jsonPath = o.json ?? defaultPath('memory', 'json', stamp);
  writeOut(jsonPath, `${JSON.stringify({ kind: 'memory', date: new Date().toISOString(), machine, ...r }, null, 2)}\n`);
  process.stdout.write(`\nwrote ${jsonPath}\n`);
  return r.cells.some((c) => c.errors > 0) ? 1 : 0;
}

async function runPlain(o: Options, pool: LoadPool, progress: Progress, machine: object, stamp: string): Promise<number> {
  const local = await localServer(o);
  const results: { result: RunResult; cpu: CpuReport | null }[] = [];
  for (const w of workloadsFor(o)) {
    const durationMs = o.duration * 1000;
    let before = local ? sampleThreads(local.pid) : [];
    const result = await pool.run(
      w,
      { host: o.host, port: o.port, password: o.password, clients: o.clients, keyspace: o.keyspace, valueSize: o.valueSize,
        distribution: o.distribution, zipfExponent: o.zipfExponent, seed: o.seed, requests: o.requests, durationMs, warmupMs: 0 },
      (done, elapsed) => {
        const fraction = o.requests !== null ? done / o.requests : elapsed / durationMs;
        progress.update(w.name, fraction, elapsed > 0 ? (done * 1000) / elapsed : 0);
      },
      () => {
        if (local) before = sampleThreads(local.pid);
      },
    );
    const cpu = local ? cpuReport(before, sampleThreads(local.pid), local.layout, result.completed, result.elapsedMs) : null;
    results.push({ result, cpu });
    const err = result.errors > 0 ? `, ${result.errors} errors (first: ${result.firstError})` : '';
    progress.done(`${w.name}: ${opsText(result.opsPerSec)} requests per second, p50 ${ms(result.latency.p50)} ms, ` +
      `p99 ${ms(result.latency.p99)} ms, p99.9 ${ms(result.latency.p999)} ms, max ${ms(result.latency.max)} ms${err}`);
  }
  const rows = results.map(({ result: r, cpu }) => [
    r.workload, opsText(r.opsPerSec), ms(r.latency.p50), ms(r.latency.p99), ms(r.latency.p999), ms(r.latency.max),
    `${fixed(r.generatorBusy * 100, 0)}%`, cpu ? fixed(cpu.totalUsPerOp, 2) : '-', String(r.errors),
  ]);
  process.stdout.write(`\n${markdownTable(
    ['workload', 'ops/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'load gen busy', 'server µs/op', 'errors'],
    rows,
    [false, true, true, true, true, true, true, true, true],
  )}\n`);
  const jsonPath = o.json ?? defaultPath('run', 'json', stamp);
  const svgPath = o.svg ?? defaultPath('run', 'svg', stamp);
  const target = `${o.host}:${o.port}`;
  writeOut(jsonPath, `${JSON.stringify({ kind: 'run', date: new Date().toISOString(), machine, options: o, results }, null, 2)}\n`);
  writeOut(svgPath, renderChart({
    title: `load on ${target}`,
    subtitle: `${o.clients} clients, pipeline ${o.pipeline}, ${o.keyspace} keys (${o.distribution}), ${o.valueSize}-byte values`,
    targets: [target],
    workloads: results.map((r) => r.result.workload),
    cells: results.map(({ result: r }) => ({ target, workload: r.workload, opsPerSec: r.opsPerSec, p50: r.latency.p50, p99: r.latency.p99, p999: r.latency.p999 })),
  }));
  process.stdout.write(`\nwrote ${jsonPath}\nwrote ${svgPath}\n`);
  return results.some((r) => r.result.completed === 0) ? 1 : 0;
}

/** The server's pid and thread layout when it runs on this machine and we can read its /proc. */
async function localServer(o: Options): Promise<{ pid: number; layout: ThreadLayout } | null> {
  if (!['127.0.0.1', 'localhost', '::1'].includes(o.host)) return null;
  try {
    if (o.password !== null) return null; // a one-shot INFO would need AUTH: skip CPU rather than send the password twice
    const info = await command(o.port, 'INFO', 'server');
    const pid = Number(infoField(info, 'process_id'));
    if (!(pid > 0) || !existsSync(`/proc/${pid}/task`)) return null;
    return { pid, layout: layoutOf(info) };
  } catch {
    return null;
  }
}

process.exitCode = await main();
