/**
 * The manifest names the files that make up the data set: per shard, the latest complete
 * snapshot (and the log offset it matches) and the log segments after it. A file the manifest
 * does not name is not part of the data. It is replaced atomically (temp file, fsync, rename,
 * fsync of the directory), so a crash leaves either the old set or the new one.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError } from '../errors.ts';

export const MANIFEST_NAME = 'manifest.json';

export interface ShardFiles {
  /** Snapshot file name, or null before the first snapshot. */
  snapshot: string | null;
  /** The log offset the snapshot matches: replay starts there. */
  snapshotOffset: number;
  /** Segment file names, oldest first; the first starts at or before snapshotOffset. */
  segments: string[];
}

export interface Manifest {
  version: 1;
  /** The shard count that wrote these files (slots were split in contiguous ranges). */
  shardCount: number;
  shards: ShardFiles[];
}

/**
 * File names carry the shard count of their layout: when the count changes, the new layout's
 * files must never overwrite the old one's, which stays the data set until the new manifest
 * is in place.
 */
export const segmentName = (shard: number, shardCount: number, baseOffset: number): string =>
  `log-${shard}of${shardCount}-${baseOffset}.aof`;
export const snapshotName = (shard: number, shardCount: number, offset: number): string =>
  `snap-${shard}of${shardCount}-${offset}.skv`;

export function readManifest(dir: string): Manifest | null {
  const path = join(dir, MANIFEST_NAME);
  if (!existsSync(path)) return null;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new DataDirError(`${path}: unreadable manifest: ${(e as Error).message}`);
  }
  if (m.version !== 1 || !Array.isArray(m.shards) || m.shards.length !== m.shardCount) {
    throw new DataDirError(`${path}: not a slotkv manifest of a known version`);
  }
  return m;
}

/** Writes a file durably: temp file, fsync, rename over the target, fsync the directory. */
export function writeFileDurably(dir: string, name: string, data: string | Uint8Array): void {
  const tmp = join(dir, `${name}.tmp`);
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(dir, name));
  syncDir(dir);
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeManifest(dir: string, m: Manifest): void {
  writeFileDurably(dir, MANIFEST_NAME, JSON.stringify(m, null, 1) + '\n');
}
