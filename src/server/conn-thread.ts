/**
 * A connection thread: the main thread (io-threads 0) or one I/O worker. It owns a set of client
 * connections and one request ring to and one reply ring from every shard. Requests staged
 * during an event-loop turn are pushed and each shard's doorbell rung once, in a setImmediate
 * after the turn's socket reads; replies are drained whenever a shard rings this thread's bell.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { lookupCommand } from '../commands/index.ts';
import { BLOCKING, type CommandSpec, type ConnServerInfo } from '../commands/table.ts';
import { ByteRing } from '../ring/byte-ring.ts';
import { CANCEL_BLOCKED, NO_SLOT, writeArgRanges, writeArgs, writeRequestHeader } from '../ring/codec.ts';
import { unwatchRequest } from '../commands/transactions.ts';
import { getU32 } from '../ring/bytes.ts';
import { Doorbell } from '../ring/doorbell.ts';
import { RingReader, RingWriter } from '../ring/framed.ts';
import { GAUGE_CONNECTED_CLIENTS, GAUGE_TOTAL_CONNECTIONS, type Topology } from '../ring/topology.ts';
import { Connection } from './connection.ts';
import type { FramedArgs } from './framer.ts';
import { InFlight } from './in-flight.ts';
import { Pending } from './pending.ts';
import { PubSubHub } from './pubsub.ts';
import { ThreadBus } from './thread-bus.ts';
import { Clients } from './clients.ts';
import { Monitors } from './monitor.ts';
import { ClientPause } from './client-pause.ts';
import { ScriptStore } from './script-store.ts';
import type { ConfigChange } from '../config/runtime.ts';
import type { InlineShard } from '../shard/inline.ts';

/** The thread-bus topic that carries CONFIG SET's changes to the other connection threads. */
export const CONFIG_SET_TOPIC = 'config-set';

export interface ConnThreadOptions {
  id: number;
  topology: Topology;
  protoMaxBulkLen: number;
  outputLimitHard: number;
  maxClients: number;
  /** Seconds a client may stay idle before it is closed (0: forever), as Redis's `timeout`. */
  idleTimeout: number;
  server: ConnServerInfo;
  /** inline-shard: the one shard, run on this thread. */
  inlineShard?: InlineShard;
}

/** Request ids wrap at 2^32; far more than can ever be in flight at once. */
const REQ_ID_MASK = 0xffffffff;
/** As large as the reads Node makes by default. */
const READ_BUFFER_BYTES = 64 * 1024;

export class ConnThread {
  readonly id: number;
  readonly options: ConnThreadOptions;
  readonly slotTable: Uint16Array;
  readonly shardCount: number;
  private readonly writers: RingWriter[];
  private readonly readers: RingReader[];
  private readonly shardBells: Doorbell[];
  private readonly bell: Doorbell;
  private readonly gauges: Int32Array;
  /** Requests sent to each shard and not yet answered. */
  private readonly inFlight: InFlight[];
  private nextReqId = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly dirtyShards: boolean[];
  private flushScheduled = false;
  private readonly connections = new Set<Connection>();
  readonly bus: ThreadBus;
  readonly pubsub: PubSubHub;
  readonly clients: Clients;
  readonly monitors: Monitors;
  readonly pause: ClientPause;
  readonly scripts: ScriptStore;
  /** Connections with output to write at the end of this batch; each has flushQueued set. */
  private toFlush: Connection[] = [];
  private flushing: Connection[] = [];
  /** Every connection of this thread reads into this one buffer (see read-buffer.ts). */
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** inline-shard: the one shard, run on this thread (dispatch runs hot commands on it). */
  readonly inline: InlineShard | null;

  constructor(options: ConnThreadOptions) {
    const t = options.topology;
    this.id = options.id;
    this.options = options;
    this.shardCount = t.shardCount;
    this.slotTable = new Uint16Array(t.slotTable);
    this.writers = t.requests[options.id]!.map((sab) => new RingWriter(new ByteRing(sab)));
    this.readers = t.replies.map((row) => new RingReader(new ByteRing(row[options.id]!)));
    this.shardBells = t.shardBells.map((sab) => new Doorbell(sab));
    this.bell = new Doorbell(t.connBells[options.id]!);
    this.gauges = new Int32Array(t.gauges);
    this.dirtyShards = new Array(this.shardCount).fill(false);
    this.inFlight = Array.from({ length: this.shardCount }, () => new InFlight());
    this.bus = new ThreadBus(options.id, t.connThreadCount);
    this.pubsub = new PubSubHub(this.bus);
    this.clients = new Clients(this.connections, this.bus);
    this.monitors = new Monitors(this.gauges, this.bus);
    this.pause = new ClientPause(this.bus);
    this.scripts = new ScriptStore(this.bus);
    this.setIdleTimeout(options.idleTimeout);
    this.bus.on(CONFIG_SET_TOPIC, (changes) => this.reconfigure(changes as ConfigChange[]));
    this.inline = options.inlineShard ?? null;
    // An inline shard's replies are drained as soon as it has run; shard threads ring for them.
    if (this.inline !== null) this.inline.onReplies = () => this.drainReplies();
    else this.awaitReplies();
  }

  /** Takes over an accepted socket. */
  adopt(socket: Socket): void {
    // Client ids are the count of connections so far: unique across threads, as in Redis.
    const id = Atomics.add(this.gauges, GAUGE_TOTAL_CONNECTIONS, 1) + 1;
    if (Atomics.load(this.gauges, GAUGE_CONNECTED_CLIENTS) >= this.options.maxClients) {
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    Atomics.add(this.gauges, GAUGE_CONNECTED_CLIENTS, 1);
    const conn = new Connection(this, socket, id);
    this.connections.add(conn);
    socket.once('close', () => {
      this.connections.delete(conn);
      Atomics.sub(this.gauges, GAUGE_CONNECTED_CLIENTS, 1);
    });
  }

  /**
   * Stages one request (or one part of a split request) for a shard. The parts of one pending
   * are sent in part order, one after another, so their ids are consecutive.
   */
  send(shard: number, conn: Connection, pending: Pending, part: number, spec: CommandSpec, args: readonly Uint8Array[]): void {
    const reqId = this.track(shard, conn, pending, part, spec);
    this.stage(shard, reqId, conn.db, spec.id, args);
  }

  /**
   * send() for a single-part command framed in one read: args copied from the read's bytes.
   * slot1 is argument 1's slot when the caller hashed it (NO_SLOT otherwise).
   */
  sendFramed(shard: number, conn: Connection, pending: Pending, spec: CommandSpec, cmd: FramedArgs, slot1: number): void {
    const reqId = this.track(shard, conn, pending, 0, spec);
    const at = this.beginRequest(shard, reqId, conn.db, spec.id, slot1);
    writeArgRanges(this.writers[shard]!.out, cmd.data, cmd.starts, cmd.ends, cmd.argc);
    this.endRequest(shard, at);
  }

  /** Gives one part of a command its request id and waits for its reply on shard's FIFO. */
  private track(shard: number, conn: Connection, pending: Pending, part: number, spec: CommandSpec): number {
    const reqId = this.nextReqId;
    this.nextReqId = (this.nextReqId + 1) & REQ_ID_MASK;
    if (part === 0) {
      pending.firstReqId = reqId;
      pending.conn = conn;
    }
    this.inFlight[shard]!.push(reqId, pending);
    if ((spec.flags & BLOCKING) !== 0) {
      pending.blockedAt = { shard, reqId };
      conn.blockingWaits++;
    }
    return reqId;
  }

  /** A closed connection's WATCH: the shard forgets it (the reply is dropped). */
  forgetWatches(conn: Connection): void {
    if (conn.watch === null) return;
    const spec = lookupCommand('slotkv-unwatch')!;
    this.send(this.slotTable[conn.watch.slot]!, conn, new Pending(1, spec), 0, spec, unwatchRequest(conn.id));
  }

  /** Asks a shard to drop a parked command whose client went away. */
  cancelBlocked(shard: number, reqId: number): void {
    this.inFlight[shard]!.forget(reqId);
    this.stage(shard, reqId, 0, CANCEL_BLOCKED, []);
  }

  private stage(shard: number, reqId: number, db: number, cmdId: number, args: readonly Uint8Array[]): void {
    const at = this.beginRequest(shard, reqId, db, cmdId);
    writeArgs(this.writers[shard]!.out, args);
    this.endRequest(shard, at);
  }

  /** Starts a request message for shard: its header; the caller writes the args. */
  private beginRequest(shard: number, reqId: number, db: number, cmdId: number, slot1 = NO_SLOT): number {
    const writer = this.writers[shard]!;
    const at = writer.beginMessage();
    writeRequestHeader(writer.out, reqId, db, cmdId, slot1);
    return at;
  }

  private endRequest(shard: number, at: number): void {
    this.writers[shard]!.endMessage(at);
    this.markDirty(shard);
  }

  private markDirty(shard: number): void {
    if (!this.dirtyShards[shard]) {
      this.dirtyShards[shard] = true;
      this.scheduleFlush();
    }
  }

  /** Marks a connection as having output to write at the end of this batch. */
  wantsFlush(conn: Connection): void {
    this.queueFlush(conn);
    this.scheduleFlush();
  }

  /** A flag on the connection instead of a Set: this runs once per reply. */
  private queueFlush(conn: Connection): void {
    if (conn.flushQueued) return;
    conn.flushQueued = true;
    this.toFlush.push(conn);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /**
   * Pushes staged requests, rings each shard that got some once (or runs the inline shard),
   * writes client output.
   */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.inline !== null) {
      // Run even with nothing staged: commands run as they were framed may have logged writes.
      // A request ring too full for the whole batch empties each time the shard runs.
      do {
        if (this.dirtyShards[0]) this.dirtyShards[0] = !this.writers[0]!.flush();
        this.inline.run();
      } while (this.dirtyShards[0]);
      this.flushConnections();
      return;
    }
    let backlog = false;
    for (let s = 0; s < this.shardCount; s++) {
      if (!this.dirtyShards[s]) continue;
      if (this.writers[s]!.flush()) this.dirtyShards[s] = false;
      else backlog = true;
      this.shardBells[s]!.ring();
    }
    this.flushConnections();
    // A full request ring: the shard is behind; try again shortly rather than spin.
    if (backlog && !this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(this.flush, 1);
    }
  };

  private flushConnections(): void {
    // Swapped first: a flush may queue more (a closing connection's last words).
    const batch = this.toFlush;
    this.toFlush = this.flushing;
    this.flushing = batch;
    for (let i = 0; i < batch.length; i++) {
      const conn = batch[i]!;
      conn.flushQueued = false;
      conn.flushOutput();
    }
    batch.length = 0;
  }

  private awaitReplies(): void {
    const seen = this.bell.seen();
    this.drainReplies();
    this.bell.waitAsync(seen, this.onBell);
  }

  private readonly onBell = (): void => this.awaitReplies();

  private drainReplies(): void {
    let any = false;
    for (let s = 0; s < this.readers.length; s++) {
      this.draining = this.inFlight[s]!;
      if (this.readers[s]!.drain(this.onReply) > 0) any = true;
    }
    if (any) this.flushConnections();
  }

  /** The queue of the shard being drained: onReply is one function for every shard. */
  private draining: InFlight | null = null;

  private readonly onReply = (buf: Buffer, start: number, end: number): void => {
    const reqId = getU32(buf, start);
    const pending = this.draining!.take(reqId);
    if (pending === undefined) return;
    const conn = pending.conn!;
    if (conn.closed) return; // it went away meanwhile: drop the reply
    conn.onShardReply(pending, (reqId - pending.firstReqId) >>> 0, buf, start + 4, end);
    this.queueFlush(conn);
  };

  /** CONFIG SET's changes, applied on this thread: its copy of every directive, and its limits. */
  reconfigure(changes: readonly ConfigChange[]): void {
    const server = this.options.server;
    for (const { name, value } of changes) {
      server.config.set(name, value);
      if (name === 'requirepass') server.requirePass = value;
      else if (name === 'maxclients') this.options.maxClients = Number(value);
      else if (name === 'timeout') this.setIdleTimeout(Number(value));
    }
  }

  /** Seconds a client may stay idle (0: forever); the check runs once a second while it is on. */
  private setIdleTimeout(seconds: number): void {
    this.options.idleTimeout = seconds;
    if (seconds > 0 && this.idleTimer === null) this.idleTimer = setInterval(() => this.closeIdle(), 1000).unref();
    if (seconds === 0 && this.idleTimer !== null) {
      clearInterval(this.idleTimer);
      this.idleTimer = null;
    }
  }

  /**
   * Closes clients idle longer than `timeout`; subscribers, monitors and clients waiting in a
   * blocking command are exempt, as in Redis.
   */
  private closeIdle(): void {
    const limit = performance.now() - this.options.idleTimeout * 1000;
    for (const conn of this.connections) {
      if (conn.lastActive >= limit || conn.subscriptionCount() > 0 || conn.monitoring || conn.waitsOnBlocking()) continue;
      conn.destroy();
    }
  }


  /** Closes every client connection (shutdown). */
  closeAll(): void {
    for (const conn of this.connections) conn.destroy();
  }
}
