/**
 * inline-shard: the one shard runs on the main thread, which is also the connection thread.
 * It is the same Shard a worker runs, behind the same rings; what changes is who steps it.
 * The connection thread steps it at the end of each event-loop turn, right after pushing the
 * turn's requests (instead of ringing a doorbell), and drains the replies at once (instead of
 * waiting to be woken); a timer does what the worker's timed sleep does: periodic work (expiry,
 * snapshot slices, save rules) and the deadlines of blocked commands.
 *
 * Single-key commands that cannot park (all but the blocking pops) skip the rings altogether
 * when nothing is ahead of them in their connection's reply order: runFramed() runs them as
 * they are framed, their reply written straight into the client's output. Within a
 * connection, order holds (anything behind a command in a ring goes through the ring too);
 * across connections, a command framed in the same turn as another's ring request may run
 * before it, as two concurrent commands may in any order. Under appendfsync always, writes
 * keep to the rings, whose replies wait for the fsync.
 *
 * Why: on a 2-core host with the clients on the same machine, about one core is left for the
 * server, and a batch handed to a shard thread and back costs two wake-ups and a context switch
 * each way. Measured in docs/benchmarks.md (tuning log, fourth round).
 */
import type { ReplyWriter } from '../commands/replies.ts';
import { WRITE, type CommandSpec } from '../commands/table.ts';
import type { FramedArgs } from '../server/framer.ts';
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
  /** Set when a turn ends: the next command framed must read the clock first. */
  private clockStale = true;
  /** The command runFramed() ran last in this turn, as its framer and that framer's seq. */
  private lastFramer: FramedArgs | null = null;
  private lastSeq = 0;

  constructor(shard: Shard) {
    this.shard = shard;
    this.idleMs = shard.cronIntervalMs;
    this.dueAt = Date.now() + this.idleMs;
    this.timer = setTimeout(this.tick, this.idleMs).unref();
  }

  /**
   * Runs a single-key command that cannot park now, its reply into `out`; false when it must
   * go through the rings instead (a write whose reply waits for the fsync).
   */
  runFramed(db: number, spec: CommandSpec, cmd: FramedArgs, out: ReplyWriter): boolean {
    if (!this.mayRun(spec)) return false;
    const followsLast = cmd === this.lastFramer && cmd.seq === this.lastSeq + 1;
    this.lastFramer = cmd;
    this.lastSeq = cmd.seq;
    this.shard.runFramed(db, spec, cmd.data, cmd.starts, cmd.ends, cmd.argc, out, followsLast);
    return true;
  }

  /**
   * runFramed() for a command that arrived as argv (one that straddled reads: a large value),
   * so that its arguments are not copied into a ring and out of it again.
   */
  runArgv(db: number, spec: CommandSpec, argv: Buffer[], out: ReplyWriter): boolean {
    if (!this.mayRun(spec)) return false;
    this.lastFramer = null;
    this.shard.runArgv(db, spec, argv, out);
    return true;
  }

  /** Whether spec may run now, outside the rings; if so, fixes the time for this turn. */
  private mayRun(spec: CommandSpec): boolean {
    if ((spec.flags & WRITE) !== 0 && this.shard.persistence.syncsEveryWrite) return false;
    if (this.clockStale) {
      this.shard.setClock(Date.now());
      this.clockStale = false;
    }
    return true;
  }

  /**
   * Runs every request pushed so far and hands their replies over, until nothing is left; and
   * pushes what commands run by runFramed() logged. The connection thread calls it at the end
   * of every turn.
   */
  run(): void {
    this.clockStale = true;
    this.lastFramer = null;
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
