/**
 * The replicator worker: the one consumer of every shard's write-log ring. It appends each
 * shard's records to that shard's current log segment, fsyncs by the `appendfsync` policy and
 * publishes, per shard, the offset that is on disk (shards waiting under `always` read it).
 * It also acts on the shard's instructions that travel in the same stream: LOG_ROTATE starts a
 * new segment where a snapshot begins; LOG_SNAPSHOT_DONE records the finished snapshot in the
 * manifest and deletes the files it makes obsolete. The stream to slaves will attach here.
 */
import { closeSync, existsSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { ReplyWriter } from '../commands/replies.ts';
import { ByteRing } from '../ring/byte-ring.ts';
import { LOG_COMMAND, LOG_HEADER_BYTES, LOG_ROTATE, LOG_SNAPSHOT_DONE, readArgs } from '../ring/codec.ts';
import { Doorbell } from '../ring/doorbell.ts';
import { RingReader } from '../ring/framed.ts';
import { CONTROL_STOP_LOG, type Topology } from '../ring/topology.ts';
import type { FsyncPolicy } from '../shard/persistence.ts';
import { segmentName, writeManifest, type Manifest } from './manifest.ts';
import { appendRecordBytes, encodeSegmentHeader, RECORD_HEADER_BYTES } from './record.ts';

export interface ReplicatorData {
  topology: Topology;
  dir: string;
  appendonly: boolean;
  appendfsync: FsyncPolicy;
  manifest: Manifest;
  startOffsets: number[];
}

const data = workerData as ReplicatorData;
const { dir, manifest } = data;

class ShardLog {
  readonly shard: number;
  offset: number;
  private fd = -1;
  private readonly staged = new ReplyWriter(256 * 1024);
  /** Written to the file but not yet fsynced. */
  private unsynced = false;

  constructor(shard: number, offset: number) {
    this.shard = shard;
    this.offset = offset;
    if (data.appendonly) this.openSegment();
  }

  /** Opens the segment that starts at the current offset, creating it if needed. */
  private openSegment(): void {
    const name = segmentName(this.shard, manifest.shardCount, this.offset);
    const path = join(dir, name);
    const fresh = !existsSync(path);
    this.fd = openSync(path, 'a');
    if (fresh) {
      const header = encodeSegmentHeader({ shard: this.shard, shardCount: manifest.shardCount, baseOffset: this.offset });
      writeSync(this.fd, header);
      fsyncSync(this.fd);
    }
    const files = manifest.shards[this.shard]!;
    if (!files.segments.includes(name)) {
      files.segments.push(name);
      writeManifest(dir, manifest);
    }
  }

  append(buf: Buffer, start: number, end: number): void {
    const len = end - start;
    this.offset += RECORD_HEADER_BYTES + len;
    if (!data.appendonly) return;
    appendRecordBytes(this.staged, buf.subarray(start, end));
  }

  /** Writes what is staged to the file. */
  write(): void {
    const out = this.staged;
    let at = 0;
    while (at < out.len) at += writeSync(this.fd, out.buf, at, out.len - at);
    if (out.len > 0) this.unsynced = true;
    out.reset();
  }

  sync(): void {
    if (!this.unsynced) return;
    fsyncSync(this.fd);
    this.unsynced = false;
  }

  rotate(): void {
    if (!data.appendonly) return;
    this.write();
    this.sync();
    closeSync(this.fd);
    this.openSegment();
  }

  /** The snapshot `name` holds everything before `offset`: older files can go. */
  snapshotDone(name: string, offset: number): void {
    this.write();
    this.sync();
    const files = manifest.shards[this.shard]!;
    const obsolete = [files.snapshot, ...files.segments.filter((s) => s !== segmentName(this.shard, manifest.shardCount, offset))];
    files.snapshot = name;
    files.snapshotOffset = offset;
    files.segments = data.appendonly ? [segmentName(this.shard, manifest.shardCount, offset)] : [];
    writeManifest(dir, manifest);
    for (const file of obsolete) {
      if (file !== null && file !== name) {
        try {
          unlinkSync(join(dir, file));
        } catch {
          // already gone
        }
      }
    }
  }
}

/**
 * How often the replicator drains the log rings unprompted. Shards ring it only when a reply
 * waits for the disk (appendfsync always) or a ring is full, so under everysec and no this is
 * how far the log lags the data: well inside everysec's one second.
 */
const REPLICATOR_POLL_MS = 10;

const topology = data.topology;
const logs = data.startOffsets.map((offset, shard) => new ShardLog(shard, offset));
const readers = topology.logs.map((sab) => new RingReader(new ByteRing(sab)));
const bell = new Doorbell(topology.logBell);
const control = new Int32Array(topology.control);
const durable = new BigInt64Array(topology.durable);
const args: Buffer[] = [];
let lastSync = Date.now();

function drain(): void {
  readers.forEach((reader, shard) => {
    const log = logs[shard]!;
    reader.drain((buf, start, end) => {
      switch (buf[start]) {
        case LOG_COMMAND:
          return log.append(buf, start, end);
        case LOG_ROTATE:
          return log.rotate();
        case LOG_SNAPSHOT_DONE:
          readArgs(buf, start + LOG_HEADER_BYTES, args);
          return log.snapshotDone(args[0]!.latin1Slice(), Number(args[1]!.latin1Slice()));
      }
    });
    log.write();
  });
}

/** Fsyncs by policy and tells the shards how far their logs are safe. */
function publish(now: number): void {
  const syncNow = data.appendfsync === 'always' || (data.appendfsync === 'everysec' && now - lastSync >= 1000);
  if (syncNow) {
    for (const log of logs) log.sync();
    lastSync = now;
  }
  logs.forEach((log, shard) => {
    if (Atomics.load(durable, shard) !== BigInt(log.offset)) {
      Atomics.store(durable, shard, BigInt(log.offset));
      // Only shards under appendfsync always sleep on this word.
      if (data.appendfsync === 'always') Atomics.notify(durable, shard);
    }
  });
}

for (;;) {
  const seen = bell.seen();
  drain();
  publish(Date.now());
  if (Atomics.load(control, CONTROL_STOP_LOG) !== 0) break;
  bell.wait(seen, REPLICATOR_POLL_MS);
}
drain();
for (const log of logs) log.sync();
