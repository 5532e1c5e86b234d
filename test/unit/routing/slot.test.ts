import { describe, expect, it } from 'vitest';
import { slotOfBytes, slotOfLatin1 } from '../../../src/routing/slot.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('slotOfBytes', () => {
  it('is CRC16-XMODEM mod 16384, as Redis Cluster computes it', () => {
    expect(slotOfBytes(b('123456789'))).toBe(0x31c3 & 16383);
    expect(slotOfBytes(b('foo'))).toBe(12182);
    expect(slotOfBytes(b('bar'))).toBe(5061);
  });

  it('hashes only the first non-empty hash tag, or the whole key when there is none', () => {
    expect(slotOfBytes(b('{user1000}.following'))).toBe(slotOfBytes(b('user1000')));
    expect(slotOfBytes(b('x{b}{c}'))).toBe(slotOfBytes(b('b')));
    expect(slotOfBytes(b('{}a}'))).not.toBe(slotOfBytes(b('a')));
    expect(slotOfBytes(b('{}a}'))).toBe(slotOfLatin1('{}a}'));
    expect(slotOfBytes(b('{b'))).toBe(slotOfLatin1('{b'));
    expect(slotOfBytes(b('b}{'))).toBe(slotOfLatin1('b}{'));
  });

  it('looks only inside the given range of a larger buffer', () => {
    const buf = b('{t}GET x{tag}y z}');
    expect(slotOfBytes(buf, 7, 13)).toBe(slotOfBytes(b('x{tag}'.slice(0, 6))));
    expect(slotOfBytes(buf, 8, 12)).toBe(slotOfBytes(b('{tag')));
    expect(slotOfBytes(buf, 3, 6)).toBe(slotOfBytes(b('GET')));
  });

  it('matches a bit-at-a-time CRC16-XMODEM on keys of every length up to 40, odd and even', () => {
    const bitwise = (bytes: Uint8Array): number => {
      let crc = 0;
      for (const byte of bytes) {
        crc ^= byte << 8;
        for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
      }
      return crc & 16383;
    };
    let seed = 1;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let length = 0; length <= 40; length++) {
      for (let n = 0; n < 20; n++) {
        // No braces, so the whole key is hashed.
        const key = Uint8Array.from({ length }, () => {
          const byte = random();
          return byte === 0x7b ? 0 : byte;
        });
        expect(slotOfBytes(key)).toBe(bitwise(key));
        expect(slotOfLatin1(Buffer.from(key).latin1Slice())).toBe(bitwise(key));
      }
    }
  });

  it('agrees with slotOfLatin1 on the same keys', () => {
    for (const k of ['', 'a', '{', '}', '{}', 'a{b}c', '{{a}}', 'key:100000', '\xff{\x00}\x80']) {
      expect(slotOfBytes(b(k))).toBe(slotOfLatin1(k));
    }
  });
});
