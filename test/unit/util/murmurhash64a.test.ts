/**
 * MurmurHash64A in 32-bit halves against the same hash written straight from its definition
 * in BigInt, for every tail length, both seeds that matter and fixed values.
 */
import { describe, expect, it } from 'vitest';
import { murmurHash64A } from '../../../src/util/murmurhash64a.ts';

/** Redis's HyperLogLog seed. */
const SEED = 0xadc83b19;
const M = 0xc6a4a7935bd1e995n;
const U64 = (1n << 64n) - 1n;

/** MurmurHash64A written straight from its definition, in BigInt. */
function referenceMurmur(key: Uint8Array, seed: bigint): bigint {
  let h = (seed ^ (BigInt(key.length) * M)) & U64;
  const blocks = key.length - (key.length % 8);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(key[i + j]!);
    k = (k * M) & U64;
    k ^= k >> 47n;
    k = (k * M) & U64;
    h ^= k;
    h = (h * M) & U64;
  }
  const rest = key.length % 8;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(key[blocks + j]!) << BigInt(8 * j);
    h = (h * M) & U64;
  }
  h ^= h >> 47n;
  h = (h * M) & U64;
  h ^= h >> 47n;
  return h;
}

describe('MurmurHash64A', () => {
  it('matches a BigInt implementation for every tail length and random bytes', () => {
    let x = 12345;
    for (let len = 0; len < 64; len++) {
      const key = new Uint8Array(len);
      for (let i = 0; i < len; i++) key[i] = x = (x * 1103515245 + 12345) & 0xff;
      expect(murmurHash64A(key, SEED)).toBe(referenceMurmur(key, 0xadc83b19n));
      expect(murmurHash64A(key, 0)).toBe(referenceMurmur(key, 0n));
    }
  });

  it('gives known values, whose low 14 bits are the HLL registers redis-server used', () => {
    expect(murmurHash64A(new Uint8Array(0), 0)).toBe(0n);
    expect(murmurHash64A(Buffer.from('a'), SEED)).toBe(0x53d2470a9b43b1a7n); // register 12711
    expect(murmurHash64A(Buffer.from('foobar'), SEED)).toBe(0x34483c0f34a20776n); // register 1910
    expect(murmurHash64A(Buffer.from('hello world!'), SEED)).toBe(0x0fc444011f57220cn); // register 8716
    expect(murmurHash64A(Buffer.from('0123456789abcdef'), SEED)).toBe(0x9f8565428eaa573dn);
  });
});
