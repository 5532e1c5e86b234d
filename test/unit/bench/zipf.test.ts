import { describe, expect, it } from 'vitest';
import { mulberry32, uniformChooser, zipfChooser } from '../../../native-free-bench/zipf.ts';

function histogram(n: number, draws: number, pick: () => number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) counts[pick()]!++;
  return counts;
}

describe('key choosers', () => {
  it('mulberry32 is reproducible from its seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });

  it('zipf ranks stay inside the keyspace, the first and last included', () => {
    const pick = zipfChooser(50, 0.99, mulberry32(1));
    const counts = histogram(50, 100_000, pick);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[49]).toBeGreaterThan(0);
  });

  it('zipf frequencies fall as 1/(k+1)^s', () => {
    const s = 1.2;
    const draws = 400_000;
    const counts = histogram(1000, draws, zipfChooser(1000, s, mulberry32(7)));
    let norm = 0;
    for (let k = 1; k <= 1000; k++) norm += k ** -s;
    for (const rank of [0, 1, 4, 9]) {
      const expected = (draws * (rank + 1) ** -s) / norm;
      expect(Math.abs(counts[rank]! - expected) / expected).toBeLessThan(0.05);
    }
    expect(counts[0]! / counts[1]!).toBeCloseTo(2 ** s, 0);
  });

  it('zipf handles keyspaces far larger than any table would allow', () => {
    const pick = zipfChooser(1e9, 0.99, mulberry32(3));
    for (let i = 0; i < 10_000; i++) {
      const k = pick();
      expect(Number.isInteger(k) && k >= 0 && k < 1e9).toBe(true);
    }
  });

  it('zipf with exponent 0 is uniform', () => {
    const counts = histogram(10, 100_000, zipfChooser(10, 0, mulberry32(5)));
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  it('the uniform chooser covers the keyspace evenly', () => {
    const counts = histogram(4, 40_000, uniformChooser(4, mulberry32(9)));
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
