/**
 * HyperLogLog commands compared byte for byte with redis-server, the HLL strings themselves
 * included: after the same PFADDs, GET must return the same sparse or dense bytes, and an HLL
 * taken from one server with GET must count the same on the other. Keys of multi-key commands
 * share the hash tag {t}.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, useDifferential, type Command } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const HDR = 16;
const DENSE_SIZE = HDR + 12288;

/** An HLL header for encoding (0 dense, 1 sparse) with a stale cache, followed by body. */
function hll(encoding: number, body: Uint8Array): Buffer {
  const h = Buffer.alloc(HDR);
  h.write('HYLL', 0, 'latin1');
  h[4] = encoding;
  h[15] = 0x80;
  return Buffer.concat([h, body]);
}

/** A dense HLL whose registers are regs (index -> value), others zero. */
function denseHll(regs: Record<number, number>): Buffer {
  const b = hll(0, Buffer.alloc(DENSE_SIZE - HDR));
  for (const [r, v] of Object.entries(regs)) {
    const bit = Number(r) * 6;
    const at = HDR + (bit >> 3);
    const shift = bit & 7;
    b[at] = b[at]! | ((v << shift) & 0xff);
    if (at + 1 < b.length) b[at + 1] = b[at + 1]! | (v >> (8 - shift));
  }
  return b;
}

/** Random elements, 0..24 bytes of any value, so every hash tail length occurs. */
function elements(rnd: () => number, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const e = Buffer.alloc(Math.floor(rnd() * 25));
    for (let j = 0; j < e.length; j++) e[j] = Math.floor(rnd() * 256);
    out.push(e);
  }
  return out;
}

/** The bulk payload of a GET reply. */
function bulkPayload(reply: Buffer): Buffer {
  const nl = reply.indexOf('\r\n');
  const n = Number(reply.toString('latin1', 1, nl));
  return reply.subarray(nl + 2, nl + 2 + n);
}

describe.each(SLOTKV_CONFIGS)('HyperLogLog commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('PFADD creates an empty sparse HLL, reports changes, and GET shows its bytes', () =>
    s.d.run([
      ['PFADD', 'h'], ['GET', 'h'], ['PFADD', 'h'], ['PFADD', 'h', 'a'], ['PFADD', 'h', 'a'], ['GET', 'h'],
      ['PFADD', 'h', 'b', 'c', 'a'], ['GET', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'], ['PFCOUNT', 'h'],
      ['PFADD', 'h', ''], ['PFCOUNT', 'h'], ['STRLEN', 'h'], ['PFCOUNT', 'missing'], ['EXISTS', 'missing'],
      ['PFADD'], ['PFCOUNT'], ['PFMERGE'],
    ]));

  it('PFADD of the same seeded streams gives identical sparse bytes, then identical dense bytes', async () => {
    for (const seed of [1, 2, 3]) {
      s.d.setContext(`seed ${seed}`);
      const rnd = mulberry32(seed);
      const key = `h${seed}`;
      // Small batches first: the sparse form splits and merges opcodes element by element.
      for (let added = 0; added < 3000;) {
        const n = added < 400 ? 1 + Math.floor(rnd() * 8) : 100 + Math.floor(rnd() * 400);
        await s.d.run([['PFADD', key, ...elements(rnd, n)], ['GET', key]]);
        if (rnd() < 0.2) await s.d.run([['PFCOUNT', key], ['GET', key]]);
        added += n;
      }
      await s.d.run([['PFCOUNT', key], ['GET', key], ['STRLEN', key]]);
    }
  });

  it('a dense HLL with many elements counts the same and keeps the same bytes', async () => {
    const rnd = mulberry32(99);
    for (let i = 0; i < 20; i++) await s.d.run([['PFADD', 'big', ...elements(rnd, 2000)]]);
    await s.d.run([['PFCOUNT', 'big'], ['GET', 'big'], ['PFADD', 'big', 'x'], ['PFCOUNT', 'big']]);
  });

  it('small cardinalities count exactly as Redis estimates them', async () => {
    const steps: Command[] = [];
    for (let n = 0; n < 300; n++) steps.push(['PFADD', 'c', `el:${n}`], ['PFCOUNT', 'c']);
    await s.d.run(steps);
  });

  it('PFCOUNT of several keys counts the union and changes none of them', async () => {
    const rnd = mulberry32(5);
    await s.d.run([
      ['PFADD', '{t}a', ...elements(rnd, 50)], ['PFADD', '{t}b', ...elements(rnd, 5000)], ['PFADD', '{t}c', 'x'],
      ['PFCOUNT', '{t}a', '{t}b'], ['PFCOUNT', '{t}a', '{t}c', '{t}missing'], ['PFCOUNT', '{t}missing', '{t}none'],
      ['PFCOUNT', '{t}a', '{t}a'], ['GET', '{t}a'], ['GET', '{t}c'], ['PFCOUNT', '{t}c'], ['GET', '{t}c'],
    ]);
  });

  it('PFMERGE merges sparse and dense sources into a new or existing destination', async () => {
    const rnd = mulberry32(6);
    await s.d.run([
      ['PFADD', '{t}s1', ...elements(rnd, 30)], ['PFADD', '{t}s2', ...elements(rnd, 40)],
      ['PFADD', '{t}d1', ...elements(rnd, 6000)],
      ['PFMERGE', '{t}m1', '{t}s1', '{t}s2'], ['GET', '{t}m1'], ['PFCOUNT', '{t}m1'],
      ['PFMERGE', '{t}m1', '{t}missing'], ['GET', '{t}m1'],
      ['PFMERGE', '{t}m2', '{t}s1', '{t}d1'], ['GET', '{t}m2'], ['PFCOUNT', '{t}m2'],
      ['PFMERGE', '{t}s1', '{t}s2'], ['GET', '{t}s1'],
      ['PFMERGE', '{t}m3'], ['GET', '{t}m3'], ['PFMERGE', '{t}m3', '{t}m3'], ['GET', '{t}m3'],
      ['PFMERGE', '{t}s2', '{t}d1'], ['GET', '{t}s2'], ['PFCOUNT', '{t}s2'],
    ]);
  });

  it('a register above 32 promotes a sparse destination to dense', async () => {
    const src = denseHll({ 0: 40, 5: 2, 16383: 63, 9000: 33 });
    await s.d.run([
      ['SET', '{t}d', src], ['PFCOUNT', '{t}d'], ['GET', '{t}d'], ['PFADD', '{t}sp', 'a', 'b'],
      ['PFMERGE', '{t}sp', '{t}d'], ['GET', '{t}sp'], ['PFCOUNT', '{t}sp'], ['PFCOUNT', '{t}sp', '{t}d'],
    ]);
  });

  it('hll-sparse-max-bytes turns a growing sparse HLL dense at the same element', async () => {
    const rnd = mulberry32(7);
    for (let i = 0; i < 5000; i++) {
      const [ref] = await s.d.check(['PFADD', 'g', ...elements(rnd, 1)]);
      expect(ref.toString()).toMatch(/^:[01]\r\n$/);
      const [len] = await s.d.check(['STRLEN', 'g']);
      if (len.toString() === `:${DENSE_SIZE}\r\n`) break;
    }
    const [len] = await s.d.check(['STRLEN', 'g']);
    expect(len.toString()).toBe(`:${DENSE_SIZE}\r\n`);
    await s.d.run([['GET', 'g'], ['PFCOUNT', 'g']]);
  });

  it("an HLL taken from redis-server with GET counts the same in slotkv, and the other way round", async () => {
    const rnd = mulberry32(8);
    for (const n of [3, 200, 4000]) {
      const els = elements(rnd, n);
      await s.d.ref.call('PFADD', 'fromredis', ...els);
      await s.d.sub.call('PFADD', 'fromslotkv', ...els);
      const redisBytes = bulkPayload(await s.d.ref.call('GET', 'fromredis'));
      const slotkvBytes = bulkPayload(await s.d.sub.call('GET', 'fromslotkv'));
      expect(slotkvBytes.equals(redisBytes)).toBe(true);
      await s.d.run([
        ['SET', 'x1', redisBytes], ['PFCOUNT', 'x1'], ['PFADD', 'x1', 'more'], ['GET', 'x1'],
        ['SET', 'x2', slotkvBytes], ['PFCOUNT', 'x2'], ['GET', 'x2'],
      ]);
    }
  });

  it('strings that are not HLLs answer the HLL WRONGTYPE error', () =>
    s.d.run([
      ['SET', '{t}s', 'hello'], ['PFADD', '{t}s', 'a'], ['PFCOUNT', '{t}s'], ['PFMERGE', '{t}s', '{t}x'],
      ['PFMERGE', '{t}x', '{t}s'], ['EXISTS', '{t}x'], ['SET', '{t}n', '12345'], ['PFCOUNT', '{t}n'],
      ['SET', '{t}h', 'HYLL'], ['PFCOUNT', '{t}h'],
      ['SET', '{t}e', hll(2, Buffer.from([0x7f, 0xff]))], ['PFCOUNT', '{t}e'],
      ['SET', '{t}short', hll(0, Buffer.alloc(100))], ['PFCOUNT', '{t}short'], ['PFADD', '{t}short', 'a'],
      ['SET', '{t}bad', Buffer.from('HYLX\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff', 'latin1')], ['PFCOUNT', '{t}bad'],
      ['PFADD', '{t}ok', 'a'], ['PFCOUNT', '{t}ok', '{t}s'], ['PFCOUNT', '{t}s', '{t}ok'],
    ]));

  it('corrupt sparse opcodes answer INVALIDOBJ', () =>
    s.d.run([
      // Runs that do not add up to 16384 registers.
      ['SET', '{t}c1', hll(1, Buffer.from([0x7f, 0xfe]))], ['PFCOUNT', '{t}c1'], ['PFADD', '{t}c1', 'a', 'b'],
      ['PFCOUNT', '{t}c1', '{t}c1'], ['PFMERGE', '{t}m', '{t}c1'], ['EXISTS', '{t}m'],
      ['SET', '{t}c2', hll(1, Buffer.from([0x7f, 0xff, 0x80]))], ['PFCOUNT', '{t}c2'], ['PFADD', '{t}c2', 'a'],
      ['PFMERGE', '{t}c2'],
      ['SET', '{t}c3', hll(1, Buffer.alloc(0))], ['PFCOUNT', '{t}c3'], ['PFADD', '{t}c3', 'x'], ['GET', '{t}c3'],
      // A valid sparse HLL whose cache says 5 is believed without counting.
      ['SET', '{t}c4', Buffer.from('HYLL\x01\0\0\0\x05\0\0\0\0\0\0\0\x7f\xff', 'latin1')], ['PFCOUNT', '{t}c4'],
      ['PFADD', '{t}c4', 'a'], ['PFCOUNT', '{t}c4'],
    ]));

  it('dense HLLs with high registers count like Redis', () =>
    s.d.run([
      ['SET', 'd1', denseHll({ 1: 51, 2: 52, 3: 63, 100: 20 })], ['PFCOUNT', 'd1'], ['GET', 'd1'],
      ['SET', 'd2', denseHll(Object.fromEntries(Array.from({ length: 16384 }, (_, i) => [i, 1 + (i % 50)])))],
      ['PFCOUNT', 'd2'], ['PFADD', 'd2', 'zz'], ['PFCOUNT', 'd2'],
      // Every register at 51: the estimate overflows and Redis replies it as a negative int64.
      ['SET', 'd3', denseHll(Object.fromEntries(Array.from({ length: 16384 }, (_, i) => [i, 51])))],
      ['PFCOUNT', 'd3'], ['GET', 'd3'], ['PFCOUNT', 'd3', 'd3'],
    ]));

  it('PFADD keeps the TTL and PFCOUNT keeps it too', () =>
    s.d.run([['PFADD', 'h', 'a'], ['EXPIRE', 'h', '1000'], ['PFADD', 'h', 'b'], ['PFCOUNT', 'h'], ['TTL', 'h']]));
});
