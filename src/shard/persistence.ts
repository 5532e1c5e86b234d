/**
 * A shard's side of persistence: the offset of its write log, loading at startup, snapshots
 * (SAVE, BGSAVE, `save` rules), and, under `appendfsync always`, holding replies until the
 * replicator says the log is fsynced up to the batch.
 *
 * The shard never writes the log itself: records go through the log ring to the replicator,
 * and so do the instructions that keep files and snapshots in step (LOG_ROTATE where a
 * snapshot begins, LOG_SNAPSHOT_DONE when its file is durable), in log order.
 */
import type { CommandSpec } from '../commands/table.ts';
import { loadShard } from '../log/loader.ts';
import { readManifest, type Manifest } from '../log/manifest.ts';
import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_ROTATE, LOG_SNAPSHOT_DONE } from '../ring/codec.ts';
import { SLOT_COUNT } from '../routing/slot.ts';
import type { Db } from './keyspace.ts';
import { SnapshotWriter } from './snapshot.ts';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export interface PersistenceOptions {
  dir: string;
  shardId: number;
  shardCount: number;
  /** The data set found at startup, or null for an empty directory. */
  manifest: Manifest | null;
  /** Where this shard's log continues (0 when the layout is new). */
  startOffset: number;
  /** appendonly yes: writes go to the log files (and so through the write-log ring). */
  appendonly: boolean;
  appendfsync: FsyncPolicy;
  /** `save <seconds> <changes>` rules. */
  saveRules: [number, number][];
  /** BigInt64Array per shard: the offset up to which the replicator has fsynced its log. */
  durable: SharedArrayBuffer;
}

/** Keys written per loop step while a snapshot is in progress. */
const SNAPSHOT_KEYS_PER_STEP = 2000;

export class ShardPersistence {
  logOffset: number;
  lastSaveMs = Date.now();
  lastSaveOk = true;
  changesSinceSave = 0;
  private changesAtStart = 0;
  private snapshot: SnapshotWriter | null = null;
  /** Snapshots begun and completed since startup (BACKUP waits for one begun after it). */
  started = 0;
  finished = 0;
  /** The file of the last completed snapshot. */
  lastSnapshot: string | null = null;
  /** Told when a snapshot completes (wakes commands waiting for it). */
  onSnapshotDone: (() => void) | null = null;
  private readonly opts: PersistenceOptions;
  private readonly dbs: readonly Db[];
  private readonly control: (kind: number, args: readonly string[]) => void;
  private readonly durable: BigInt64Array;

  constructor(opts: PersistenceOptions, dbs: readonly Db[], control: (kind: number, args: readonly string[]) => void) {
    this.opts = opts;
    this.dbs = dbs;
    this.control = control;
    this.logOffset = opts.startOffset;
    this.durable = new BigInt64Array(opts.durable);
  }

  /**
   * Whether writes must be staged as log records at all. With appendonly no the replicator
   * would only count them: nothing reads the log until replication does (it will need them
   * then too), so the shard skips encoding and pushing them, and the log offset stays where it
   * is (snapshots then keep their name, replaced by an atomic rename).
   */
  get logsWrites(): boolean {
    return this.opts.appendonly;
  }

  /** The data changed: counts towards the `save` rules. */
  noteChange(): void {
    this.changesSinceSave++;
  }

  /** A record of `payloadBytes` went to the log: on disk it takes 8 more (length, CRC). */
  noteRecord(payloadBytes: number): void {
    this.logOffset += payloadBytes + 8;
  }

  /** Replays the data found at startup through `apply`; returns the records applied. */
  load(apply: (db: number, spec: CommandSpec, argv: Buffer[]) => void): number {
    const m = this.opts.manifest;
    if (m === null) return 0;
    return loadShard(this.opts.dir, m, {
      shardId: this.opts.shardId,
      shardCount: this.opts.shardCount,
      apply,
      flushSlots: (db, inSlot) => {
        for (const d of db === -1 ? this.dbs : [this.dbs[db]!]) {
          for (let slot = 0; slot < SLOT_COUNT; slot++) {
            const keys = d.slotKeys(slot);
            if (keys !== undefined && inSlot(slot)) for (const key of [...keys.keys()]) d.delete(key);
          }
        }
      },
      swapSlots: (a, b, inSlot) => {
        for (let slot = 0; slot < SLOT_COUNT; slot++) if (inSlot(slot)) this.dbs[a]!.exchangeSlot(this.dbs[b]!, slot);
      },
    });
  }

  get saving(): boolean {
    return this.snapshot !== null;
  }

  /** Begins a background snapshot; false when one is already running. */
  startSnapshot(): boolean {
    if (this.snapshot !== null) return false;
    // The log restarts in a new segment exactly where the snapshot's data ends.
    this.control(LOG_ROTATE, []);
    const o = this.opts;
    this.snapshot = new SnapshotWriter(o.dir, o.shardId, o.shardCount, this.logOffset, this.dbs);
    this.changesAtStart = this.changesSinceSave;
    this.started++;
    return true;
  }

  /** SAVE: a snapshot written to the end before returning. Returns the file name. */
  saveNow(): string {
    this.startSnapshot();
    return this.finishSnapshot();
  }

  /** Called every loop step: writes a slice of the running snapshot, finishing it when done. */
  step(): void {
    if (this.snapshot !== null && this.snapshot.step(SNAPSHOT_KEYS_PER_STEP)) this.finishSnapshot();
  }

  /** Writes a running snapshot to the end now (before dbs change places). */
  finishRunning(): void {
    if (this.snapshot !== null) this.finishSnapshot();
  }

  private finishSnapshot(): string {
    const snap = this.snapshot!;
    let name: string;
    try {
      name = snap.finish();
    } catch (e) {
      snap.abort();
      this.snapshot = null;
      this.lastSaveOk = false;
      this.finished++;
      this.onSnapshotDone?.();
      console.error(`shard ${this.opts.shardId}: snapshot failed: ${(e as Error).message}`);
      return '';
    }
    this.snapshot = null;
    this.control(LOG_SNAPSHOT_DONE, [name, String(snap.offset)]);
    this.lastSaveMs = Date.now();
    this.lastSaveOk = true;
    this.changesSinceSave -= this.changesAtStart;
    this.finished++;
    this.lastSnapshot = name;
    this.onSnapshotDone?.();
    return name;
  }

  /** Starts a snapshot when a `save` rule is met. */
  cron(now: number): void {
    if (this.snapshot !== null || this.changesSinceSave === 0) return;
    for (const [seconds, changes] of this.opts.saveRules) {
      if (this.changesSinceSave >= changes && now - this.lastSaveMs >= seconds * 1000) {
        this.startSnapshot();
        return;
      }
    }
  }

  /** appendfsync always: every reply waits for its writes to reach the disk. */
  get syncsEveryWrite(): boolean {
    return this.opts.appendonly && this.opts.appendfsync === 'always';
  }

  /** Under appendfsync always: true while replies must wait for the log to reach the disk. */
  mustWaitForDisk(): boolean {
    return this.syncsEveryWrite && Atomics.load(this.durable, this.opts.shardId) < BigInt(this.logOffset);
  }

  /** Sleeps until the replicator has fsynced this shard's log up to logOffset (or timeoutMs). */
  waitForDisk(timeoutMs: number): void {
    const i = this.opts.shardId;
    const seen = Atomics.load(this.durable, i);
    if (seen < BigInt(this.logOffset)) Atomics.wait(this.durable, i, seen, timeoutMs);
  }

  /**
   * Hard-links the last snapshot into `toDir` (a backup keeps it even after the next snapshot
   * deletes the original); returns the link's path.
   */
  linkLastSnapshot(toDir: string): string {
    if (this.lastSnapshot === null) throw new Error('no snapshot to link');
    mkdirSync(toDir, { recursive: true });
    const target = join(toDir, this.lastSnapshot);
    rmSync(target, { force: true });
    linkSync(join(this.opts.dir, this.lastSnapshot), target);
    return target;
  }

  /**
   * Replaces this shard's data with a backup's (extracted to `dir` with its manifest), then
   * snapshots at once so that the log before the restore no longer counts.
   */
  restoreFrom(dir: string, apply: (db: number, spec: CommandSpec, argv: Buffer[]) => void): number {
    const manifest = readManifest(dir);
    if (manifest === null) throw new Error(`${dir}: no manifest`);
    this.close();
    for (const db of this.dbs) db.clear();
    const o = this.opts;
    const applied = loadShard(dir, manifest, {
      shardId: o.shardId,
      shardCount: o.shardCount,
      apply,
      flushSlots: () => {},
      swapSlots: () => {},
    });
    this.saveNow();
    return applied;
  }

  /**
   * Shutdown. With the log on, everything is in it already: a half-written snapshot is dropped.
   * With appendonly no and `save` rules, the snapshot is the only copy, so, as Redis does on
   * SIGTERM, the shard snapshots before it stops (finishing a running one, if any), unless told
   * not to (SHUTDOWN NOSAVE).
   */
  close(noSave = false): void {
    if (!noSave && !this.opts.appendonly && this.opts.saveRules.length > 0 && this.changesSinceSave > 0) {
      if (this.snapshot !== null) this.finishSnapshot();
      else this.saveNow();
      return;
    }
    this.snapshot?.abort();
    this.snapshot = null;
  }
}
