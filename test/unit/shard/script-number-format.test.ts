import { describe, expect, it } from 'vitest';
import { formatG } from '../../../src/shard/types/double.ts';

// Expected strings are C's printf of the same doubles (taken from Python's % operator).
describe("formatG, C's %.<p>g for script numbers", () => {
  it.each([
    [1e14, 14, '1e+14'],
    [0.00001, 17, '1.0000000000000001e-05'],
    [-2.5, 14, '-2.5'],
    [123456789012345678, 17, '1.2345678901234568e+17'],
    [0.1, 17, '0.10000000000000001'],
    [100, 14, '100'],
    [1e-5, 14, '1e-05'],
    [99999999999999, 14, '99999999999999'],
    [0.000123456, 14, '0.000123456'],
    [2.5, 17, '2.5'],
    [1234.5678, 14, '1234.5678'],
    [1 / 3, 14, '0.33333333333333'],
    [2 ** 53, 14, '9.007199254741e+15'],
    [-0, 14, '-0'],
    [1e300, 17, '1.0000000000000001e+300'],
    [5e-324, 17, '4.9406564584124654e-324'],
  ])('%s at %i digits is %s', (n, precision, expected) => {
    expect(formatG(n, precision)).toBe(expected);
  });
});
