import { describe, expect, it } from 'vitest';
import { ByteRing } from '../../../src/ring/byte-ring.ts';
import { RingReader, RingWriter } from '../../../src/ring/framed.ts';

describe('ByteRing', () => {
  it('holds exactly its capacity and reports full and empty', () => {
    const ring = new ByteRing(ByteRing.allocate(8));
    expect(ring.push(Buffer.from('0123456789'))).toBe(8);
    expect(ring.availableWrite()).toBe(0);
    const out = Buffer.alloc(16);
    expect(ring.pop(out)).toBe(8);
    expect(out.subarray(0, 8).toString()).toBe('01234567');
    expect(ring.availableRead()).toBe(0);
  });

  it('keeps bytes in order across the wrap-around', () => {
    const ring = new ByteRing(ByteRing.allocate(10));
    const out = Buffer.alloc(10);
    let expected = '';
    let got = '';
    for (let i = 0; i < 50; i++) {
      const chunk = `${i % 10}${'abcdef'.slice(0, i % 6)}`;
      expect(ring.push(Buffer.from(chunk))).toBe(chunk.length);
      expected += chunk;
      const n = ring.pop(out);
      got += out.subarray(0, n).toString();
    }
    expect(got).toBe(expected);
  });
});

describe('RingWriter and RingReader', () => {
  const message = (w: RingWriter, text: string) => {
    const at = w.beginMessage();
    w.out.raw(Buffer.from(text));
    w.endMessage(at);
  };

  it('delivers whole messages even when they cross the ring in pieces', () => {
    const ring = new ByteRing(ByteRing.allocate(64));
    const writer = new RingWriter(ring, 16);
    const reader = new RingReader(ring, 16);
    const sent = Array.from({ length: 30 }, (_, i) => `message-${i}-${'x'.repeat(i * 7)}`);
    for (const m of sent) message(writer, m);
    const received: string[] = [];
    for (let rounds = 0; rounds < 1000 && received.length < sent.length; rounds++) {
      writer.flush();
      reader.drain((buf, start, end) => received.push(buf.toString('latin1', start, end)));
    }
    expect(received).toEqual(sent);
    expect(writer.pending()).toBe(0);
  });

  it('carries a message larger than the ring', () => {
    const ring = new ByteRing(ByteRing.allocate(100));
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    const big = 'y'.repeat(10_000);
    message(writer, big);
    let got = '';
    while (got === '') {
      writer.flush();
      reader.drain((buf, start, end) => (got = buf.toString('latin1', start, end)));
    }
    expect(got).toBe(big);
  });

  it('drops an abandoned message', () => {
    const ring = new ByteRing(ByteRing.allocate(100));
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    message(writer, 'kept');
    const at = writer.beginMessage();
    writer.out.raw(Buffer.from('dropped'));
    writer.abandonMessage(at);
    writer.flush();
    const got: string[] = [];
    reader.drain((buf, start, end) => got.push(buf.toString('latin1', start, end)));
    expect(got).toEqual(['kept']);
  });
});
