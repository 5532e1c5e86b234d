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
import { arityOk, BLOCKING, forEachKeyIndex, INTERNAL, NOAUTH, RunsOn, WRITE, type CommandSpec } from '../commands/table.ts';
import { NO_SLOT } from '../ring/codec.ts';
import { SLOT_COUNT, slotOfBytes } from '../routing/slot.ts';
import type { Connection } from './connection.ts';
import { Pending } from './pending.ts';
import { connCtx } from './conn-ctx.ts';
import type { FramedArgs } from './framer.ts';
import { queueCommand, queuesInTransaction } from './transaction.ts';

const SUBSCRIBED_CONTEXT = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

/** Scratch for replies made on the connection thread; copied out before the next command. */
const scratch = new ReplyWriter(4096);

function replyError(conn: Connection, message: string): void {
  scratch.reset();
  scratch.error(message);
  conn.reply(scratch.view());
}

/**
 * A command framed whole in one read. The common case (one key, runs on its slot's shard, no
 * transaction, subscription, monitor or AUTH to consider) goes to the shard straight from the
 * read's bytes: no argv array and no Buffer view per argument. Everything else takes the
 * general path below with views.
 */
export function dispatchFramed(conn: Connection, cmd: FramedArgs): void {
  const spec = lookupByBytes(cmd.data, cmd.starts[0]!, cmd.ends[0]!);
  if (mustWait(conn, spec)) return conn.holdCommand(cmd.views());
  if (spec !== undefined && plainContext(conn) && arityOk(spec, cmd.argc)) {
    if (spec.connDirect !== undefined && runConnDirect(conn, spec, cmd)) return;
    // inline-shard: MGET, MSET, DEL ... go to the one shard whole, so they run as framed too.
    if (spec.runsOn === RunsOn.SPLIT && (cmd.argc - 1) % spec.step === 0 && runFramedInline(conn, spec, cmd)) {
      conn.lastCommand = spec.name;
      return;
    }
    if (isSingleKey(spec, cmd.argc)) return dispatchSingleKey(conn, spec, cmd);
  }
  routeAndMonitor(conn, cmd.views(), spec);
}

/**
 * Under CLIENT PAUSE WRITE, a command that may change data (or publish) waits, and so does every
 * command of its client after it (src/server/client-pause.ts).
 */
function mustWait(conn: Connection, spec: CommandSpec | undefined): boolean {
  if (conn.heldCommands !== null) return true;
  if (spec === undefined || !conn.thread.pause.pausesWrites()) return false;
  return (spec.flags & WRITE) !== 0 || spec.name === 'exec' || spec.name === 'publish';
}

/** No transaction, subscription, monitor or pending AUTH to consider for this connection. */
function plainContext(conn: Connection): boolean {
  return conn.authenticated && conn.tx === null && conn.subscriptionCount() === 0 && !conn.thread.monitors.active();
}

/** A command that runs on the shard of its one key, at a fixed position present in argc. */
function isSingleKey(spec: CommandSpec, argc: number): boolean {
  const key = spec.firstKey;
  return spec.runsOn === RunsOn.SHARD && (spec.flags & INTERNAL) === 0 && spec.keys === undefined && key !== 0 &&
    key === spec.lastKey && key < argc;
}

/** A connection-thread row's direct handler (PING, ECHO), when nothing is queued ahead. */
function runConnDirect(conn: Connection, spec: CommandSpec, cmd: FramedArgs): boolean {
  const out = conn.outputIfInTurn();
  if (out === null || !spec.connDirect!(out, cmd)) return false;
  conn.lastCommand = spec.name;
  return true;
}

function dispatchSingleKey(conn: Connection, spec: CommandSpec, cmd: FramedArgs): void {
  const key = spec.firstKey;
  conn.lastCommand = spec.name;
  if (runFramedInline(conn, spec, cmd)) return;
  const thread = conn.thread;
  const slot = slotOfBytes(cmd.data, cmd.starts[key]!, cmd.ends[key]!);
  const pending = new Pending(1, spec);
  conn.enqueue(pending);
  thread.sendFramed(thread.slotTable[slot]!, conn, pending, spec, cmd, key === 1 ? slot : NO_SLOT);
}

/** Runs or sends one command; `found` is its row when the caller looked it up already. */
export function dispatch(conn: Connection, argv: Buffer[], found = lookupByBytes(argv[0]!, 0, argv[0]!.length)): void {
  if (mustWait(conn, found)) return conn.holdCommand(argv);
  routeAndMonitor(conn, argv, found);
}

function routeAndMonitor(conn: Connection, argv: Buffer[], found: CommandSpec | undefined): void {
  const spec = route(conn, argv, found);
  // Monitors see a command once it has gone where it runs (SELECT's with its new db).
  if (spec !== undefined) conn.thread.monitors.feed(conn, spec.name, argv);
}

/** Runs or sends one command; the row it was, or undefined when it was refused. */
function route(conn: Connection, argv: Buffer[], spec: CommandSpec | undefined): CommandSpec | undefined {
  if (spec === undefined || (spec.flags & INTERNAL) !== 0) {
    const name = argv[0]!.latin1Slice(0, argv[0]!.length);
    return void txError(conn, errUnknownCommand(name, argv.slice(1)));
  }
  if (!arityOk(spec, argv.length)) return void txError(conn, errWrongArgs(spec.name));
  conn.lastCommand = spec.name;
  if (!conn.authenticated && (spec.flags & NOAUTH) === 0) return void txError(conn, ERR_NOAUTH);
  // RESP2's subscribed context: only subscription commands, PING and QUIT.
  if (conn.subscriptionCount() > 0 && !SUBSCRIBED_CONTEXT.has(spec.name)) {
    return void replyError(conn, `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
  }
  if (queuesInTransaction(conn, spec)) {
    const refused = queueCommand(conn, spec, ownArgs(argv));
    if (refused === undefined) conn.reply(QUEUED);
    else replyError(conn, refused);
    return spec;
  }
  switch (spec.runsOn) {
    case RunsOn.CONN:
      runOnConnection(conn, spec, ownArgs(argv));
      break;
    case RunsOn.SHARD:
      sendToSlotOwner(conn, spec, argv);
      break;
    case RunsOn.SPLIT:
      splitByShard(conn, spec, argv);
      break;
    case RunsOn.ALL:
      sendToAll(conn, spec, ownArgs(argv));
      break;
    case RunsOn.CURSOR:
      sendByCursor(conn, spec, argv);
      break;
  }
  return spec;
}

/**
 * Copies of the arguments, for whatever keeps them past this call (a queued transaction, a
 * handler that answers later, a merge): the framer's are views into a read buffer that the
 * next read overwrites. Commands sent to a shard need none: the ring gets its own copy.
 */
function ownArgs(argv: Buffer[]): Buffer[] {
  const copy = new Array<Buffer>(argv.length);
  for (let i = 0; i < argv.length; i++) copy[i] = Buffer.from(argv[i]!);
  return copy;
}

/**
 * The rows of the last few command names this thread saw, by their exact bytes: clients repeat
 * a handful of commands, and comparing a few bytes beats making a string and hashing it.
 */
const NAME_CACHE_SIZE = 8;
const cachedNames: Buffer[] = [];
const cachedSpecs: CommandSpec[] = [];
let nextCacheSlot = 0;

/** The row for the command name in buf[start, end). */
function lookupByBytes(buf: Buffer, start: number, end: number): CommandSpec | undefined {
  const n = end - start;
  for (let c = 0; c < cachedNames.length; c++) {
    const known = cachedNames[c]!;
    if (known.length !== n) continue;
    let i = 0;
    while (i < n && known[i] === buf[start + i]) i++;
    if (i === n) return cachedSpecs[c];
  }
  const spec = lookupCommand(buf.latin1Slice(start, end));
  if (spec !== undefined) {
    cachedNames[nextCacheSlot] = Buffer.from(buf.subarray(start, end));
    cachedSpecs[nextCacheSlot] = spec;
    nextCacheSlot = (nextCacheSlot + 1) % NAME_CACHE_SIZE;
  }
  return spec;
}

/** An error that, inside MULTI, also dooms the transaction (EXEC answers EXECABORT). */
function txError(conn: Connection, message: string): void {
  if (conn.tx !== null) conn.tx.failed = true;
  replyError(conn, message);
}

function runOnConnection(conn: Connection, spec: CommandSpec, argv: Buffer[]): void {
  scratch.reset();
  const ctx = connCtx(conn, undefined, scratch);
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
  if (runArgvInline(conn, spec, argv)) return;
  const thread = conn.thread;
  const shard = slot === -1 ? 0 : thread.slotTable[slot]!;
  const pending = new Pending(1, spec);
  conn.enqueue(pending);
  thread.send(shard, conn, pending, 0, spec, argv);
}

/**
 * inline-shard: where a command that goes to one shard and cannot park may run at once, with
 * no ring either way: the connection's output, when nothing is ahead of it; else null.
 */
function inlineOutput(conn: Connection, spec: CommandSpec): ReplyWriter | null {
  if (conn.thread.inline === null || (spec.flags & BLOCKING) !== 0) return null;
  return conn.outputIfInTurn();
}

/** inline-shard: runs a command framed whole in one read now, if it may (inlineOutput). */
function runFramedInline(conn: Connection, spec: CommandSpec, cmd: FramedArgs): boolean {
  const out = inlineOutput(conn, spec);
  return out !== null && conn.thread.inline!.runFramed(conn.db, spec, cmd, out);
}

/**
 * runFramedInline() for a command that arrived as argv (several keys, or a value that
 * straddled reads), so that its arguments do not cross a ring and back (a 64 KB SET crossed
 * twice, copied four times).
 */
function runArgvInline(conn: Connection, spec: CommandSpec, argv: Buffer[]): boolean {
  const out = inlineOutput(conn, spec);
  return out !== null && conn.thread.inline!.runArgv(conn.db, spec, argv, out);
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
    if (runArgvInline(conn, spec, argv)) return;
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
