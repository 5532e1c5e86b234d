/**
 * Length-prefixed messages over a ByteRing: [u32 length][payload]. The writer stages whole
 * messages in local memory during a turn and pushes as much as fits in one go; the reader pops
 * everything available and hands out complete messages. Neither side needs a message to fit in
 * the ring at once: a 32 MB value crosses a 1 MB ring in pieces, reassembled by the reader.
 */
import { ReplyWriter } from '../commands/replies.ts';
import type { ByteRing } from './byte-ring.ts';
import { getU32, putU32 } from './bytes.ts';

const LENGTH_BYTES = 4;

export class RingWriter {
  /** Staged bytes; [sent, out.len) is not in the ring yet. Handlers write replies into it. */
  readonly out: ReplyWriter;
  private sent = 0;
  private readonly ring: ByteRing;

  constructor(ring: ByteRing, initialCapacity = 64 * 1024) {
    this.ring = ring;
    this.out = new ReplyWriter(initialCapacity);
  }

  /** Reserves the length prefix; returns the handle endMessage() needs. */
  beginMessage(): number {
    const at = this.out.len;
    this.out.ensure(LENGTH_BYTES);
    this.out.len += LENGTH_BYTES;
    return at;
  }

  endMessage(at: number): void {
    putU32(this.out.buf, at, this.out.len - at - LENGTH_BYTES);
  }

  /** Drops a message begun at `at` (its handler decided not to answer yet). */
  abandonMessage(at: number): void {
    this.out.len = at;
  }

  /** Bytes staged but not yet in the ring. */
  pending(): number {
    return this.out.len - this.sent;
  }

  /** Pushes what fits; true when nothing is left staged. */
  flush(): boolean {
    const out = this.out;
    if (this.sent < out.len) this.sent += this.ring.push(out.buf, this.sent, out.len - this.sent);
    if (this.sent === out.len) {
      out.len = 0;
      this.sent = 0;
      return true;
    }
    // The consumer is behind: keep the unsent tail, reclaiming the front once it is most of it.
    if (this.sent > out.buf.length / 2) {
      out.buf.copyWithin(0, this.sent, out.len);
      out.len -= this.sent;
      this.sent = 0;
    }
    return false;
  }
}

export type MessageHandler = (buf: Buffer, start: number, end: number) => void;

export class RingReader {
  private acc: Buffer;
  private len = 0;
  private readonly ring: ByteRing;

  constructor(ring: ByteRing, initialCapacity = 64 * 1024) {
    this.ring = ring;
    this.acc = Buffer.allocUnsafe(initialCapacity);
  }

  /**
   * Pops everything available and calls onMessage for each complete message, with a view that
   * is valid only during the call. Returns the number of messages handled.
   */
  drain(onMessage: MessageHandler): number {
    let handled = 0;
    for (;;) {
      const avail = this.ring.availableRead();
      if (avail === 0) return handled;
      this.reserve(avail);
      this.len += this.ring.pop(this.acc, this.len, avail);
      let pos = 0;
      while (this.len - pos >= LENGTH_BYTES) {
        const size = getU32(this.acc, pos);
        const start = pos + LENGTH_BYTES;
        if (this.len - start < size) break;
        onMessage(this.acc, start, start + size);
        handled++;
        pos = start + size;
      }
      if (pos > 0) {
        this.acc.copyWithin(0, pos, this.len);
        this.len -= pos;
      }
    }
  }

  private reserve(extra: number): void {
    const need = this.len + extra;
    if (need <= this.acc.length) return;
    let cap = this.acc.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.acc.copy(next, 0, 0, this.len);
    this.acc = next;
  }
}
