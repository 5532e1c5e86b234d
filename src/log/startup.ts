/**
 * The data directory at startup, on the main thread: check it (repairing a torn tail), tell each
 * shard what to load and where its log continues, and once every shard has loaded, settle the
 * manifest: a new one for an empty directory, or, when the shard count changed, one naming the
 * snapshots each new shard just wrote, after which the old layout's files are deleted.
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { checkDataDir } from './recovery.ts';
import { MANIFEST_NAME, writeManifest, type Manifest } from './manifest.ts';

export interface StartPlan {
  /** What the shards load from (null: nothing yet). */
  manifest: Manifest | null;
  /** True when the files were written with another shard count. */
  migrate: boolean;
  /** Per current shard: where its log continues. */
  startOffsets: number[];
}

export function planStart(dir: string, shardCount: number, log: (line: string) => void): StartPlan {
  const check = checkDataDir(dir, { repairTornTail: true, truncateCorruption: false, log });
  const manifest = check.manifest;
  const migrate = manifest !== null && manifest.shardCount !== shardCount;
  const startOffsets = Array.from({ length: shardCount }, (_, i) => (manifest !== null && !migrate ? check.endOffsets[i]! : 0));
  return { manifest, migrate, startOffsets };
}

/**
 * The manifest the replicator starts from. `snapshots[i]` is what shard i wrote when migrating.
 * Writes it, and removes data files it does not name.
 */
export function settleManifest(dir: string, plan: StartPlan, shardCount: number, snapshots: (string | null)[]): Manifest {
  let manifest = plan.manifest;
  if (manifest === null || plan.migrate) {
    manifest = {
      version: 1,
      shardCount,
      shards: snapshots.map((snapshot) => ({ snapshot, snapshotOffset: 0, segments: [] })),
    };
    writeManifest(dir, manifest);
  }
  removeUnnamedFiles(dir, manifest);
  return manifest;
}

/** Data files (ours by their names) that the manifest does not name: left by an older layout. */
function removeUnnamedFiles(dir: string, m: Manifest): void {
  const named = new Set<string>([MANIFEST_NAME]);
  for (const s of m.shards) {
    if (s.snapshot !== null) named.add(s.snapshot);
    for (const seg of s.segments) named.add(seg);
  }
  for (const file of readdirSync(dir)) {
    if (named.has(file) || !/^(log-\d+of\d+-\d+\.aof|snap-\d+of\d+-\d+\.skv)(\.tmp)?$/.test(file)) continue;
    unlinkSync(join(dir, file));
  }
}
