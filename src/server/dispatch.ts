/**
 * From argv to wherever the command runs. The guards run in Redis 7's order, each with its
 * rule: known command, arity, authentication; then routing by the row's runsOn:
 *
 *   CONN    the row's handler runs here and replies at once (in turn)
 *   SHARD   every key must hash to one slot (else CROSSSLOT, whatever the shard count, so
 *           behaviour never depends on how many workers run); the slot's shard runs it
 *   SPLIT   keys grouped by shard; one sub-command per shard; replies merged
 *   ALL     every shard runs it; replies merged
 *   CURSOR  the shard that owns the cursor's slot runs it (SCAN)
 */
import { lookupCommand } from '../commands/index.ts';
import {
  ERR_CROSSSLOT,
  ERR_NOAUTH,
  QUEUED,
  errUnknownCommand,
  errWrongArgs,
  ReplyWriter,
} from '../commands/replies.ts';
import { arityOk, forEachKeyIndex, INTERNAL, NOAUTH, RunsOn, type CommandSpec, type ConnCtx, type PubSubControl, type TransactionControl } from '../commands/table.ts';
import { SLOT_COUNT, slotOfBytes } from '../routing/slot.ts';
import type { Connection } from './connection.ts';
import { Pending } from './pending.ts';
import { clientLine } from './clients.ts';
import { ERR_EXECABORT, execRequest, execSlot, queueCommand, queuesInTransaction, Transaction } from './transaction.ts';

const SUBSCRIBED_CONTEXT = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

/** Scratch for replies made on the connection thread; copied out before the next command. */
const scratch = new ReplyWriter(4096);

function replyError(conn: Connection, message: string): void {
  scratch.reset();
  scratch.error(message);
  conn.reply(scratch.view());
}

export function dispatch(conn: Connection, argv: Buffer[]): void {
  const spec = route(conn, argv);
  // Monitors see a command once it has gone where it runs (SELECT's with its new db).
  if (spec !== undefined) conn.thread.monitors.feed(conn, spec.name, argv);
}

/** Runs or sends one command; the row it was, or undefined when it was refused. */
function route(conn: Connection, argv: Buffer[]): CommandSpec | undefined {
  const name = argv[0]!.latin1Slice(0, argv[0]!.length);
  const spec = lookupCommand(name);
  if (spec === undefined || (spec.flags & INTERNAL) !== 0) return void txError(conn, errUnknownCommand(name, argv.slice(1)));
  if (!arityOk(spec, argv.length)) return void txError(conn, errWrongArgs(spec.name));
  conn.lastCommand = spec.name;
  if (!conn.authenticated && (spec.flags & NOAUTH) === 0) return void txError(conn, ERR_NOAUTH);
  // RESP2's subscribed context: only subscription commands, PING and QUIT.
  if (conn.subscriptionCount() > 0 && !SUBSCRIBED_CONTEXT.has(spec.name)) {
    return void replyError(conn, `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
  }
  if (queuesInTransaction(conn, spec)) {
    const refused = queueCommand(conn, spec, argv);
    if (refused === undefined) conn.reply(QUEUED);
    else replyError(conn, refused);
    return spec;
  }
  switch (spec.runsOn) {
    case RunsOn.CONN:
      runOnConnection(conn, spec, argv);
      break;
    case RunsOn.SHARD:
      sendToSlotOwner(conn, spec, argv);
      break;
    case RunsOn.SPLIT:
      splitByShard(conn, spec, argv);
      break;
    case RunsOn.ALL:
      sendToAll(conn, spec, argv);
      break;
    case RunsOn.CURSOR:
      sendByCursor(conn, spec, argv);
      break;
  }
  return spec;
}

/** An error that, inside MULTI, also dooms the transaction (EXEC answers EXECABORT). */
function txError(conn: Connection, message: string): void {
  if (conn.tx !== null) conn.tx.failed = true;
  replyError(conn, message);
}

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
  const unwatchRequest = () => [Buffer.from('slotkv-unwatch'), Buffer.from(String(conn.id))];
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
      sendInternal(conn, shardOf(conn.watch.slot), unwatchRequest());
      conn.watch = null;
    },
    watch(keys) {
      if (conn.tx !== null) return out.error('ERR WATCH inside MULTI is not allowed');
      const slot = slotOfBytes(keys[0]!);
      if (keys.some((k) => slotOfBytes(k) !== slot) || (conn.watch !== null && conn.watch.slot !== slot)) {
        return out.error(ERR_CROSSSLOT);
      }
      conn.watch = { slot };
      sendInternal(conn, shardOf(slot), [Buffer.from('slotkv-watch'), Buffer.from(String(conn.id)), ...keys]);
    },
    unwatch() {
      if (conn.watch === null) return out.ok();
      sendInternal(conn, shardOf(conn.watch.slot), unwatchRequest());
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

function connCtx(conn: Connection, shardReplies?: readonly Buffer[], out = scratch): ConnCtx {
  return {
    out,
    clientId: conn.id,
    get clientName() {
      return conn.name;
    },
    set clientName(value: string) {
      conn.name = value;
    },
    get db() {
      return conn.db;
    },
    set db(value: number) {
      conn.db = value;
    },
    get authenticated() {
      return conn.authenticated;
    },
    set authenticated(value: boolean) {
      conn.authenticated = value;
      conn.framer.authenticated = value;
    },
    closeAfterReply: () => conn.closeAfterReply(),
    server: conn.thread.options.server,
    shardReplies,
    fanOut: (args) => fanOut(conn, args),
    get transaction() {
      return transactionControl(conn, out);
    },
    get pubsub() {
      return pubsubControl(conn, out);
    },
    startMonitor: () => {
      conn.monitoring = true;
      conn.thread.monitors.add(conn);
    },
    clients: {
      line: () => clientLine(conn),
      list: (filter) => conn.thread.clients.list(filter),
      kill: (filter) => conn.thread.clients.kill(filter),
    },
  };
}

/** Sends args to every shard outside the client's reply queue; resolves with the replies. */
function fanOut(conn: Connection, args: readonly (string | Buffer)[]): Promise<Buffer[]> {
  const argv = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
  const spec = lookupCommand(argv[0]!.latin1Slice())!;
  const thread = conn.thread;
  return new Promise((resolve) => {
    const pending = new Pending(thread.shardCount, spec, null, (parts) => {
      resolve(parts);
      return Buffer.alloc(0);
    });
    for (let s = 0; s < thread.shardCount; s++) thread.send(s, conn, pending, s, spec, argv);
  });
}

function runOnConnection(conn: Connection, spec: CommandSpec, argv: Buffer[]): void {
  scratch.reset();
  const ctx = connCtx(conn);
  const done = spec.connHandler!(ctx, argv);
  // Transaction commands may have queued their own reply (from a shard) and written nothing.
  if (!(done instanceof Promise)) return scratch.len > 0 ? conn.reply(scratch.view()) : undefined;
  // It answers later (it waits on shards or files): hold its place in the reply order, and
  // give it a writer of its own for what it writes after its first await.
  const out = new ReplyWriter(256);
  out.raw(scratch.view());
  scratch.reset();
  ctx.out = out;
  const pending = new Pending(1, spec, null, () => Buffer.alloc(0));
  pending.conn = conn;
  conn.enqueue(pending);
  void settled(done, out).then((reply) => pending.lateReply(reply));
}

/** The reply a handler wrote into out once done settles, or its failure as an error reply. */
function settled(done: Promise<void>, out: ReplyWriter): Promise<Buffer> {
  return done.then(
    () => Buffer.from(out.view()),
    (err: Error) => {
      out.reset();
      out.error(`ERR ${err.message}`);
      return Buffer.from(out.view());
    },
  );
}

function sendToSlotOwner(conn: Connection, spec: CommandSpec, argv: Buffer[]): void {
  let slot = -1;
  let cross = false;
  if (spec.keys === undefined && spec.firstKey !== 0 && spec.firstKey === spec.lastKey) {
    // The common single-key command: no key walk, no closure.
    if (spec.firstKey < argv.length) slot = slotOfBytes(argv[spec.firstKey]!);
  } else {
    forEachKeyIndex(spec, argv.length, (i) => {
      const s = slotOfBytes(argv[i]!);
      if (slot === -1) slot = s;
      else if (s !== slot) cross = true;
    }, argv);
  }
  if (cross) return replyError(conn, ERR_CROSSSLOT);
  const shard = slot === -1 ? 0 : conn.thread.slotTable[slot]!;
  const pending = new Pending(1, spec);
  conn.enqueue(pending);
  conn.thread.send(shard, conn, pending, 0, spec, argv);
}

function splitByShard(conn: Connection, spec: CommandSpec, argv: Buffer[]): void {
  const thread = conn.thread;
  const step = spec.step;
  if ((argv.length - 1) % step !== 0) return replyError(conn, errWrongArgs(spec.name));
  // Group key positions by shard; most requests land on one shard and go out unsplit.
  const byShard = new Map<number, number[]>();
  for (let i = 1; i < argv.length; i += step) {
    const shard = thread.slotTable[slotOfBytes(argv[i]!)]!;
    let list = byShard.get(shard);
    if (list === undefined) byShard.set(shard, (list = []));
    list.push(i);
  }
  if (byShard.size === 1) {
    const pending = new Pending(1, spec);
    conn.enqueue(pending);
    thread.send(byShard.keys().next().value!, conn, pending, 0, spec, argv);
    return;
  }
  const positions: number[][] = [];
  for (const indices of byShard.values()) positions.push(indices.map((i) => (i - 1) / step));
  const pending = new Pending(byShard.size, spec, positions);
  conn.enqueue(pending);
  let part = 0;
  for (const [shard, indices] of byShard) {
    const sub: Buffer[] = [argv[0]!];
    for (const i of indices) for (let k = 0; k < step; k++) sub.push(argv[i + k]!);
    thread.send(shard, conn, pending, part++, spec, sub);
  }
}

function sendToAll(conn: Connection, spec: CommandSpec, argv: Buffer[]): void {
  const thread = conn.thread;
  // The merging handler gets its own writer: it may finish after later commands have run.
  const finish = spec.connHandler
    ? (parts: Buffer[]): Buffer | Promise<Buffer> => {
        const out = new ReplyWriter(256);
        const done = spec.connHandler!(connCtx(conn, parts, out), argv);
        return done instanceof Promise ? settled(done, out) : Buffer.from(out.view());
      }
    : null;
  const pending = new Pending(thread.shardCount, spec, null, finish);
  conn.enqueue(pending);
  for (let s = 0; s < thread.shardCount; s++) thread.send(s, conn, pending, s, spec, argv);
}

function sendByCursor(conn: Connection, spec: CommandSpec, argv: Buffer[]): void {
  const text = argv[1]!.latin1Slice(0, argv[1]!.length);
  const cursor = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(cursor)) return replyError(conn, 'ERR invalid cursor');
  if (cursor >= SLOT_COUNT) {
    // Past the last slot: the iteration is over (a cursor this server never handed out).
    scratch.reset();
    scratch.arrayHeader(2);
    scratch.bulkLatin1('0');
    scratch.arrayHeader(0);
    return conn.reply(scratch.view());
  }
  const pending = new Pending(1, spec);
  conn.enqueue(pending);
  conn.thread.send(conn.thread.slotTable[cursor]!, conn, pending, 0, spec, argv);
}
