/**
 * MurmurHash64A (Austin Appleby's 64-bit hash for 64-bit machines, little-endian reads), the
 * hash Redis uses to place HyperLogLog elements. Computed in 32-bit halves: BigInt would cost
 * an allocation per multiply on every PFADD element.
 */

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
/** The result of mul64, high and low 32 bits. */
let rHi = 0;
let rLo = 0;

/** Where murmurHash64AInto leaves its result: [high 32 bits, low 32 bits]. */
export const HASH = new Uint32Array(2);

/** (aHi:aLo * bHi:bLo) mod 2^64 into rHi:rLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16); // high word of aLo * bLo
  rLo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  rHi = (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** MurmurHash64A(key, seed) into HASH. Allocates nothing. */
export function murmurHash64AInto(key: Uint8Array, seed: number): void {
  const len = key.length;
  mul64(0, len, M_HI, M_LO);
  let hHi = rHi;
  let hLo = (rLo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo = (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)) >>> 0;
    const kHi = (key[i + 4]! | (key[i + 5]! << 8) | (key[i + 6]! << 16) | (key[i + 7]! << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    mul64(rHi, (rLo ^ (rHi >>> 15)) >>> 0, M_HI, M_LO); // k ^= k >> 47; k *= m
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  const rest = len & 7;
  if (rest !== 0) {
    // The last 1..7 bytes, little endian, into the low bytes of h.
    for (let j = 0; j < rest; j++) {
      if (j < 4) hLo ^= key[blocks + j]! << (8 * j);
      else hHi ^= key[blocks + j]! << (8 * (j - 4));
    }
    mul64(hHi >>> 0, hLo >>> 0, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0; // h ^= h >> 47
  mul64(hHi, hLo, M_HI, M_LO);
  HASH[0] = rHi;
  HASH[1] = rLo ^ (rHi >>> 15);
}

/** MurmurHash64A(key, seed) as a bigint (for tests; the hot path uses the halves). Allocates. */
export function murmurHash64A(key: Uint8Array, seed: number): bigint {
  murmurHash64AInto(key, seed);
  return (BigInt(HASH[0]!) << 32n) | BigInt(HASH[1]!);
}
