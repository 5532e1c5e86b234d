/**
 * The wake-up protocol between threads, after piscina's: a counter in a SharedArrayBuffer.
 * A producer publishes its bytes first, then rings (Atomics.add, and Atomics.notify only if the
 * consumer said it is going to sleep). A consumer reads the counter *before* draining and sleeps
 * only if it is still that value afterwards, so a ring that lands between its drain and its
 * sleep makes the wait return at once instead of being lost. Producers ring once per batch (one
 * event-loop turn), not once per message: the crossing is the expensive part.
 *
 *   word 0: ring counter     word 1: 1 while the consumer is (about to be) asleep
 *
 * Skipping notify for an awake consumer matters: Atomics.notify takes a process-wide lock and
 * cost ~7% of the connection thread's time when it rang on every batch. It is safe because
 * both sides write then read (sleeping=1 then counter; counter then sleeping) with sequentially
 * consistent atomics: either the consumer sees the new count and does not sleep, or the
 * producer sees the flag and notifies.
 */

const COUNTER = 0;
const SLEEPING = 1;

export class Doorbell {
  private readonly words: Int32Array;

  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(8);
  }

  constructor(sab: SharedArrayBuffer) {
    this.words = new Int32Array(sab, 0, 2);
  }

  /** The value to pass to wait() or waitAsync(): read it before draining. */
  seen(): number {
    return Atomics.load(this.words, COUNTER);
  }

  ring(): void {
    Atomics.add(this.words, COUNTER, 1);
    if (Atomics.load(this.words, SLEEPING) !== 0) Atomics.notify(this.words, COUNTER);
  }

  /** Blocks the thread (shard workers only) until rung after `seen`, or timeoutMs passes. */
  wait(seen: number, timeoutMs: number): void {
    Atomics.store(this.words, SLEEPING, 1);
    if (Atomics.load(this.words, COUNTER) === seen) Atomics.wait(this.words, COUNTER, seen, timeoutMs);
    Atomics.store(this.words, SLEEPING, 0);
  }

  /** Calls onRing once the bell rings after `seen` (at once if it already has). */
  waitAsync(seen: number, onRing: () => void): void {
    Atomics.store(this.words, SLEEPING, 1);
    const result = Atomics.waitAsync(this.words, COUNTER, seen);
    const wake = () => {
      Atomics.store(this.words, SLEEPING, 0);
      onRing();
    };
    if (result.async) void result.value.then(wake);
    else setImmediate(wake);
  }
}
