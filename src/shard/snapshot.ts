/**
 * A shard's snapshot, written by the shard itself while it keeps serving: at the start it
 * notes every key (per db) as pending and the log offset the snapshot will match; between
 * batches it writes pending keys out in slices; a key about to change before its turn is
 * written out first (Db.beforeChange), so the file holds every key as it was at the start.
 * Writes go to a temp file, which is fsynced and renamed into place when complete.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ReplyWriter } from '../commands/replies.ts';
import { snapshotName, syncDir } from '../log/manifest.ts';
import { appendRecordBytes, encodeSegmentHeader, SNAPSHOT_MAGIC } from '../log/record.ts';
import { LOG_COMMAND, LOG_SNAPSHOT_END, writeArgs, writeLogHeader } from '../ring/codec.ts';
import type { Db } from './keyspace.ts';
import { emitKey } from './serialize.ts';

/** Flush the write buffer to the file past this size. */
const WRITE_CHUNK = 1 << 20;

export class SnapshotWriter {
  readonly offset: number;
  readonly name: string;
  private readonly dir: string;
  private readonly dbs: readonly Db[];
  private readonly pending: Set<string>[];
  private readonly fd: number;
  private readonly out = new ReplyWriter(WRITE_CHUNK + 64 * 1024);
  private readonly payload = new ReplyWriter(4096);
  private records = 0;
  private dbCursor = 0;

  constructor(dir: string, shardId: number, shardCount: number, offset: number, dbs: readonly Db[]) {
    this.dir = dir;
    this.dbs = dbs;
    this.offset = offset;
    this.name = snapshotName(shardId, shardCount, offset);
    this.pending = dbs.map((db) => new Set(db.data.keys()));
    this.fd = openSync(this.tempPath(), 'w');
    this.out.raw(encodeSegmentHeader({ shard: shardId, shardCount, baseOffset: offset }, SNAPSHOT_MAGIC));
    dbs.forEach((db, i) => {
      db.beforeChange = (key) => this.saveKey(i, key);
      db.beforeClear = () => this.saveDb(i);
    });
  }

  private tempPath(): string {
    return join(this.dir, `${this.name}.tmp`);
  }

  /** Writes key out now if it is still pending (it is about to change). */
  saveKey(dbIndex: number, key: string): void {
    if (!this.pending[dbIndex]!.delete(key)) return;
    const db = this.dbs[dbIndex]!;
    const value = db.data.get(key);
    if (value === undefined) return;
    emitKey(key, value, db.expires.get(key), (args) => this.record(LOG_COMMAND, dbIndex, args));
    if (this.out.len >= WRITE_CHUNK) this.flushBuffer();
  }

  private saveDb(dbIndex: number): void {
    for (const key of this.pending[dbIndex]!) this.saveKey(dbIndex, key);
  }

  /** Writes up to `budget` pending keys; true once every key is written. */
  step(budget: number): boolean {
    while (budget > 0 && this.dbCursor < this.pending.length) {
      const keys = this.pending[this.dbCursor]!;
      if (keys.size === 0) {
        this.dbCursor++;
        continue;
      }
      for (const key of keys) {
        this.saveKey(this.dbCursor, key);
        if (--budget === 0) break;
      }
    }
    return this.dbCursor >= this.pending.length;
  }

  /** Closes the file durably under its final name; returns that name. */
  finish(): string {
    this.step(Infinity);
    this.record(LOG_SNAPSHOT_END, 0, [String(this.records)]);
    this.flushBuffer();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tempPath(), join(this.dir, this.name));
    syncDir(this.dir);
    this.detach();
    return this.name;
  }

  /** Gives up (shutdown, or an error): removes the temp file. */
  abort(): void {
    this.detach();
    try {
      closeSync(this.fd);
      unlinkSync(this.tempPath());
    } catch {
      // already gone
    }
  }

  private detach(): void {
    for (const db of this.dbs) {
      db.beforeChange = null;
      db.beforeClear = null;
    }
  }

  private record(kind: number, dbIndex: number, args: readonly (string | Uint8Array)[]): void {
    const p = this.payload;
    p.reset();
    writeLogHeader(p, kind, dbIndex);
    writeArgs(p, args);
    appendRecordBytes(this.out, p.view());
    this.records++;
  }

  private flushBuffer(): void {
    let at = 0;
    while (at < this.out.len) at += writeSync(this.fd, this.out.buf, at, this.out.len - at);
    this.out.reset();
  }
}
