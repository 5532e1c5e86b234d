/**
 * Loading a shard's data at startup: its snapshot, then the log after the snapshot's offset,
 * each record replayed through the same handlers that made it. When the shard count changed
 * since the files were written, every shard reads every old shard's files and keeps only the
 * keys of its own slots: data is routed by slot, not by file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookupCommand } from '../commands/index.ts';
import { decodeCommands } from '../commands/transactions.ts';
import { forEachKeyIndex, RunsOn, type CommandSpec } from '../commands/table.ts';
import { DataDirError } from '../errors.ts';
import { LOG_COMMAND, LOG_HEADER_BYTES, readArgs } from '../ring/codec.ts';
import { shardOfSlot, slotOfBytes } from '../routing/slot.ts';
import type { Manifest } from './manifest.ts';
import { decodeSegmentHeader, scanRecords, SEGMENT_HEADER_BYTES } from './record.ts';

export interface LoadTarget {
  shardId: number;
  shardCount: number;
  /** Runs one logged command against the keyspace (never logging it again). */
  apply(db: number, spec: CommandSpec, argv: Buffer[]): void;
  /** Deletes every key of db (all dbs when db is -1) whose slot `inSlot` accepts. */
  flushSlots(db: number, inSlot: (slot: number) => boolean): void;
  /** Swaps dbs a and b for the keys whose slot `inSlot` accepts. */
  swapSlots(a: number, b: number, inSlot: (slot: number) => boolean): void;
}

/** Loads what the manifest holds for target; returns the number of records applied. */
export function loadShard(dir: string, manifest: Manifest, target: LoadTarget): number {
  const sameLayout = manifest.shardCount === target.shardCount;
  let applied = 0;
  manifest.shards.forEach((files, oldShard) => {
    if (sameLayout && oldShard !== target.shardId) return;
    const replay = new Replay(target, oldShard, manifest.shardCount, sameLayout);
    if (files.snapshot !== null) {
      applied += replay.file(dir, files.snapshot, -Infinity);
    }
    for (const name of files.segments) applied += replay.file(dir, name, files.snapshotOffset);
  });
  return applied;
}

class Replay {
  private readonly argv: Buffer[] = [];
  private readonly target: LoadTarget;
  private readonly oldShard: number;
  private readonly oldCount: number;
  private readonly sameLayout: boolean;

  constructor(target: LoadTarget, oldShard: number, oldCount: number, sameLayout: boolean) {
    this.target = target;
    this.oldShard = oldShard;
    this.oldCount = oldCount;
    this.sameLayout = sameLayout;
  }

  /** Replays the records of one file whose offset is at least `from`. */
  file(dir: string, name: string, from: number): number {
    const buf = readFileSync(join(dir, name));
    // Snapshots carry the offset they match; their records all belong before the log.
    const header = decodeSegmentHeader(buf) ?? { baseOffset: -Infinity };
    let applied = 0;
    scanRecords(buf, SEGMENT_HEADER_BYTES, (start, end) => {
      const offset = header.baseOffset + (start - 8 - SEGMENT_HEADER_BYTES);
      if (offset < from || buf[start] !== LOG_COMMAND) return;
      try {
        if (this.record(buf, start)) applied++;
      } catch (e) {
        throw new DataDirError(`${join(dir, name)} at offset ${start - 8}: cannot replay: ${(e as Error).message}`);
      }
      void end;
    });
    return applied;
  }

  private record(buf: Buffer, start: number): boolean {
    const db = buf[start + 1]!;
    readArgs(buf, start + LOG_HEADER_BYTES, this.argv);
    if (!this.sameLayout && this.argv[0]!.latin1Slice() === 'slotkv-tx') {
      // A transaction's effects may now belong to several shards: each keeps its own.
      let applied = false;
      for (const effect of decodeCommands(this.argv, 1)) if (this.command(db, effect)) applied = true;
      return applied;
    }
    return this.command(db, this.argv);
  }

  private command(db: number, argv: Buffer[]): boolean {
    const spec = lookupCommand(argv[0]!.latin1Slice());
    if (spec === undefined || spec.handler === undefined) throw new Error(`unknown command '${argv[0]!.latin1Slice()}'`);
    if (this.sameLayout) {
      this.target.apply(db, spec, argv);
      return true;
    }
    if (spec.firstKey === 0) return this.keyless(db, spec, argv);
    const mine = (key: Buffer) => shardOfSlot(slotOfBytes(key), this.target.shardCount) === this.target.shardId;
    if (spec.runsOn === RunsOn.SPLIT) {
      // One logged MSET/DEL may hold keys that now live on different shards: keep mine.
      const kept: Buffer[] = [argv[0]!];
      for (let i = 1; i < argv.length; i += spec.step) {
        if (mine(argv[i]!)) for (let k = 0; k < spec.step; k++) kept.push(argv[i + k]!);
      }
      if (kept.length === 1) return false;
      this.target.apply(db, spec, kept);
      return true;
    }
    let first: Buffer | undefined;
    forEachKeyIndex(spec, argv.length, (i) => (first ??= argv[i]), argv);
    if (first === undefined || !mine(first)) return false;
    this.target.apply(db, spec, argv);
    return true;
  }

  /** FLUSHDB/FLUSHALL/SWAPDB written by an old shard acted only on that shard's slots. */
  private keyless(db: number, spec: CommandSpec, argv: Buffer[]): boolean {
    const inOldShard = (slot: number) => shardOfSlot(slot, this.oldCount) === this.oldShard;
    if (spec.name === 'flushall') this.target.flushSlots(-1, inOldShard);
    else if (spec.name === 'flushdb') this.target.flushSlots(db, inOldShard);
    else if (spec.name === 'swapdb') {
      const [a, b] = [Number(argv[1]!.latin1Slice()), Number(argv[2]!.latin1Slice())];
      this.target.swapSlots(a, b, inOldShard);
    } else this.target.apply(db, spec, argv);
    return true;
  }
}
