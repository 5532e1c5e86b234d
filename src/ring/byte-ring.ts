/**
 * A single-producer single-consumer byte ring over a SharedArrayBuffer, laid out as ringbuf.js
 * lays out its RingBuffer (so the two stay interchangeable):
 *
 *   byte 0        4        8                                   8 + capacity + 1
 *        ┌────────┬────────┬─────────────────────────────────────┐
 *        │ write  │ read   │ storage                             │
 *        │ u32    │ u32    │ one slot always empty: read == write│
 *        └────────┴────────┴─────────────────────────────────────┘  means empty,
 *                                                     write + 1 == read means full
 *
 * Each side loads both indices, copies, then publishes its own index with one Atomics.store,
 * so the other side never sees an index move before the bytes behind it are in place.
 *
 * Written here rather than imported from ringbuf.js because its pop() copies element by element
 * in a JS loop whenever the read index is not 0 (always, in a byte stream); here both sides copy
 * with TypedArray.set, which is memcpy. Measured in native-free-bench/micro.
 */

const WRITE_INDEX = 0;
const READ_INDEX = 1;
const HEADER_BYTES = 8;

export class ByteRing {
  private readonly indices: Uint32Array;
  private readonly storage: Uint8Array;
  private readonly size: number; // storage length: capacity + 1

  /** A SharedArrayBuffer for a ring that holds up to `capacity` bytes. */
  static allocate(capacity: number): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_BYTES + capacity + 1);
  }

  constructor(sab: SharedArrayBuffer) {
    this.indices = new Uint32Array(sab, 0, 2);
    this.storage = new Uint8Array(sab, HEADER_BYTES);
    this.size = this.storage.length;
  }

  capacity(): number {
    return this.size - 1;
  }

  availableRead(): number {
    const wr = Atomics.load(this.indices, WRITE_INDEX);
    const rd = Atomics.load(this.indices, READ_INDEX);
    return (wr - rd + this.size) % this.size;
  }

  availableWrite(): number {
    return this.capacity() - this.availableRead();
  }

  /** Copies up to `length` bytes of src from `offset`; returns how many fit. */
  push(src: Uint8Array, offset = 0, length = src.length - offset): number {
    const wr = Atomics.load(this.indices, WRITE_INDEX);
    const rd = Atomics.load(this.indices, READ_INDEX);
    const free = (rd - wr - 1 + this.size) % this.size;
    const n = Math.min(free, length);
    if (n === 0) return 0;
    const first = Math.min(this.size - wr, n);
    this.storage.set(src.subarray(offset, offset + first), wr);
    if (n > first) this.storage.set(src.subarray(offset + first, offset + n), 0);
    Atomics.store(this.indices, WRITE_INDEX, (wr + n) % this.size);
    return n;
  }

  /** Moves up to `length` bytes into dest at `offset`; returns how many were read. */
  pop(dest: Uint8Array, offset = 0, length = dest.length - offset): number {
    const wr = Atomics.load(this.indices, WRITE_INDEX);
    const rd = Atomics.load(this.indices, READ_INDEX);
    const avail = (wr - rd + this.size) % this.size;
    const n = Math.min(avail, length);
    if (n === 0) return 0;
    const first = Math.min(this.size - rd, n);
    dest.set(this.storage.subarray(rd, rd + first), offset);
    if (n > first) dest.set(this.storage.subarray(0, n - first), offset + first);
    Atomics.store(this.indices, READ_INDEX, (rd + n) % this.size);
    return n;
  }
}
