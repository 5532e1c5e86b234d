/**
 * The wake-up protocol between threads, after piscina's: a counter in a SharedArrayBuffer.
 * A producer publishes its bytes first, then rings (Atomics.add + Atomics.notify). A consumer
 * reads the counter *before* draining and sleeps only if it is still that value afterwards, so
 * a ring that lands between its drain and its sleep makes the wait return at once instead of
 * being lost. Producers ring once per batch (one event-loop turn), not once per message: the
 * crossing is the expensive part.
 */

export class Doorbell {
  private readonly word: Int32Array;

  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  constructor(sab: SharedArrayBuffer) {
    this.word = new Int32Array(sab, 0, 1);
  }

  /** The value to pass to wait() or waitAsync(): read it before draining. */
  seen(): number {
    return Atomics.load(this.word, 0);
  }

  ring(): void {
    Atomics.add(this.word, 0, 1);
    Atomics.notify(this.word, 0);
  }

  /** Blocks the thread (shard workers only) until rung after `seen`, or timeoutMs passes. */
  wait(seen: number, timeoutMs: number): void {
    Atomics.wait(this.word, 0, seen, timeoutMs);
  }

  /** Calls onRing once the bell rings after `seen` (at once if it already has). */
  waitAsync(seen: number, onRing: () => void): void {
    const result = Atomics.waitAsync(this.word, 0, seen);
    if (result.async) void result.value.then(onRing);
    else setImmediate(onRing);
  }
}
