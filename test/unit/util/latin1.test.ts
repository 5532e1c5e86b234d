import { describe, expect, it } from 'vitest';
import { latin1 } from '../../../src/util/latin1.ts';

describe('latin1', () => {
  it("is Buffer's latin1 decoding at every length and offset, every byte value included", () => {
    const bytes = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) & 0xff));
    for (let length = 0; length <= 40; length++) {
      for (const start of [0, 1, 255, 300]) {
        const end = start + length;
        const s = latin1(bytes, start, end);
        expect(s).toBe(bytes.toString('latin1', start, end));
        expect(Buffer.from(s, 'latin1').equals(bytes.subarray(start, end))).toBe(true);
      }
    }
    expect(latin1(Uint8Array.of(0, 0x80, 0xff))).toBe('\x00\x80\xff');
  });
});
