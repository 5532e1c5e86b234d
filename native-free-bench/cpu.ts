/**
 * CPU time per server thread, read from /proc/<pid>/task/<tid>/{stat,comm} before and after a
 * run, without touching the server: utime + stime in clock ticks (USER_HZ, 100 on Linux).
 *
 * Node names all its worker threads "WorkerThread", so slotkv's threads are told apart by
 * creation order (tids grow): the server spawns its shard workers first, then the replicator,
 * then the I/O workers; INFO server says how many shards and I/O threads there are. Node's
 * "V8Worker" threads are the platform pool (concurrent GC marking, background compilation).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // 1000 / USER_HZ; USER_HZ is 100 on every Linux ABI Node supports

export interface ThreadSample {
  tid: number;
  comm: string;
  cpuMs: number;
}

export function sampleThreads(pid: number): ThreadSample[] {
  const out: ThreadSample[] = [];
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${name}/stat`, 'latin1');
      const comm = readFileSync(`/proc/${pid}/task/${name}/comm`, 'latin1').trim();
      // The comm field in stat may hold spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid: Number(name), comm, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS });
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return out.sort((a, b) => a.tid - b.tid);
}

export interface ThreadLayout {
  kind: 'slotkv' | 'redis';
  /** Shard worker threads (0 with inline-shard). */
  shards: number;
  ioThreads: number;
}

/** Group name of each thread, by the rules in the header. */
export function labelThreads(samples: ThreadSample[], layout: ThreadLayout): Map<number, string> {
  const labels = new Map<number, string>();
  if (layout.kind === 'redis') {
    for (const s of samples) {
      labels.set(s.tid, s.comm.startsWith('redis-server') ? 'main' : s.comm.startsWith('io_thd') ? 'io' : 'bio');
    }
    return labels;
  }
  let worker = 0;
  for (const s of samples) {
    let label = 'other';
    // With no I/O threads, slotkv's main thread also reads, frames and answers every connection.
    if (s.comm === 'MainThread' || s.comm === 'node') label = 'main';
    else if (s.comm === 'V8Worker') label = 'v8';
    else if (s.comm === 'WorkerThread') {
      const i = worker++;
      label = i < layout.shards ? 'shard' : i === layout.shards ? 'replicator' : 'io';
    }
    labels.set(s.tid, label);
  }
  return labels;
}

export interface GroupCpu {
  group: string;
  threads: number;
  cpuMs: number;
  usPerOp: number;
  /** The group's busiest thread. */
  busiestUsPerOp: number;
  /** Share of one core the group used over the run (can exceed 1 for several threads). */
  cores: number;
}

export interface CpuReport {
  groups: GroupCpu[];
  totalUsPerOp: number;
  /** The busiest single thread of the process: it caps throughput however many cores there are. */
  busiestThread: { group: string; usPerOp: number };
  /** Ops/s a host with N cores could reach: min(N / total CPU per op, 1 / busiest thread's). */
  projection: { cores: number; opsPerSec: number; capped: boolean }[];
  /** 1 / the busiest thread's CPU per op. */
  threadCapOpsPerSec: number;
}

export const PROJECTION_CORES = [4, 8, 16];

export function cpuReport(before: ThreadSample[], after: ThreadSample[], layout: ThreadLayout, ops: number, elapsedMs: number): CpuReport {
  const labels = labelThreads(after, layout);
  const start = new Map(before.map((s) => [s.tid, s.cpuMs]));
  const groups = new Map<string, GroupCpu>();
  let busiest = { group: 'none', usPerOp: 0 };
  let total = 0;
  for (const s of after) {
    const used = s.cpuMs - (start.get(s.tid) ?? 0);
    const group = labels.get(s.tid) ?? 'other';
    const g = groups.get(group) ?? { group, threads: 0, cpuMs: 0, usPerOp: 0, busiestUsPerOp: 0, cores: 0 };
    g.threads++;
    g.cpuMs += used;
    const perOp = ops > 0 ? (used * 1000) / ops : 0;
    g.busiestUsPerOp = Math.max(g.busiestUsPerOp, perOp);
    if (perOp > busiest.usPerOp) busiest = { group, usPerOp: perOp };
    groups.set(group, g);
    total += used;
  }
  for (const g of groups.values()) {
    g.usPerOp = ops > 0 ? (g.cpuMs * 1000) / ops : 0;
    g.cores = elapsedMs > 0 ? g.cpuMs / elapsedMs : 0;
  }
  const totalUsPerOp = ops > 0 ? (total * 1000) / ops : 0;
  return {
    groups: [...groups.values()].sort((a, b) => b.cpuMs - a.cpuMs),
    totalUsPerOp,
    busiestThread: busiest,
    projection: PROJECTION_CORES.map((cores) => ({
      cores,
      opsPerSec: projectOps(cores, totalUsPerOp, busiest.usPerOp),
      capped: busiest.usPerOp > 0 && 1e6 / busiest.usPerOp < (cores * 1e6) / totalUsPerOp,
    })),
    threadCapOpsPerSec: busiest.usPerOp > 0 ? 1e6 / busiest.usPerOp : 0,
  };
}

/** Ops/s with `cores` cores: all the CPU work spread over them, but never faster than the busiest thread. */
export function projectOps(cores: number, totalUsPerOp: number, busiestUsPerOp: number): number {
  if (totalUsPerOp <= 0) return 0;
  return Math.min((cores * 1e6) / totalUsPerOp, busiestUsPerOp > 0 ? 1e6 / busiestUsPerOp : Infinity);
}
