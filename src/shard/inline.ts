/**
 * inline-shard: the one shard runs on the main thread, which is also the connection thread.
 * It is the same Shard a worker runs, behind the same rings; what changes is who steps it.
 * The connection thread steps it right after pushing a turn's requests (instead of ringing a
 * doorbell) and drains the replies at once (instead of waiting to be woken), and a timer does
 * what the worker's timed sleep does: periodic work (expiry, snapshot slices, save rules) and
 * the deadlines of blocked commands.
 *
 * Why: on a 2-core host with the clients on the same machine, about one core is left for the
 * server, and a batch handed to a shard thread and back costs two wake-ups and a context switch
 * each way. Measured in docs/benchmarks.md (tuning log, fourth round).
 */
import type { Shard } from './shard.ts';

export class InlineShard {
  readonly shard: Shard;
  /** Drains the replies the shard pushed into the connection thread's reply ring. */
  onReplies: () => void = () => {};
  private readonly idleMs: number;
  private timer: NodeJS.Timeout;
  /** When the timer fires next (ms since the epoch). */
  private dueAt: number;
  private closed = false;

  constructor(shard: Shard, hz: number) {
    this.shard = shard;
    this.idleMs = Math.max(1, Math.floor(1000 / hz));
    this.dueAt = Date.now() + this.idleMs;
    this.timer = setTimeout(this.tick, this.idleMs).unref();
  }

  /** Runs every request pushed so far and hands their replies over, until nothing is left. */
  run(): void {
    for (;;) {
      const busy = this.shard.step();
      this.onReplies();
      if (!busy) break;
      // A ring still full after the replies were drained (the write log's, its reader behind):
      // leave the rest to the timer rather than spin on the event loop's thread.
      if (this.shard.flush()) return this.wakeIn(1);
    }
    // A blocked command's deadline sooner than the next tick.
    const budget = this.shard.sleepBudget(this.idleMs);
    if (budget < this.idleMs) this.wakeIn(budget);
  }

  /** Stops the timer and closes the shard: its last snapshot unless noSave. */
  close(noSave: boolean): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.shard.close(noSave);
    this.onReplies();
  }

  private readonly tick = (): void => {
    if (this.closed) return;
    this.dueAt = Date.now() + this.idleMs;
    this.timer = setTimeout(this.tick, this.idleMs).unref();
    this.run();
  };

  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (at >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(this.tick, ms).unref();
  }
}
