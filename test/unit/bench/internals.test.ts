import { describe, expect, it } from 'vitest';
import { labelThreads, projectOps, cpuReport } from '../../../native-free-bench/cpu.ts';
import { ReplyCounter } from '../../../native-free-bench/resp-counter.ts';
import { templateFor, writeRequest } from '../../../native-free-bench/workloads.ts';

const STREAM = '+OK\r\n$5\r\nhello\r\n$-1\r\n:42\r\n-ERR wrong\r\n*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n*0\r\n$0\r\n\r\n*-1\r\n';
const REPLIES = 8;

describe('reply counter', () => {
  it('counts top-level replies, nested arrays as one, and errors', () => {
    const c = new ReplyCounter();
    expect(c.feed(Buffer.from(STREAM, 'latin1'))).toBe(REPLIES);
    expect(c.errors).toBe(1);
    expect(c.firstError).toBe('ERR wrong');
  });

  it('counts the same when the stream arrives byte by byte', () => {
    const c = new ReplyCounter();
    let total = 0;
    for (const byte of Buffer.from(STREAM, 'latin1')) total += c.feed(Buffer.from([byte]));
    expect(total).toBe(REPLIES);
    expect(c.replies).toBe(REPLIES);
    expect(c.errors).toBe(1);
  });

  it('does not count a bulk whose payload has not fully arrived', () => {
    const c = new ReplyCounter();
    expect(c.feed(Buffer.from('$10\r\n01234'))).toBe(0);
    expect(c.feed(Buffer.from('56789\r'))).toBe(0);
    expect(c.feed(Buffer.from('\n'))).toBe(1);
  });
});

describe('request templates', () => {
  it('write the key number into every key slot, zero-padded', () => {
    const t = templateFor('mset', 2);
    const buf = Buffer.alloc(t.bytes.length);
    writeRequest(buf, 0, t, 42, 0);
    const text = buf.toString('latin1');
    expect(text.startsWith('*21\r\n$4\r\nMSET\r\n$20\r\n{key:000000000042}:0\r\n$2\r\nxx\r\n')).toBe(true);
    expect(text.match(/\{key:000000000042\}/g)).toHaveLength(10);
  });

  it('write the auxiliary number into member slots', () => {
    const t = templateFor('hset', 1);
    const buf = Buffer.alloc(t.bytes.length);
    writeRequest(buf, 0, t, 7, 123);
    expect(buf.toString('latin1')).toBe('*4\r\n$4\r\nHSET\r\n$17\r\nhash:000000000007\r\n$18\r\nfield:000000000123\r\n$1\r\nx\r\n');
  });
});

describe('per-thread CPU', () => {
  const t = (tid: number, comm: string, cpuMs: number) => ({ tid, comm, cpuMs });

  it('tells slotkv worker threads apart by creation order: shards, replicator, then I/O', () => {
    const labels = labelThreads(
      [t(1, 'MainThread', 0), t(2, 'V8Worker', 0), t(5, 'WorkerThread', 0), t(6, 'WorkerThread', 0), t(7, 'WorkerThread', 0), t(8, 'WorkerThread', 0)],
      { kind: 'slotkv', shards: 2, ioThreads: 1 },
    );
    expect([...labels.values()]).toEqual(['main', 'v8', 'shard', 'shard', 'replicator', 'io']);
  });

  it('reports CPU per op per group and caps the projection by the busiest thread', () => {
    const before = [t(1, 'MainThread', 100), t(5, 'WorkerThread', 0), t(6, 'WorkerThread', 0)];
    const after = [t(1, 'MainThread', 1100), t(5, 'WorkerThread', 300), t(6, 'WorkerThread', 200)];
    const r = cpuReport(before, after, { kind: 'slotkv', shards: 1, ioThreads: 0 }, 100_000, 1000);
    const main = r.groups.find((g) => g.group === 'main')!;
    expect(main.usPerOp).toBeCloseTo(10);
    expect(main.cores).toBeCloseTo(1);
    expect(r.totalUsPerOp).toBeCloseTo(15);
    expect(r.busiestThread.usPerOp).toBeCloseTo(10);
    // 1 core: 1e6 / 15 us = 66.7k ops/s; 2 cores would allow 133k and 16 cores 1M, but the main thread caps at 100k.
    expect(projectOps(1, r.totalUsPerOp, r.busiestThread.usPerOp)).toBeCloseTo(66_667, -1);
    expect(projectOps(2, r.totalUsPerOp, r.busiestThread.usPerOp)).toBeCloseTo(100_000, -1);
    expect(r.projection.find((p) => p.cores === 16)).toMatchObject({ capped: true });
    expect(r.projection.find((p) => p.cores === 16)!.opsPerSec).toBeCloseTo(100_000, -1);
    expect(r.threadCapOpsPerSec).toBeCloseTo(100_000, -1);
    expect(projectOps(4, 0, 0)).toBe(0);
  });
});
