/**
 * The HLL type API without sockets: the registers elements land in, read out of redis-server
 * 7.0.15's own sparse strings, the sparse opcodes
 * as they split, merge and turn dense, and the estimator against counts redis-server gave.
 */
import { describe, expect, it } from 'vitest';
import {
  estimate, hllAdd, hllCount, hllCountRaw, hllCreate, hllMerge, hllPatLen, hllSetRegister, isHll,
  sparseToDense, HLL_DENSE_SIZE, HLL_REGISTERS, HLL_SPARSE_MAX_BYTES,
} from '../../../../src/shard/types/hyperloglog.ts';
import { StringBuf } from '../../../../src/shard/types/string.ts';

const emptyHll = (): StringBuf => {
  const sb = new StringBuf(32);
  hllCreate(sb);
  return sb;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const HEADER_STALE = '48594c4c' + '01000000' + '0000000000000080';

describe('element placement', () => {
  it('puts elements in the registers redis-server put them in', () => {
    // Read from redis-server's GET after PFADD on an empty key: XZERO(index) VAL(count, 1) XZERO.
    expect(hllPatLen(Buffer.from('a'))).toEqual([12711, 2]);
    expect(hllPatLen(Buffer.from('foobar'))).toEqual([1910, 4]);
    expect(hllPatLen(Buffer.from('hello world!'))).toEqual([8716, 3]);
  });
});

describe('sparse encoding', () => {
  it('an empty HLL is one XZERO over all 16384 registers with a valid zero cache', () => {
    expect(hex(emptyHll().view())).toBe('48594c4c' + '01000000' + '0000000000000000' + '7fff');
  });

  it('adding an element splits the XZERO around one VAL, byte for byte as Redis does', () => {
    const sb = emptyHll();
    expect(hllAdd(sb, Buffer.from('a'))).toBe(1);
    expect(hex(sb.view())).toBe(HEADER_STALE + '71a6' + '84' + '4e57');
    expect(hllAdd(sb, Buffer.from('a'))).toBe(0);
  });

  it('short zero runs use ZERO and neighbouring equal values merge into one VAL', () => {
    const sb = emptyHll();
    hllSetRegister(sb, 2, 3);
    expect(hex(sb.view())).toBe(HEADER_STALE + '01' + '88' + '7ffc'); // ZERO(2) VAL(3) XZERO(16381)
    hllSetRegister(sb, 1, 3);
    expect(hex(sb.view())).toBe(HEADER_STALE + '00' + '89' + '7ffc'); // ZERO(1) VAL(3,2) XZERO
    hllSetRegister(sb, 0, 3);
    expect(hex(sb.view())).toBe(HEADER_STALE + '8a' + '7ffc'); // VAL(3,3) XZERO
    hllSetRegister(sb, 1, 5);
    expect(hex(sb.view())).toBe(HEADER_STALE + '88' + '90' + '88' + '7ffc'); // VAL(3) VAL(5) VAL(3)
    expect(hllSetRegister(sb, 1, 4)).toBe(0);
  });

  it('a value above 32 turns the HLL dense, keeping every register', () => {
    const sb = emptyHll();
    hllSetRegister(sb, 7, 12);
    hllSetRegister(sb, 16383, 33);
    expect(sb.len).toBe(HLL_DENSE_SIZE);
    expect(sb.buf[4]).toBe(0);
    const max = new Uint8Array(HLL_REGISTERS);
    expect(hllMerge(max, sb.view())).toBe(true);
    expect([max[7], max[16383], max.reduce((a, b) => a + b, 0)]).toEqual([12, 33, 45]);
  });

  it('growing past hll-sparse-max-bytes turns the HLL dense', () => {
    const sb = emptyHll();
    let reg = 0;
    while (sb.buf[4] === 1) {
      expect(sb.len).toBeLessThanOrEqual(HLL_SPARSE_MAX_BYTES);
      hllSetRegister(sb, reg, 1 + (reg % 2));
      reg += 3;
    }
    expect(sb.len).toBe(HLL_DENSE_SIZE);
    const max = new Uint8Array(HLL_REGISTERS);
    hllMerge(max, sb.view());
    for (let r = 0; r < reg; r++) expect(max[r]).toBe(r % 3 === 0 ? 1 + (r % 2) : 0);
  });

  it('opcodes that do not cover exactly 16384 registers are corrupt', () => {
    const short = StringBuf.from(Buffer.from(HEADER_STALE + '7ffe', 'hex'));
    expect(isHll(short.view())).toBe(true);
    expect(hllCount(short.view())).toBeUndefined();
    expect(hllMerge(new Uint8Array(HLL_REGISTERS), short.view())).toBe(false);
    expect(sparseToDense(short)).toBe(false);
    // Like Redis, an add finds its opcode without judging the total: only a register past the
    // last run is corrupt.
    expect(hllSetRegister(short, 16383, 1)).toBe(-1);
    expect(hllAdd(short, Buffer.from('a'))).toBe(1);
  });

  it('isHll rejects bad magic, unknown encodings and dense strings of the wrong size', () => {
    expect(isHll(Buffer.from('HYLL'))).toBe(false);
    expect(isHll(Buffer.from('48594c4d01000000000000000000000' + '07fff', 'hex'))).toBe(false);
    expect(isHll(Buffer.from('48594c4c02000000000000000000000' + '07fff', 'hex'))).toBe(false);
    expect(isHll(Buffer.from('48594c4c00000000000000000000000' + '07fff', 'hex'))).toBe(false);
    expect(isHll(emptyHll().view())).toBe(true);
  });
});

describe('estimator', () => {
  const histo = (fill: (h: Int32Array) => void): Int32Array => {
    const h = new Int32Array(64);
    fill(h);
    return h;
  };

  it('counts an empty HLL as 0 and small sets exactly', () => {
    expect(estimate(histo((h) => (h[0] = HLL_REGISTERS)))).toBe(0);
    const sb = emptyHll();
    for (let i = 0; i < 100; i++) hllAdd(sb, Buffer.from(`e${i}`));
    expect(hllCount(sb.view())).toBe(100);
  });

  it('gives the counts redis-server gave for the same registers', () => {
    // PFCOUNT of dense strings SET into redis-server 7.0.15.
    expect(estimate(histo((h) => (h[1] = HLL_REGISTERS)))).toBe(23637);
    expect(estimate(histo((h) => ((h[0] = HLL_REGISTERS - 1), (h[1] = 1))))).toBe(1);
    expect(estimate(histo((h) => (h[20] = HLL_REGISTERS)))).toBe(12392656037);
    expect(estimate(histo((h) => (h[51] = HLL_REGISTERS)))).toBe(2 ** 63);
    const raw = new Uint8Array(HLL_REGISTERS).map((_, i) => (i % 7) * 3);
    expect(hllCountRaw(raw)).toBe(64042);
  });

  it('stays within a few percent for large sets', () => {
    const sb = emptyHll();
    for (let i = 0; i < 100_000; i++) hllAdd(sb, Buffer.from(`element:${i}`));
    expect(Math.abs(hllCount(sb.view())! - 100_000)).toBeLessThan(3000);
  });
});
