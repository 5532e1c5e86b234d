/**
 * Publish/subscribe, on the connection threads (subscriptions belong to connections, not to
 * keys, so no shard is involved). Each connection thread keeps its own subscribers; with
 * several connection threads a PUBLISH is delivered here and asked of the others over the
 * thread bus, each delivering to its own subscribers and answering how many it reached, so
 * PUBLISH's count covers the whole server. PUBSUB queries gather the same way.
 */
import { ReplyWriter } from '../commands/replies.ts';
import { stringMatch } from '../shard/glob.ts';
import type { Connection } from './connection.ts';
import type { ThreadBus } from './thread-bus.ts';

const MESSAGE = Buffer.from('message');
const PMESSAGE = Buffer.from('pmessage');

type Query = 'channels' | 'numsub' | 'numpat';

export class PubSubHub {
  private readonly channels = new Map<string, Set<Connection>>();
  private readonly patterns = new Map<string, Set<Connection>>();
  private readonly bus: ThreadBus;

  constructor(bus: ThreadBus) {
    this.bus = bus;
    bus.on('publish', (p) => {
      const { channel, message } = p as { channel: Uint8Array; message: Uint8Array };
      return this.deliver(channel, message);
    });
    bus.on('pubsub', (p) => {
      const { query, args } = p as { query: Query; args: string[] };
      return this.answer(query, args);
    });
  }

  /** Subscribes conn to a channel (or pattern); returns conn's subscription count. */
  subscribe(conn: Connection, name: string, pattern: boolean): number {
    const map = pattern ? this.patterns : this.channels;
    let subs = map.get(name);
    if (subs === undefined) map.set(name, (subs = new Set()));
    subs.add(conn);
    (pattern ? conn.psubscriptions : conn.subscriptions).add(name);
    return conn.subscriptionCount();
  }

  unsubscribe(conn: Connection, name: string, pattern: boolean): number {
    const map = pattern ? this.patterns : this.channels;
    const subs = map.get(name);
    if (subs?.delete(conn) && subs.size === 0) map.delete(name);
    (pattern ? conn.psubscriptions : conn.subscriptions).delete(name);
    return conn.subscriptionCount();
  }

  /** A closed connection leaves every channel and pattern. */
  forget(conn: Connection): void {
    for (const name of [...conn.subscriptions]) this.unsubscribe(conn, name, false);
    for (const name of [...conn.psubscriptions]) this.unsubscribe(conn, name, true);
  }

  /** Delivers here and, with other connection threads, there; resolves with the receivers. */
  publish(channel: Buffer, message: Buffer): number | Promise<number> {
    const here = this.deliver(channel, message);
    if (this.bus.peers === 0) return here;
    return this.bus.ask('publish', { channel, message }).then((answers) => answers.reduce<number>((n, a) => n + (a as number), here));
  }

  /** PUBSUB CHANNELS [pattern]: active channels, server-wide, sorted for a stable reply. */
  async channelNames(pattern: string | undefined): Promise<string[]> {
    const all = new Set(this.answer('channels', pattern === undefined ? [] : [pattern]) as string[]);
    for (const names of await this.query('channels', pattern === undefined ? [] : [pattern])) for (const n of names as string[]) all.add(n);
    return [...all];
  }

  /** PUBSUB NUMSUB channel...: subscribers per channel, server-wide. */
  async numsub(names: string[]): Promise<number[]> {
    const counts = this.answer('numsub', names) as number[];
    for (const more of await this.query('numsub', names)) (more as number[]).forEach((n, i) => (counts[i]! += n));
    return counts;
  }

  /** PUBSUB NUMPAT: pattern subscriptions, server-wide (counted per client and pattern). */
  async numpat(): Promise<number> {
    let n = this.answer('numpat', []) as number;
    for (const more of await this.query('numpat', [])) n += more as number;
    return n;
  }

  private deliver(channel: Uint8Array, message: Uint8Array): number {
    const name = Buffer.from(channel).latin1Slice();
    let reached = 0;
    const subs = this.channels.get(name);
    if (subs !== undefined) {
      const bytes = encodePush([MESSAGE, channel, message]);
      for (const conn of subs) conn.push(bytes);
      reached += subs.size;
    }
    for (const [pattern, conns] of this.patterns) {
      if (!stringMatch(pattern, name)) continue;
      const bytes = encodePush([PMESSAGE, Buffer.from(pattern, 'latin1'), channel, message]);
      for (const conn of conns) conn.push(bytes);
      reached += conns.size;
    }
    return reached;
  }

  private answer(query: Query, args: string[]): number | string[] | number[] {
    switch (query) {
      case 'channels':
        return [...this.channels.keys()].filter((c) => args.length === 0 || stringMatch(args[0]!, c));
      case 'numsub':
        return args.map((c) => this.channels.get(c)?.size ?? 0);
      case 'numpat': {
        let n = 0;
        for (const conns of this.patterns.values()) n += conns.size;
        return n;
      }
    }
  }

  private query(query: Query, args: string[]): Promise<unknown[]> {
    return this.bus.ask('pubsub', { query, args });
  }
}

/** A push message: an array of bulk strings. Allocates. */
function encodePush(parts: readonly Uint8Array[]): Buffer {
  const w = new ReplyWriter(64);
  w.bulkArray(parts);
  return Buffer.from(w.view());
}
