/**
 * A shard: the data of the slots mapped to it (16 databases), and the loop step that drains
 * every connection thread's request ring, runs each command against the keyspace, writes each
 * reply into the batch for that connection thread, and appends each write's effect to the
 * shard's write log. One Shard lives in one worker thread and nothing else touches its data,
 * so commands need no locks and are atomic by construction.
 */
import { COMMANDS, lookupCommand } from '../commands/index.ts';
import { NULL_ARRAY, ReplyWriter } from '../commands/replies.ts';
import { forEachKeyIndex, newShardStats, READONLY, RunsOn, SNAPSHOT_DONE_KEY, WRITE, type CommandSpec, type ExecCtx, type ShardStats } from '../commands/table.ts';
import { ByteRing } from '../ring/byte-ring.ts';
import { getU32, putU32 } from '../ring/bytes.ts';
import { CANCEL_BLOCKED, LOG_COMMAND, REQUEST_HEADER_BYTES, RequestArgs, requestCmdId, requestDb, requestSlot1, writeArgs,
  writeLogHeader } from '../ring/codec.ts';
import { Doorbell } from '../ring/doorbell.ts';
import { RingReader, RingWriter } from '../ring/framed.ts';
import { GAUGE_BLOCKED_CLIENTS, type Topology } from '../ring/topology.ts';
import { BlockingRegistry, type Blocked } from './blocking.ts';
import { WatchRegistry } from './watches.ts';
import { encodeTransactionRecord } from '../commands/transactions.ts';
import { SlowLog } from './slowlog.ts';
import { ScriptEngine, type ScriptCall } from './scripting.ts';
import { activeExpireCycle } from './expiry.ts';
import { Db, keyString } from './keyspace.ts';
import { List } from './types/list.ts';
import { ShardPersistence, type PersistenceOptions } from './persistence.ts';
import { performance } from 'node:perf_hooks';

export interface ShardOptions {
  id: number;
  topology: Topology;
  databases: number;
  protoMaxBulkLen: number;
  hz: number;
  slowlog: { thresholdUs: number; maxLen: number; shardCount: number };
  persistence: PersistenceOptions;
}

export class Shard {
  readonly id: number;
  readonly dbs: Db[];
  readonly stats: ShardStats = newShardStats();
  private readonly readers: RingReader[];
  private readonly replyWriters: RingWriter[];
  private readonly connBells: Doorbell[];
  private readonly log: RingWriter;
  private readonly logBell: Doorbell;
  private readonly slotTable: Uint16Array;
  private readonly ctx: ExecCtx;
  /** The request being run, as found in the inbox; `argv` holds its views once made. */
  private readonly args = new RequestArgs();
  private readonly argv: Buffer[] = [];
  /** performance.now() when the last command ended (or the batch began), for the slow log. */
  private clockMark = 0;
  private readonly repliedTo: boolean[];
  private propagated = false;
  private readonly blocking = new BlockingRegistry();
  private readonly watches = new WatchRegistry();
  /** While a transaction runs: the effects it will log as one record. */
  private txEffects: (readonly (Uint8Array | string)[])[] | null = null;
  /** Made with the shard's first script: Lua and the scripts compiled here. */
  private scriptEngine: ScriptEngine | null = null;
  private scriptOut: ReplyWriter | null = null;
  readonly slowlog: SlowLog;
  /** Set when the running handler called ctx.block(): [keys, deadline]. */
  private parked: [readonly string[], number] | null = null;
  private readonly gauges: Int32Array;
  /** Periodic work runs every this many ms (hz times a second); idle drivers wake as often. */
  readonly cronIntervalMs: number;
  private nextCronAt = 0;
  readonly persistence: ShardPersistence;
  /** While replaying files at startup: nothing reaches the log again. */
  private loading = false;

  constructor(opts: ShardOptions) {
    const t = opts.topology;
    this.id = opts.id;
    this.dbs = Array.from({ length: opts.databases }, () => new Db());
    this.readers = t.requests.map((row) => new RingReader(new ByteRing(row[opts.id]!)));
    this.replyWriters = t.replies[opts.id]!.map((sab) => new RingWriter(new ByteRing(sab)));
    this.connBells = t.connBells.map((sab) => new Doorbell(sab));
    this.repliedTo = this.connBells.map(() => false);
    this.log = new RingWriter(new ByteRing(t.logs[opts.id]!));
    this.logBell = new Doorbell(t.logBell);
    this.slotTable = new Uint16Array(t.slotTable);
    this.gauges = new Int32Array(t.gauges);
    this.cronIntervalMs = Math.max(1, Math.floor(1000 / opts.hz));
    const sl = opts.slowlog;
    this.slowlog = new SlowLog(opts.id, sl.shardCount, sl.thresholdUs, sl.maxLen);
    this.persistence = new ShardPersistence(opts.persistence, this.dbs, (kind, args) => this.appendRecord(kind, 0, args));
    this.persistence.onSnapshotDone = () => this.dbs.forEach((_, i) => this.blocking.signal(i, SNAPSHOT_DONE_KEY));
    this.bindDbHooks();
    const shard = this;
    this.ctx = {
      db: this.dbs[0]!,
      dbIndex: 0,
      dbs: this.dbs,
      now: Date.now(),
      out: this.replyWriters[0]!.out,
      dirty: 0,
      propagate(args) {
        shard.propagated = true;
        shard.appendLog(this.dbIndex, args);
      },
      config: { protoMaxBulkLen: opts.protoMaxBulkLen, activeExpire: true },
      shardId: opts.id,
      ownsSlot: (slot) => this.slotTable[slot] === this.id,
      stats: this.stats,
      block: (keys, deadlineMs) => {
        this.parked = [keys, deadlineMs];
      },
      signalReady(key) {
        shard.blocking.signal(this.dbIndex, key);
      },
      execTransaction: (commands) => this.runTransaction(commands),
      scripts: () => (this.scriptEngine ??= new ScriptEngine()),
      runScript: (body) => this.runScript(body),
      swapDbs: (a, b) => this.swapDbs(a, b),
      slowlog: this.slowlog,
      watches: {
        watch: (clientId, keys) => this.watches.watch(clientId, this.ctx.dbIndex, keys),
        unwatch: (clientId) => this.watches.unwatch(clientId),
        isDirty: (clientId) => this.watches.isDirty(clientId),
      },
      persistence: {
        bgsave: () => this.persistence.startSnapshot(),
        save: () => this.persistence.saveNow() !== '',
        lastSaveMs: () => this.persistence.lastSaveMs,
        logOffset: () => this.persistence.logOffset,
        saving: () => this.persistence.saving,
        started: () => this.persistence.started,
        finished: () => this.persistence.finished,
        linkLastSnapshot: (dir) => this.persistence.linkLastSnapshot(dir),
        restoreFrom: (dir) => this.replay(() => this.persistence.restoreFrom(dir, this.applyLoaded)),
      },
    };
  }

  /** Replays the data directory into this shard (startup); returns the records applied. */
  load(): number {
    return this.replay(() => this.persistence.load(this.applyLoaded));
  }

  /** Runs a replay with logging off: what is replayed is already on disk. */
  private replay(work: () => number): number {
    // Restores the running command's context after (a restore runs inside a command); what the
    // replay changed must not count as that command's changes.
    const saved = { out: this.ctx.out, db: this.ctx.db, dbIndex: this.ctx.dbIndex, dirty: this.ctx.dirty };
    this.loading = true;
    try {
      return work();
    } finally {
      this.loading = false;
      Object.assign(this.ctx, saved);
    }
  }

  private readonly loadSink = new ReplyWriter(1024);

  /** Applies one replayed command; a replayed command that fails means the files are wrong. */
  private readonly applyLoaded = (dbIndex: number, spec: CommandSpec, argv: Buffer[]): void => {
    const ctx = this.ctx;
    const sink = this.loadSink;
    const now = Date.now();
    ctx.now = now;
    for (const db of this.dbs) db.now = now;
    sink.reset();
    ctx.out = sink;
    ctx.db = this.dbs[dbIndex]!;
    ctx.dbIndex = dbIndex;
    ctx.dirty = 0;
    spec.handler!(ctx, argv);
    if (sink.len > 0 && sink.buf[0] === 0x2d /* '-' */) {
      throw new Error(`${spec.name} failed: ${sink.buf.toString('latin1', 1, sink.len - 2)}`);
    }
  };

  /**
   * Drains every request ring once, runs what it found, and pushes the replies and log records
   * it produced. Returns true when there was anything to do (the caller then skips sleeping).
   */
  step(): boolean {
    const now = Date.now();
    this.setClock(now);
    let handled = 0;
    for (let t = 0; t < this.readers.length; t++) {
      handled += this.readers[t]!.drain((buf, start) => this.execute(t, buf, start));
    }
    if (this.blocking.size > 0) this.timeOutBlocked(now);
    if (this.persistence.saving) this.persistence.step();
    if (this.blocking.hasReady()) this.serveReady();
    const backlog = this.flush();
    if (now >= this.nextCronAt) this.cron(now);
    return handled > 0 || backlog;
  }

  /** Fixes the time commands see (expiry, ctx.now) until the next call: once per batch. */
  setClock(now: number): void {
    this.ctx.now = now;
    for (const db of this.dbs) db.now = now;
    if (this.slowlog.enabled) this.clockMark = performance.now();
  }

  /**
   * Pushes staged log records, then (once the log is on disk, under appendfsync always) the
   * staged replies. True while something could not be pushed yet.
   */
  flush(): boolean {
    let backlog = false;
    if (this.log.pending() > 0) {
      if (!this.log.flush()) backlog = true;
      // The replicator drains every REPLICATOR_POLL_MS on its own; waking it costs an
      // Atomics.notify per batch (~a fifth of a shard's time under pipelined SETs), worth paying
      // only when a reply waits for the disk or the ring is full.
      if (backlog || this.persistence.syncsEveryWrite) this.logBell.ring();
    }
    // Group commit: every reply of the batch waits for one fsync covering all of its writes.
    while (this.persistence.mustWaitForDisk()) {
      if (this.log.pending() > 0 && this.log.flush()) this.logBell.ring();
      this.persistence.waitForDisk(100);
    }
    for (let t = 0; t < this.replyWriters.length; t++) {
      if (!this.repliedTo[t]) continue;
      if (this.replyWriters[t]!.flush()) this.repliedTo[t] = false;
      else backlog = true;
      this.connBells[t]!.ring();
    }
    return backlog;
  }

  /**
   * Shutdown: pushes what is staged, writes the last snapshot (unless noSave), and makes sure
   * what that logged reaches the replicator, which runs until every shard has closed.
   */
  close(noSave: boolean): void {
    this.flush();
    this.persistence.close(noSave);
    this.flushLog();
  }

  /** Pushes every staged log record, waiting for the replicator to make room. */
  private flushLog(): void {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!this.log.flush()) {
      this.logBell.ring();
      Atomics.wait(pause, 0, 0, 1);
    }
    this.logBell.ring();
  }

  private execute(thread: number, buf: Buffer, start: number): void {
    const reqId = getU32(buf, start);
    const dbIndex = requestDb(buf, start);
    const cmdId = requestCmdId(buf, start);
    if (cmdId === CANCEL_BLOCKED) return this.cancelBlocked(thread, reqId);
    const spec = COMMANDS[cmdId]!;
    this.args.read(buf, start + REQUEST_HEADER_BYTES, requestSlot1(buf, start));
    if (this.run(thread, reqId, dbIndex, spec, null)) {
      // Its arguments are in the inbox: keep a copy for the retries.
      const argv = this.args.views([]).map((a) => Buffer.from(a));
      const [keys, deadlineMs] = this.parked!;
      this.blocking.park({ thread, reqId, db: dbIndex, spec, argv, keys: [...keys], deadlineMs });
      Atomics.add(this.gauges, GAUGE_BLOCKED_CLIENTS, 1);
    }
    if (this.blocking.hasReady()) this.serveReady();
  }

  /**
   * Runs one command and writes its reply for connection thread `thread`; argv null means the
   * request just read into `this.args`, which a row's direct handler can run from in place.
   * Returns true when the handler parked it instead (then nothing was written).
   */
  private run(thread: number, reqId: number, dbIndex: number, spec: CommandSpec, given: Buffer[] | null): boolean {
    const writer = this.replyWriters[thread]!;
    const at = this.beginReply(writer, reqId);
    if (this.invoke(dbIndex, spec, given, writer.out)) {
      writer.abandonMessage(at);
      return true;
    }
    writer.endMessage(at);
    this.repliedTo[thread] = true;
    return false;
  }

  /**
   * inline-shard: runs a command framed in the connection thread's read, its reply written
   * straight into the client's output `out`: no ring either way. Only commands that cannot
   * park come here (not the blocking pops), and only when nothing is ahead of the command in
   * its connection's reply order. The slow log times it from its own clock read, since what
   * ran on the thread before it is the connection's work, not the shard's; except when it
   * `followsLast`, the command run here just before it, framed just before it in the same read:
   * then from the end of that one (its own framing and routing included, well under a µs). At
   * pipeline 16 that is one clock read per command instead of two (~4% of a GET).
   */
  runFramed(
    dbIndex: number,
    spec: CommandSpec,
    buf: Buffer,
    starts: Int32Array,
    ends: Int32Array,
    argc: number,
    out: ReplyWriter,
    followsLast: boolean,
  ): void {
    this.args.locate(buf, starts, ends, argc);
    this.runOutsideRings(dbIndex, spec, null, out, !followsLast);
  }

  /** runFramed() for a command given as argv (views valid during the call). */
  runArgv(dbIndex: number, spec: CommandSpec, argv: Buffer[], out: ReplyWriter): void {
    this.runOutsideRings(dbIndex, spec, argv, out, true);
  }

  private runOutsideRings(dbIndex: number, spec: CommandSpec, given: Buffer[] | null, out: ReplyWriter, readClock: boolean): void {
    if (this.slowlog.enabled && readClock) this.clockMark = performance.now();
    // A command that parked here would have no request to answer later: that is a routing bug.
    if (this.invoke(dbIndex, spec, given, out)) out.error(`ERR internal error: '${spec.name}' waited outside a ring`);
    if (this.blocking.hasReady()) this.serveReady();
  }

  /** Runs one command, its reply written into out; true when it parked instead (no reply). */
  private invoke(dbIndex: number, spec: CommandSpec, given: Buffer[] | null, out: ReplyWriter): boolean {
    const ctx = this.ctx;
    const replyStart = out.len;
    ctx.out = out;
    ctx.db = this.dbs[dbIndex]!;
    ctx.dbIndex = dbIndex;
    ctx.dirty = 0;
    this.propagated = false;
    this.parked = null;
    if (this.persistence.saving) {
      const writing = (spec.flags & WRITE) !== 0;
      for (const db of this.dbs) db.writing = writing;
    }
    let argv = given;
    const db = ctx.db;
    db.countsReads = (spec.flags & READONLY) !== 0;
    try {
      if (argv === null && (spec.direct === undefined || !spec.direct(ctx, this.args))) argv = this.args.views(this.argv);
      if (argv !== null) spec.handler!(ctx, argv);
    } catch (err) {
      // A handler bug must cost one reply, never the shard and the data in it.
      out.len = replyStart;
      this.parked = null;
      out.error(`ERR internal error in '${spec.name}': ${(err as Error).message}`);
      console.error(`shard ${this.id}: ${spec.name} failed:`, err);
    }
    db.countsReads = false; // lookups outside commands (serving a blocked pop ...) are not reads
    if (this.slowlog.enabled) this.timeCommand(spec, argv);
    if (ctx.dirty > 0 && !this.propagated) this.appendLog(dbIndex, argv);
    if (ctx.dirty > 0 && this.watches.size > 0) this.touchWatched(spec, argv ?? this.args.views(this.argv), dbIndex);
    if (this.parked !== null) return true;
    this.stats.commandsProcessed++;
    return false;
  }

  /**
   * Slow log: one clock read per command, its time since the previous one ended (or the batch
   * began), which adds only the ring's framing around the handler; two reads per command were
   * ~10% of a shard's time under pipelined GETs.
   */
  private timeCommand(spec: CommandSpec, argv: Buffer[] | null): void {
    const now = performance.now();
    const micros = (now - this.clockMark) * 1000;
    this.clockMark = now;
    if (this.slowlog.restartClock) {
      this.slowlog.restartClock = false;
      return;
    }
    // A command every shard runs (KEYS, SLOWLOG ...) is one command: shard 0 times it.
    if (spec.runsOn === RunsOn.ALL && this.id !== 0) return;
    if (micros >= this.slowlog.thresholdUs) this.slowlog.record(argv ?? this.args.views(this.argv), this.ctx.now, micros);
  }

  /** Runs a transaction's commands and logs what they changed as one record. */
  private runTransaction(commands: readonly Buffer[][]): void {
    this.asOneRecord(() => {
      for (const argv of commands) this.runNested(argv);
    });
  }

  /**
   * A script's commands (EVAL): each runs as a transaction's does, its reply handed back to the
   * script instead of written out; their writes are logged as one record.
   */
  private runScript(body: (call: ScriptCall) => void): void {
    const ctx = this.ctx;
    const out = ctx.out;
    const scratch = (this.scriptOut ??= new ReplyWriter(256));
    this.asOneRecord(() =>
      body((argv) => {
        scratch.reset();
        ctx.out = scratch;
        try {
          this.runNested(argv);
        } finally {
          ctx.out = out;
        }
        return Buffer.from(scratch.view());
      }),
    );
  }

  /** Runs fn with the write log collecting its effects, then logs them as one record. */
  private asOneRecord(fn: () => void): void {
    const outer = this.txEffects;
    this.txEffects = [];
    try {
      fn();
    } finally {
      const effects = this.txEffects;
      this.txEffects = outer;
      if (effects.length === 1) this.appendLog(this.ctx.dbIndex, effects[0]!);
      else if (effects.length > 1) this.appendLog(this.ctx.dbIndex, encodeTransactionRecord(effects));
    }
  }

  /**
   * One command of a transaction (slotkv-exec): runs its handler into the transaction's reply,
   * logs and marks watched keys as run() does, and answers nil where it would block.
   */
  private runNested(argv: Buffer[]): void {
    const ctx = this.ctx;
    const spec = lookupCommand(argv[0]!.latin1Slice())!;
    const outer = { dirty: ctx.dirty, propagated: this.propagated };
    ctx.dirty = 0;
    this.propagated = false;
    this.parked = null;
    spec.handler!(ctx, argv);
    if (this.parked !== null) {
      this.parked = null;
      ctx.out.nullArray();
    }
    if (ctx.dirty > 0 && !this.propagated) this.appendLog(ctx.dbIndex, argv);
    if (ctx.dirty > 0 && this.watches.size > 0) this.touchWatched(spec, argv, ctx.dbIndex);
    ctx.dirty = outer.dirty;
    this.propagated = outer.propagated;
  }

  /** A command changed something: the clients watching its keys see it. */
  private touchWatched(spec: CommandSpec, argv: Buffer[], dbIndex: number): void {
    if (spec.firstKey === 0 && spec.keys === undefined) {
      this.watches.touchAll(spec.name === 'flushall' ? -1 : dbIndex);
      return;
    }
    forEachKeyIndex(spec, argv.length, (i) => this.watches.touch(dbIndex, keyString(argv[i]!)), argv);
    // MOVE changes the key in the target db too.
    if (spec.name === 'move') this.watches.touch(Number(argv[2]!.latin1Slice()), keyString(argv[1]!));
  }

  /** Re-runs the commands waiting on keys that writes signalled ready, oldest first. */
  private serveReady(): void {
    while (this.blocking.hasReady()) {
      for (const waiters of this.blocking.takeReady()) {
        for (const b of waiters) {
          // A waiter on several keys readied together is listed under each: serve it once.
          if (this.blocking.find(b.thread, b.reqId) !== b) continue;
          if (this.run(b.thread, b.reqId, b.db, b.spec, b.argv)) continue; // still nothing
          this.unpark(b);
        }
      }
    }
  }

  private unpark(b: Blocked): void {
    this.blocking.unpark(b);
    Atomics.sub(this.gauges, GAUGE_BLOCKED_CLIENTS, 1);
  }

  /** A parked command's time ran out: the client gets a null array. */
  private timeOutBlocked(now: number): void {
    for (const b of this.blocking.expired(now)) {
      this.unpark(b);
      this.replyRaw(b.thread, b.reqId, NULL_ARRAY);
    }
  }

  /** The client went away: forget its parked command, answering so its request id is freed. */
  private cancelBlocked(thread: number, reqId: number): void {
    const b = this.blocking.find(thread, reqId);
    if (b === undefined) return; // already served; that reply frees the id
    this.unpark(b);
    this.replyRaw(thread, reqId, NULL_ARRAY);
  }

  private replyRaw(thread: number, reqId: number, bytes: Buffer): void {
    const writer = this.replyWriters[thread]!;
    const at = this.beginReply(writer, reqId);
    writer.out.raw(bytes);
    writer.endMessage(at);
    this.repliedTo[thread] = true;
  }

  /** Starts the reply message to request reqId: its id, then the RESP bytes the caller writes. */
  private beginReply(writer: RingWriter, reqId: number): number {
    const at = writer.beginMessage();
    const out = writer.out;
    out.ensure(4);
    putU32(out.buf, out.len, reqId);
    out.len += 4;
    return at;
  }

  /** How long the worker may sleep before a parked command's deadline. */
  sleepBudget(maxMs: number): number {
    if (this.blocking.size === 0) return maxMs;
    return Math.max(1, Math.min(maxMs, this.blocking.nextDeadline() - Date.now() + 1));
  }

  /** Logs a write's effect; args null means the request in `this.args`, as received. */
  private appendLog(dbIndex: number, args: readonly (Uint8Array | string)[] | null): void {
    if (this.loading) return;
    if (this.txEffects !== null) {
      // Inside a transaction: its effects go to the log together, at its end. The views stay
      // valid until then (they point into the request being run).
      this.txEffects.push(args ?? this.args.views([]));
      return;
    }
    this.persistence.noteChange();
    if (!this.persistence.logsWrites) return;
    const bytes = args === null ? this.appendRequestRecord(dbIndex) : this.appendRecord(LOG_COMMAND, dbIndex, args);
    this.persistence.noteRecord(bytes);
    this.stats.logRecords++;
  }

  /** Stages the request in `this.args` as a LOG_COMMAND record, its arguments as received. */
  private appendRequestRecord(dbIndex: number): number {
    const out = this.log.out;
    const at = this.log.beginMessage();
    writeLogHeader(out, LOG_COMMAND, dbIndex);
    this.args.write(out);
    this.log.endMessage(at);
    return out.len - at - 4;
  }

  /** Stages one write-log record; returns its payload size. */
  private appendRecord(kind: number, dbIndex: number, args: readonly (Uint8Array | string)[]): number {
    const out = this.log.out;
    const at = this.log.beginMessage();
    writeLogHeader(out, kind, dbIndex);
    writeArgs(out, args);
    this.log.endMessage(at);
    return out.len - at - 4;
  }

  /**
   * An expiry is a write like any other: slaves and the log must see the key go, in order, and a
   * client watching the key must see it change. Each db reports with its index, so this runs
   * again whenever dbs change places.
   */
  private bindDbHooks(): void {
    this.dbs.forEach((db, i) => {
      db.onExpired = (key) => {
        this.stats.expiredKeys++;
        this.expired(i, key);
      };
    });
  }

  private swapDbs(a: number, b: number): void {
    // A snapshot tracks its pending keys by db index: let it finish before indexes move.
    this.persistence.finishRunning();
    const dbs = this.dbs;
    [dbs[a], dbs[b]] = [dbs[b]!, dbs[a]!];
    this.bindDbHooks();
    if (this.watches.size > 0) {
      this.watches.touchAll(a);
      this.watches.touchAll(b);
    }
    // Redis's scanDatabaseForReadyKeys: a client blocked in either db on a key that now holds a
    // list is served (the blocking pops wait on lists only; any other type leaves it waiting).
    for (const db of [a, b]) {
      for (const key of this.blocking.keysIn(db)) {
        if (dbs[db]!.peek(key) instanceof List) this.blocking.signal(db, key);
      }
    }
  }

  /** A key expired (lazily or actively): log its deletion, and tell whoever watches it. */
  private expired(dbIndex: number, key: string): void {
    this.appendLog(dbIndex, ['DEL', key]);
    if (this.watches.size > 0) this.watches.touch(dbIndex, key);
  }

  /** Periodic work, hz times a second: active expiry. */
  private cron(now: number): void {
    this.nextCronAt = now + this.cronIntervalMs;
    this.persistence.cron(now);
    if (!this.ctx.config.activeExpire) return;
    this.stats.expiredKeys += activeExpireCycle(this.dbs, now, (dbIndex, key) => this.expired(dbIndex, key));
  }
}
