/**
 * CLIENT PAUSE and UNPAUSE: for a while, no connection of the server has its commands run. Each
 * connection thread keeps the pause's end (one clock, Date.now(), for every thread) and tells
 * the others through the thread bus. A connection that reads during a pause keeps what it read
 * (copied: reads share one buffer) and stops reading; when the pause ends, it runs that and
 * reads on. Replies of commands already under way still go out, as in Redis.
 *
 * ALL mode holds whole reads. WRITE mode lets reads run and holds a connection's first write
 * command (dispatch.ts) and everything it sends after it, so its commands still run in order.
 */
import type { Connection } from './connection.ts';
import type { ThreadBus } from './thread-bus.ts';

interface PauseRequest {
  until: number;
  writesOnly: boolean;
}

export class ClientPause {
  /** Date.now() when the pause ends; 0 when there is none. */
  private until = 0;
  /** WRITE mode: only writes wait. */
  private writesOnly = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly held = new Set<Connection>();
  private readonly bus: ThreadBus;

  constructor(bus: ThreadBus) {
    this.bus = bus;
    bus.on('client-pause', (p) => this.pauseHere(p as PauseRequest));
    bus.on('client-unpause', () => this.unpauseHere());
  }

  /** True while every command must wait (ALL mode); a cheap test when there is no pause. */
  pausesAll(): boolean {
    return this.until !== 0 && !this.writesOnly && Date.now() < this.until;
  }

  /** True while write commands must wait (either mode). */
  pausesWrites(): boolean {
    return this.until !== 0 && Date.now() < this.until;
  }

  /** A connection that read during the pause: released (run, then read on) when it ends. */
  hold(conn: Connection): void {
    this.held.add(conn);
  }

  /**
   * Pauses every connection thread until `until`. As in Redis, a pause under way keeps the later
   * end and the stricter mode of the two.
   */
  async pause(until: number, writesOnly: boolean): Promise<void> {
    this.pauseHere({ until, writesOnly });
    await this.bus.ask('client-pause', { until, writesOnly });
  }

  async unpause(): Promise<void> {
    this.unpauseHere();
    await this.bus.ask('client-unpause', null);
  }

  private pauseHere({ until, writesOnly }: PauseRequest): void {
    const running = this.pausesWrites();
    this.writesOnly = running ? this.writesOnly && writesOnly : writesOnly;
    if (running && until <= this.until) return;
    this.until = until;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.unpauseHere(), Math.max(0, until - Date.now()));
  }

  private unpauseHere(): void {
    this.until = 0;
    this.writesOnly = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const held = [...this.held];
    this.held.clear();
    for (const conn of held) conn.releaseHeld();
  }
}
