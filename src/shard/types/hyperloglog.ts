/**
 * The HyperLogLog type API (Redis hyperloglog.c's representation, rewritten from its
 * description): an HLL is a plain string value, byte-compatible with Redis, so GET/SET move it
 * between servers. Handlers (commands/hyperloglog.ts) go through these functions only.
 *
 * Layout of the string:
 *
 *   +------+---+-----+----------+---------------------------------+
 *   | HYLL | E | N/U | Cardin.  |  registers (dense) or opcodes   |
 *   +------+---+-----+----------+---------------------------------+
 *    0      4   5     8          16
 *
 *   E      encoding: 0 dense, 1 sparse (raw, 255, exists only in memory while merging)
 *   N/U    3 unused bytes
 *   Cardin the last PFCOUNT result, 8 bytes little endian; the top bit of byte 15 set means
 *          "stale, recount".
 *
 * Dense: 16384 registers of 6 bits, register i at bit 6i, least significant bits first.
 * Sparse: run-length opcodes over the registers, in order, summing to exactly 16384:
 *   ZERO   00xxxxxx           1..64 zero registers
 *   XZERO  01xxxxxx yyyyyyyy  1..16384 zero registers (14-bit length - 1)
 *   VAL    1vvvvvxx           1..4 registers holding value 1..32
 * A sparse HLL becomes dense once a register needs a value above 32 or the string would grow
 * past hll-sparse-max-bytes (3000, Redis's default).
 *
 * Values are StringBufs while being changed in place (a latin1 string from SET is converted on
 * the first write); reads take the bytes of either encoding.
 */
import type { StringBuf } from './string.ts';
import { HASH, murmurHash64AInto } from '../../util/murmurhash64a.ts';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_REGISTER_MAX = 63;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * 6 + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const ENCODING_AT = 4;
const CARD_AT = 8;
const CACHE_FLAG_AT = 15;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** Redis's hll-sparse-max-bytes default; slotkv has no CONFIG for it. */
export const HLL_SPARSE_MAX_BYTES = 3000;
const HLL_ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)
const HASH_SEED = 0xadc83b19;

let patIndex = 0;

/**
 * The register an element lands in (left in patIndex) and the count to store there: one more
 * than the trailing zeros of the hash's top 50 bits, with a sentinel bit so it stops at 51.
 */
function patLen(ele: Uint8Array): number {
  murmurHash64AInto(ele, HASH_SEED);
  const rHi = HASH[0]!;
  const rLo = HASH[1]!;
  patIndex = rLo & HLL_P_MASK;
  const lo = ((rLo >>> HLL_P) | (rHi << (32 - HLL_P))) >>> 0;
  const hi = (rHi >>> HLL_P) | (1 << (HLL_Q - 32));
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  return 64 - Math.clz32(hi & -hi);
}

/** [register, count] of an element, as PFADD computes them (for tests). */
export function hllPatLen(ele: Uint8Array): [number, number] {
  const count = patLen(ele);
  return [patIndex, count];
}

// ---------------------------------------------------------------------------------------------
// Header and validation
// ---------------------------------------------------------------------------------------------

/** True when bytes look like an HLL as Redis's isHLLObjectOrReply judges it. */
export function isHll(bytes: Uint8Array): boolean {
  if (bytes.length < HLL_HDR_SIZE) return false;
  if (bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) return false; // HYLL
  const enc = bytes[ENCODING_AT]!;
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || bytes.length === HLL_DENSE_SIZE;
}

export function hllEncoding(bytes: Uint8Array): number {
  return bytes[ENCODING_AT]!;
}

export function invalidateCache(bytes: Uint8Array): void {
  bytes[CACHE_FLAG_AT]! |= 0x80;
}

/** The cached cardinality, or undefined when stale. */
export function cachedCard(bytes: Uint8Array): number | bigint | undefined {
  if ((bytes[CACHE_FLAG_AT]! & 0x80) !== 0) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const lo = view.readUInt32LE(CARD_AT);
  const hi = view.readUInt32LE(CARD_AT + 4);
  return hi < 1 << 21 ? hi * 2 ** 32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

export function storeCard(bytes: Uint8Array, card: number): void {
  const big = BigInt.asUintN(64, BigInt(card));
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  view.writeBigUInt64LE(big, CARD_AT);
}

/** A new empty sparse HLL: one XZERO covering every register. Allocates. */
export function hllCreate(sb: StringBuf): void {
  sb.growZero(HLL_HDR_SIZE + 2);
  sb.buf.latin1Write('HYLL', 0);
  sb.buf[ENCODING_AT] = HLL_SPARSE;
  const run = SPARSE_XZERO_MAX_LEN - 1;
  sb.buf[HLL_HDR_SIZE] = 0x40 | (run >> 8);
  sb.buf[HLL_HDR_SIZE + 1] = run & 0xff;
}

// ---------------------------------------------------------------------------------------------
// Dense registers
// ---------------------------------------------------------------------------------------------

function denseGet(b: Uint8Array, reg: number): number {
  const bit = reg * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const shift = bit & 7;
  const b1 = at + 1 < b.length ? b[at + 1]! : 0;
  return ((b[at]! >> shift) | (b1 << (8 - shift))) & HLL_REGISTER_MAX;
}

function densePut(b: Uint8Array, reg: number, val: number): void {
  const bit = reg * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const shift = bit & 7;
  b[at] = (b[at]! & ~(HLL_REGISTER_MAX << shift)) | (val << shift);
  if (at + 1 < b.length) {
    b[at + 1] = (b[at + 1]! & ~(HLL_REGISTER_MAX >> (8 - shift))) | (val >> (8 - shift));
  }
}

/** Raises register reg to count; 1 when it changed. */
function denseSet(b: Uint8Array, reg: number, count: number): number {
  if (count <= denseGet(b, reg)) return 0;
  densePut(b, reg, count);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Sparse opcodes
// ---------------------------------------------------------------------------------------------

const isZeroOp = (op: number): boolean => (op & 0xc0) === 0;
const isXzeroOp = (op: number): boolean => (op & 0xc0) === 0x40;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 3) + 1;
const valOp = (value: number, len: number): number => 0x80 | ((value - 1) << 2) | (len - 1);

/** Calls visit(start, run, value) for each opcode; false when the runs do not cover exactly 16384. */
function walkSparse(b: Uint8Array, len: number, visit: (start: number, run: number, value: number) => void): boolean {
  let reg = 0;
  for (let p = HLL_HDR_SIZE; p < len;) {
    const op = b[p]!;
    if (isZeroOp(op)) {
      reg += (op & 0x3f) + 1;
      p++;
    } else if (isXzeroOp(op)) {
      reg += (((op & 0x3f) << 8) | (p + 1 < len ? b[p + 1]! : 0)) + 1;
      p += 2;
    } else {
      const run = valLen(op);
      // A value run past the last register is corrupt: stop before writing out of range.
      if (reg + run > HLL_REGISTERS) return false;
      visit(reg, run, valValue(op));
      reg += run;
      p++;
    }
  }
  return reg === HLL_REGISTERS;
}

/** Rewrites a sparse HLL as dense, keeping its header; false (and unchanged) when corrupt. */
export function sparseToDense(sb: StringBuf): boolean {
  if (sb.buf[ENCODING_AT] === HLL_DENSE) return true;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  sb.buf.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[ENCODING_AT] = HLL_DENSE;
  const ok = walkSparse(sb.buf, sb.len, (start, run, value) => {
    for (let r = start; r < start + run; r++) densePut(dense, r, value);
  });
  if (!ok) return false;
  sb.buf = dense;
  sb.len = HLL_DENSE_SIZE;
  return true;
}

const seq = new Uint8Array(5);

/** Writes a zero run of len registers at seq[n]; the new n. */
function putZeros(n: number, len: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) {
    seq[n] = 0x40 | ((len - 1) >> 8);
    seq[n + 1] = (len - 1) & 0xff;
    return n + 2;
  }
  seq[n] = len - 1;
  return n + 1;
}

/** Rewrites the sparse register reg to count, splitting its opcode; 1 changed, 0 not, -1 corrupt. */
function sparseSet(sb: StringBuf, reg: number, count: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(sb, reg, count);
  let b = sb.buf;
  let end = sb.len;
  // Find the opcode covering reg; remember the one before it for the merge pass.
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZeroOp(op)) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = valLen(op);
    else {
      span = (((op & 0x3f) << 8) | (p + 1 < end ? b[p + 1]! : 0)) + 1;
      oplen = 2;
    }
    if (reg <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p]!;
  const isZero = isZeroOp(op);
  const isXzero = isXzeroOp(op);
  if (!isZero && !isXzero) {
    if (valValue(op) >= count) return 0;
    if (span === 1) {
      b[p] = valOp(count, 1);
      return mergeVals(sb, prev);
    }
  } else if (isZero && span === 1) {
    b[p] = valOp(count, 1);
    return mergeVals(sb, prev);
  }
  // The general case: the run splits into [before] VAL(count, 1) [after].
  const last = first + span - 1;
  let n = 0;
  if (isZero || isXzero) {
    if (reg !== first) n = putZeros(n, reg - first);
    seq[n++] = valOp(count, 1);
    if (reg !== last) n = putZeros(n, last - reg);
  } else {
    const cur = valValue(op);
    if (reg !== first) seq[n++] = valOp(cur, reg - first);
    seq[n++] = valOp(count, 1);
    if (reg !== last) seq[n++] = valOp(cur, last - reg);
  }
  const oldLen = isXzero ? 2 : 1;
  const delta = n - oldLen;
  if (delta > 0 && end + delta > HLL_SPARSE_MAX_BYTES) return promote(sb, reg, count);
  if (delta > 0) {
    sb.growZero(end + delta);
    b = sb.buf;
  }
  if (delta !== 0) b.copyWithin(p + n, p + oldLen, end);
  if (delta < 0) b.fill(0, end + delta, end);
  end += delta;
  sb.len = end;
  b.set(seq.subarray(0, n), p);
  return mergeVals(sb, prev);
}

/** Merges adjacent VAL opcodes of equal value near the change, as Redis does; returns 1. */
function mergeVals(sb: StringBuf, prev: number): number {
  const b = sb.buf;
  let end = sb.len;
  let p = prev >= 0 ? prev : HLL_HDR_SIZE;
  for (let scan = 5; p < end && scan > 0; scan--) {
    const op = b[p]!;
    if (isXzeroOp(op)) {
      p += 2;
      continue;
    }
    if (isZeroOp(op)) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1]! & 0x80) {
      const next = b[p + 1]!;
      const len = valLen(op) + valLen(next);
      if (valValue(op) === valValue(next) && len <= SPARSE_VAL_MAX_LEN) {
        b[p + 1] = valOp(valValue(op), len);
        b.copyWithin(p, p + 1, end);
        end--;
        b[end] = 0;
        continue; // the merged opcode may merge again with the next
      }
    }
    p++;
  }
  sb.len = end;
  invalidateCache(b);
  return 1;
}

function promote(sb: StringBuf, reg: number, count: number): number {
  if (!sparseToDense(sb)) return -1;
  return denseSet(sb.buf, reg, count);
}

// ---------------------------------------------------------------------------------------------
// Ops
// ---------------------------------------------------------------------------------------------

/** PFADD of one element: 1 when a register changed, 0 when not, -1 when the HLL is corrupt. */
export function hllAdd(sb: StringBuf, ele: Uint8Array): number {
  const count = patLen(ele);
  if (sb.buf[ENCODING_AT] === HLL_DENSE) return denseSet(sb.buf, patIndex, count);
  return sparseSet(sb, patIndex, count);
}

/** Raises register reg to at least count in either encoding (PFMERGE's write-back). */
export function hllSetRegister(sb: StringBuf, reg: number, count: number): number {
  if (sb.buf[ENCODING_AT] === HLL_DENSE) return denseSet(sb.buf, reg, count);
  return sparseSet(sb, reg, count);
}

/** max[i] = max(max[i], register i of the HLL in bytes); false when the HLL is corrupt. */
export function hllMerge(max: Uint8Array, bytes: Uint8Array): boolean {
  if (bytes[ENCODING_AT] === HLL_DENSE) {
    for (let r = 0; r < HLL_REGISTERS; r++) {
      const v = denseGet(bytes, r);
      if (v > max[r]!) max[r] = v;
    }
    return true;
  }
  return walkSparse(bytes, bytes.length, (start, run, value) => {
    for (let r = start; r < start + run; r++) if (value > max[r]!) max[r] = value;
  });
}

/** Register histogram of an HLL's bytes, or undefined when a sparse one is corrupt. */
function histogram(bytes: Uint8Array): Int32Array | undefined {
  const histo = new Int32Array(64);
  if (bytes[ENCODING_AT] === HLL_DENSE) {
    for (let r = 0; r < HLL_REGISTERS; r++) histo[denseGet(bytes, r)]!++;
    return histo;
  }
  // Unlike the merge walk, the histogram counts an overlong VAL run before judging the total.
  let reg = 0;
  for (let p = HLL_HDR_SIZE; p < bytes.length;) {
    const op = bytes[p]!;
    if (isZeroOp(op)) {
      const run = (op & 0x3f) + 1;
      reg += run;
      histo[0]! += run;
      p++;
    } else if (isXzeroOp(op)) {
      const run = (((op & 0x3f) << 8) | (p + 1 < bytes.length ? bytes[p + 1]! : 0)) + 1;
      reg += run;
      histo[0]! += run;
      p += 2;
    } else {
      const run = valLen(op);
      reg += run;
      histo[valValue(op)]! += run;
      p++;
    }
  }
  return reg === HLL_REGISTERS ? histo : undefined;
}

/** Histogram of raw registers, one byte each (PFCOUNT of several keys). */
function rawHistogram(max: Uint8Array): Int32Array {
  const histo = new Int32Array(64);
  for (let r = 0; r < HLL_REGISTERS; r++) histo[max[r]!]!++;
  return histo;
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let zPrime: number;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let zPrime: number;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches"). */
export function estimate(histo: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(histo[0]! / m);
  const e = Math.round((HLL_ALPHA_INF * m * m) / z);
  // llroundl overflows to LONG_MIN, which Redis keeps as the uint64 2^63.
  return e < 2 ** 63 ? e : 2 ** 63;
}

/** The estimated cardinality of an HLL's bytes, or undefined when corrupt. */
export function hllCount(bytes: Uint8Array): number | undefined {
  const histo = histogram(bytes);
  return histo === undefined ? undefined : estimate(histo);
}

/** The estimated cardinality of raw merged registers. */
export function hllCountRaw(max: Uint8Array): number {
  return estimate(rawHistogram(max));
}
