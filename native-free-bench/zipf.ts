/**
 * Key choosers for the load generator: a seeded PRNG and a Zipf sampler.
 *
 * The Zipf sampler is rejection-inversion (Hörmann and Derflinger, 1996; the form Apache
 * Commons RNG uses): O(1) time and memory per sample for any keyspace size, where a CDF table
 * would cost 8 bytes per key and a binary search per request, in a thread whose job is to never
 * be the bottleneck. Ranks are 0-based here: rank 0 is the hottest key.
 */

import { mulberry32 } from '../src/util/prng.ts';

export { mulberry32 };

export type KeyChooser = () => number;

export function uniformChooser(n: number, rand: () => number): KeyChooser {
  return () => Math.floor(rand() * n);
}

/** Ranks in [0, n) with P(rank k) proportional to 1 / (k + 1)^exponent. */
export function zipfChooser(n: number, exponent: number, rand: () => number): KeyChooser {
  if (exponent === 0 || n === 1) return uniformChooser(n, rand);
  const q = exponent;
  const helper1 = (x: number): number => (Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x)));
  const helper2 = (x: number): number => (Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x * (1 / 3) * (1 + 0.25 * x)));
  const h = (x: number): number => Math.exp(-q * Math.log(x));
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return helper2((1 - q) * logX) * logX;
  };
  const hIntegralInverse = (x: number): number => {
    let t = x * (1 - q);
    if (t < -1) t = -1; // rounding can push t just below -1, where log1p is undefined
    return Math.exp(helper1(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return () => {
    for (;;) {
      const u = hIntegralN + rand() * (hIntegralX1 - hIntegralN);
      const x = hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) return k - 1;
    }
  };
}
