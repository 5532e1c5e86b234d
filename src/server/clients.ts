/**
 * CLIENT LIST and CLIENT KILL span every connection thread: each thread describes and kills its
 * own connections, and the thread bus gathers the rest. Lines follow Redis 7's CLIENT LIST
 * format; fields slotkv does not track (buffers, memory) are 0.
 */
import type { ClientFilter } from '../commands/table.ts';
import { performance } from 'node:perf_hooks';
import type { Connection } from './connection.ts';
import type { ThreadBus } from './thread-bus.ts';

/** `now` is performance.now(), the clock of the connection's createdAt and lastActive. */
export function clientLine(conn: Connection, now = performance.now()): string {
  const s = conn.socket;
  const flags = (conn.subscriptionCount() > 0 ? 'P' : '') + (conn.tx !== null ? 'x' : '') || 'N';
  const fields: [string, string | number][] = [
    ['id', conn.id],
    ['addr', `${s.remoteAddress}:${s.remotePort}`],
    ['laddr', `${s.localAddress}:${s.localPort}`],
    ['fd', -1],
    ['name', conn.name],
    ['age', Math.floor((now - conn.createdAt) / 1000)],
    ['idle', Math.floor((now - conn.lastActive) / 1000)],
    ['flags', flags],
    ['db', conn.db],
    ['sub', conn.subscriptions.size],
    ['psub', conn.psubscriptions.size],
    ['ssub', 0],
    ['multi', conn.tx === null ? -1 : conn.tx.queued.length],
    ['qbuf', 0],
    ['qbuf-free', 0],
    ['argv-mem', 0],
    ['multi-mem', 0],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', 0],
    ['omem', s.writableLength],
    ['tot-mem', 0],
    ['events', 'r'],
    ['cmd', conn.lastCommand],
    ['user', 'default'],
    ['redir', -1],
    ['resp', 2],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(' ');
}

function matches(conn: Connection, f: ClientFilter): boolean {
  // A killed (or quitting) client is gone for CLIENT LIST and KILL from then on, as Redis frees
  // it at once; here its socket lingers until the close completes.
  if (conn.closing || conn.closed) return false;
  const s = conn.socket;
  if (f.ids !== undefined && !f.ids.includes(conn.id)) return false;
  if (f.addr !== undefined && `${s.remoteAddress}:${s.remotePort}` !== f.addr) return false;
  if (f.laddr !== undefined && `${s.localAddress}:${s.localPort}` !== f.laddr) return false;
  if (f.skip !== undefined && conn.id === f.skip) return false;
  return true;
}

export class Clients {
  private readonly connections: ReadonlySet<Connection>;
  private readonly bus: ThreadBus;

  constructor(connections: ReadonlySet<Connection>, bus: ThreadBus) {
    this.connections = connections;
    this.bus = bus;
    bus.on('client-list', (f) => this.listHere(f as ClientFilter));
    bus.on('client-kill', (f) => this.killHere(f as ClientFilter));
  }

  /** Lines for every matching connection of the server, ordered by id. */
  async list(filter: ClientFilter): Promise<string[]> {
    const lines = this.listHere(filter);
    for (const more of await this.bus.ask('client-list', filter)) lines.push(...(more as [number, string][]));
    return lines.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  }

  /** Closes every matching connection of the server; returns how many. */
  async kill(filter: ClientFilter): Promise<number> {
    let n = this.killHere(filter);
    for (const more of await this.bus.ask('client-kill', filter)) n += more as number;
    return n;
  }

  private listHere(filter: ClientFilter): [number, string][] {
    const now = performance.now();
    return [...this.connections].filter((c) => matches(c, filter)).map((c) => [c.id, clientLine(c, now)]);
  }

  private killHere(filter: ClientFilter): number {
    let n = 0;
    for (const c of this.connections) {
      if (!matches(c, filter)) continue;
      // Like Redis, the asking client is closed only after its reply is out.
      c.closeAfterReply();
      n++;
    }
    return n;
  }
}
