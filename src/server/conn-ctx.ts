/**
 * The context a connection-thread handler gets (ConnCtx): the client's state, the server's, and
 * the controls for what reaches beyond one command: transactions, pub/sub, CLIENT, MONITOR, and
 * INTERNAL commands sent to shards (one shard as the client's reply, or every shard for a
 * handler to merge).
 */
import { lookupCommand } from '../commands/index.ts';
import type { ConfigChange } from '../config/runtime.ts';
import { ERR_CROSSSLOT, ReplyWriter } from '../commands/replies.ts';
import type { ClientControl, ConnCtx, ConnServerInfo, PubSubControl, ScriptControl, TransactionControl } from '../commands/table.ts';
import { unwatchRequest, watchRequest } from '../commands/transactions.ts';
import { CONTROL_NO_SAVE } from '../ring/topology.ts';
import { slotOfBytes } from '../routing/slot.ts';
import { clientLine } from './clients.ts';
import { CONFIG_SET_TOPIC } from './conn-thread.ts';
import type { Connection } from './connection.ts';
import { Pending } from './pending.ts';
import { ERR_EXECABORT, execRequest, execSlot, Transaction } from './transaction.ts';

/** Sends an INTERNAL command to one shard; its reply is the client's reply, in order. */
function sendInternal(conn: Connection, shard: number, argv: Buffer[]): void {
  const spec = lookupCommand(argv[0]!.latin1Slice())!;
  const pending = new Pending(1, spec);
  conn.enqueue(pending);
  conn.thread.send(shard, conn, pending, 0, spec, argv);
}

/** Answers are written into out; commands answered by a shard write nothing there. */
function transactionControl(conn: Connection, out: ReplyWriter): TransactionControl {
  const shardOf = (slot: number) => conn.thread.slotTable[slot]!;
  return {
    multi() {
      if (conn.tx !== null) return 'ERR MULTI calls can not be nested';
      conn.tx = new Transaction(conn.watch?.slot ?? -1);
      return undefined;
    },
    exec() {
      const tx = conn.tx;
      if (tx === null) return out.error('ERR EXEC without MULTI');
      if (tx.failed) {
        conn.tx = null;
        if (conn.watch !== null) conn.thread.forgetWatches(conn);
        conn.watch = null;
        return out.error(ERR_EXECABORT);
      }
      sendInternal(conn, shardOf(execSlot(conn)), execRequest(conn));
      conn.tx = null;
      conn.watch = null; // the shard drops the watch as it runs EXEC
    },
    discard() {
      if (conn.tx === null) return out.error('ERR DISCARD without MULTI');
      conn.tx = null;
      if (conn.watch === null) return out.ok();
      sendInternal(conn, shardOf(conn.watch.slot), unwatchRequest(conn.id));
      conn.watch = null;
    },
    watch(keys) {
      if (conn.tx !== null) return out.error('ERR WATCH inside MULTI is not allowed');
      const slot = slotOfBytes(keys[0]!);
      if (keys.some((k) => slotOfBytes(k) !== slot) || (conn.watch !== null && conn.watch.slot !== slot)) {
        return out.error(ERR_CROSSSLOT);
      }
      conn.watch = { slot };
      sendInternal(conn, shardOf(slot), watchRequest(conn.id, keys));
    },
    unwatch() {
      if (conn.watch === null) return out.ok();
      sendInternal(conn, shardOf(conn.watch.slot), unwatchRequest(conn.id));
      conn.watch = null;
    },
  };
}

function pubsubControl(conn: Connection, out: ReplyWriter): PubSubControl {
  const hub = conn.thread.pubsub;
  const confirm = (kind: string, name: Buffer | null, count: number) => {
    out.arrayHeader(3);
    out.bulkLatin1(kind);
    out.bulk(name);
    out.integer(count);
  };
  return {
    subscribe(names, pattern) {
      for (const n of names) confirm(pattern ? 'psubscribe' : 'subscribe', n, hub.subscribe(conn, n.latin1Slice(), pattern));
    },
    unsubscribe(names, pattern) {
      const kind = pattern ? 'punsubscribe' : 'unsubscribe';
      const current = pattern ? conn.psubscriptions : conn.subscriptions;
      const targets = names.length > 0 ? names : [...current].map((n) => Buffer.from(n, 'latin1'));
      if (targets.length === 0) return confirm(kind, null, conn.subscriptionCount());
      for (const n of targets) confirm(kind, n, hub.unsubscribe(conn, n.latin1Slice(), pattern));
    },
    publish: (channel, message) => hub.publish(channel, message),
    channels: (pattern) => hub.channelNames(pattern),
    numsub: (names) => hub.numsub(names),
    numpat: () => hub.numpat(),
    subscribed: () => conn.subscriptionCount() > 0,
  };
}

/**
 * A handler's context, made for every command run on the connection thread (PING included), so
 * its state lives in three fields and everything else on the prototype: an object literal with
 * its getters and closures made per call cost ~5 µs a PING, five times what Redis spends on one.
 * `out` is replaced by the handler's own writer at its first await (runOnConnection).
 */
class ConnContext implements ConnCtx {
  out: ReplyWriter;
  readonly shardReplies: readonly Buffer[] | undefined;
  private readonly conn: Connection;

  constructor(conn: Connection, shardReplies: readonly Buffer[] | undefined, out: ReplyWriter) {
    this.conn = conn;
    this.shardReplies = shardReplies;
    this.out = out;
  }

  get clientId(): number {
    return this.conn.id;
  }

  get clientName(): string {
    return this.conn.name;
  }

  set clientName(value: string) {
    this.conn.name = value;
  }

  get db(): number {
    return this.conn.db;
  }

  set db(value: number) {
    this.conn.db = value;
  }

  get authenticated(): boolean {
    return this.conn.authenticated;
  }

  set authenticated(value: boolean) {
    this.conn.authenticated = value;
    this.conn.framer.authenticated = value;
  }

  get server(): ConnServerInfo {
    return this.conn.thread.options.server;
  }

  closeAfterReply(): void {
    this.conn.closeAfterReply();
  }

  shutdown(save: boolean): void {
    if (!save) Atomics.store(new Int32Array(this.conn.thread.options.topology.control), CONTROL_NO_SAVE, 1);
    process.kill(process.pid, 'SIGTERM');
  }

  fanOut(args: readonly (string | Buffer)[]): Promise<Buffer[]> {
    return fanOut(this.conn, args);
  }

  askShard(slot: number, args: readonly (string | Buffer)[]): Promise<Buffer> {
    const thread = this.conn.thread;
    return ask(this.conn, [slot === -1 ? 0 : thread.slotTable[slot]!], args).then((parts) => parts[0]!);
  }

  get scripts(): ScriptControl {
    return this.conn.thread.scripts;
  }

  async reconfigure(changes: readonly ConfigChange[]): Promise<void> {
    const thread = this.conn.thread;
    thread.reconfigure(changes);
    await thread.bus.ask(CONFIG_SET_TOPIC, changes);
  }

  get transaction(): TransactionControl {
    return transactionControl(this.conn, this.out);
  }

  get pubsub(): PubSubControl {
    return pubsubControl(this.conn, this.out);
  }

  get fromLoopback(): boolean {
    const address = this.conn.socket.remoteAddress ?? '';
    return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
  }

  setReplyMode(mode: 'on' | 'off' | 'skip'): void {
    this.conn.setReplyMode(mode);
  }

  startMonitor(): void {
    this.conn.monitoring = true;
    this.conn.thread.monitors.add(this.conn);
  }

  get clients(): ClientControl {
    const conn = this.conn;
    return {
      line: () => clientLine(conn),
      list: (filter) => conn.thread.clients.list(filter),
      kill: (filter) => conn.thread.clients.kill(filter),
      pause: (untilMs, writesOnly) => conn.thread.pause.pause(untilMs, writesOnly),
      unpause: () => conn.thread.pause.unpause(),
    };
  }
}

export function connCtx(conn: Connection, shardReplies: readonly Buffer[] | undefined, out: ReplyWriter): ConnCtx {
  return new ConnContext(conn, shardReplies, out);
}

/** Sends args to every shard outside the client's reply queue; resolves with the replies. */
function fanOut(conn: Connection, args: readonly (string | Buffer)[]): Promise<Buffer[]> {
  return ask(conn, Array.from({ length: conn.thread.shardCount }, (_, s) => s), args);
}

/** Sends args to each of shards outside the client's reply queue; resolves with their replies. */
function ask(conn: Connection, shards: readonly number[], args: readonly (string | Buffer)[]): Promise<Buffer[]> {
  const argv = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
  const spec = lookupCommand(argv[0]!.latin1Slice())!;
  const thread = conn.thread;
  return new Promise((resolve) => {
    const pending = new Pending(shards.length, spec, null, (parts) => {
      resolve(parts);
      return Buffer.alloc(0);
    });
    shards.forEach((shard, part) => thread.send(shard, conn, pending, part, spec, argv));
  });
}

