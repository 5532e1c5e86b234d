/**
 * A shard: the data of the slots mapped to it (16 databases), and the loop step that drains
 * every connection thread's request ring, runs each command against the keyspace, writes each
 * reply into the batch for that connection thread, and appends each write's effect to the
 * shard's write log. One Shard lives in one worker thread and nothing else touches its data,
 * so commands need no locks and are atomic by construction.
 */
import { COMMANDS } from '../commands/index.ts';
import { newShardStats, type ExecCtx, type ShardStats } from '../commands/table.ts';
import { ByteRing } from '../ring/byte-ring.ts';
import { readArgs, REQUEST_HEADER_BYTES, writeArgs, writeLogHeader } from '../ring/codec.ts';
import { Doorbell } from '../ring/doorbell.ts';
import { RingReader, RingWriter } from '../ring/framed.ts';
import type { Topology } from '../ring/topology.ts';
import { activeExpireCycle } from './expiry.ts';
import { Db } from './keyspace.ts';

export interface ShardOptions {
  id: number;
  topology: Topology;
  databases: number;
  protoMaxBulkLen: number;
  hz: number;
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
  private readonly argv: Buffer[] = [];
  private readonly repliedTo: boolean[];
  private propagated = false;
  private readonly cronIntervalMs: number;
  private nextCronAt = 0;

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
    this.cronIntervalMs = Math.max(1, Math.floor(1000 / opts.hz));
    // An expiry is a write like any other: slaves and the log must see the key go, in order.
    this.dbs.forEach((db, i) => {
      db.onExpired = (key) => {
        this.stats.expiredKeys++;
        this.appendLog(i, ['DEL', key]);
      };
    });
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
      config: { protoMaxBulkLen: opts.protoMaxBulkLen },
      shardId: opts.id,
      ownsSlot: (slot) => this.slotTable[slot] === this.id,
      stats: this.stats,
    };
  }

  /**
   * Drains every request ring once, runs what it found, and pushes the replies and log records
   * it produced. Returns true when there was anything to do (the caller then skips sleeping).
   */
  step(): boolean {
    const now = Date.now();
    this.ctx.now = now;
    for (const db of this.dbs) db.now = now;
    let handled = 0;
    for (let t = 0; t < this.readers.length; t++) {
      const writer = this.replyWriters[t]!;
      handled += this.readers[t]!.drain((buf, start, end) => this.execute(writer, buf, start, end));
      if (writer.pending() > 0) this.repliedTo[t] = true;
    }
    const backlog = this.flush();
    if (now >= this.nextCronAt) this.cron(now);
    return handled > 0 || backlog;
  }

  /** Pushes staged replies and log records; true while some could not be pushed yet. */
  flush(): boolean {
    let backlog = false;
    for (let t = 0; t < this.replyWriters.length; t++) {
      if (!this.repliedTo[t]) continue;
      if (this.replyWriters[t]!.flush()) this.repliedTo[t] = false;
      else backlog = true;
      this.connBells[t]!.ring();
    }
    if (this.log.pending() > 0) {
      if (!this.log.flush()) backlog = true;
      this.logBell.ring();
    }
    return backlog;
  }

  private execute(writer: RingWriter, buf: Buffer, start: number, end: number): void {
    const reqId = buf.readUInt32LE(start);
    const dbIndex = buf[start + 4]!;
    const spec = COMMANDS[buf.readUInt16LE(start + 6)]!;
    const argv = this.argv;
    readArgs(buf, start + REQUEST_HEADER_BYTES, argv);
    const ctx = this.ctx;
    const out = writer.out;
    const at = writer.beginMessage();
    out.ensure(4);
    out.buf.writeUInt32LE(reqId, out.len);
    out.len += 4;
    const replyStart = out.len;
    ctx.out = out;
    ctx.db = this.dbs[dbIndex]!;
    ctx.dbIndex = dbIndex;
    ctx.dirty = 0;
    this.propagated = false;
    try {
      spec.handler!(ctx, argv);
    } catch (err) {
      // A handler bug must cost one reply, never the shard and the data in it.
      out.len = replyStart;
      out.error(`ERR internal error in '${spec.name}': ${(err as Error).message}`);
      console.error(`shard ${this.id}: ${spec.name} failed:`, err);
    }
    writer.endMessage(at);
    this.stats.commandsProcessed++;
    if (ctx.dirty > 0 && !this.propagated) this.appendLog(dbIndex, argv);
    void end;
  }

  private appendLog(dbIndex: number, args: readonly (Uint8Array | string)[]): void {
    const out = this.log.out;
    const before = out.len;
    const at = this.log.beginMessage();
    writeLogHeader(out, dbIndex);
    writeArgs(out, args);
    this.log.endMessage(at);
    this.stats.logRecords++;
    this.stats.logBytes += out.len - before;
  }

  /** Periodic work, hz times a second: active expiry. */
  private cron(now: number): void {
    this.nextCronAt = now + this.cronIntervalMs;
    this.stats.expiredKeys += activeExpireCycle(this.dbs, now, (dbIndex, key) => {
      this.appendLog(dbIndex, ['DEL', key]);
    });
  }
}
