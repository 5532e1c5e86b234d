/**
 * MONITOR: clients that see every command the server processes, as Redis prints them:
 *   +<seconds.micros> [<db> <addr>] "cmd" "arg" ...
 * Each connection thread feeds its own monitors and tells the others over the thread bus. A
 * shared gauge counts monitors server-wide, so with none (the normal case) a command costs one
 * atomic load here.
 */
import { GAUGE_MONITORS } from '../ring/topology.ts';
import type { Connection } from './connection.ts';
import type { ThreadBus } from './thread-bus.ts';

/** Commands whose arguments a monitor must not see. */
const REDACTED = new Set(['auth', 'hello']);

/** An argument as Redis's sdscatrepr quotes it. */
function quote(arg: Buffer): string {
  let out = '"';
  for (const byte of arg) {
    const ch = String.fromCharCode(byte);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (byte === 7) out += '\\a';
    else if (byte === 8) out += '\\b';
    else if (byte < 32 || byte > 126) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export class Monitors {
  private readonly local = new Set<Connection>();
  private readonly gauges: Int32Array;
  private readonly bus: ThreadBus;

  constructor(gauges: Int32Array, bus: ThreadBus) {
    this.gauges = gauges;
    this.bus = bus;
    bus.on('monitor', (line) => this.deliver(line as string));
  }

  add(conn: Connection): void {
    if (this.local.has(conn)) return;
    this.local.add(conn);
    Atomics.add(this.gauges, GAUGE_MONITORS, 1);
  }

  remove(conn: Connection): void {
    if (this.local.delete(conn)) Atomics.sub(this.gauges, GAUGE_MONITORS, 1);
  }

  /**
   * True while any client of the server is in MONITOR. A plain read, not Atomics.load: this
   * runs for every command, TurboFan does not inline Atomics.load (~1% of a pipelined GET), and
   * a MONITOR that starts on another thread is seen a read or two later either way.
   */
  active(): boolean {
    return this.gauges[GAUGE_MONITORS] !== 0;
  }

  /** Feeds a processed command to every monitor of the server, if there are any. */
  feed(conn: Connection, name: string, argv: readonly Buffer[]): void {
    if (!this.active() || conn.monitoring) return;
    const now = Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
    const time = `${Math.floor(now / 1e6)}.${String(now % 1e6).padStart(6, '0')}`;
    const args = REDACTED.has(name) ? `${quote(argv[0]!)} "(redacted)"` : argv.map(quote).join(' ');
    const line = `+${time} [${conn.db} ${conn.socket.remoteAddress}:${conn.socket.remotePort}] ${args}\r\n`;
    this.deliver(line);
    if (this.bus.peers > 0) void this.bus.ask('monitor', line);
  }

  private deliver(line: string): void {
    if (this.local.size === 0) return;
    const bytes = Buffer.from(line, 'latin1');
    for (const m of this.local) m.push(bytes);
  }
}
