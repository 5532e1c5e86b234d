/**
 * Bringing a shard up, wherever it runs (a worker thread, or the main thread with
 * inline-shard): load its files, and when the shard count changed since they were written,
 * snapshot what it now owns so the old layout's files can go.
 */
import { Shard, type ShardOptions } from './shard.ts';

export type OpenShardOptions = ShardOptions & { migrate: boolean };

/** What a shard tells the server once it has loaded. */
export interface ShardLoaded {
  records: number;
  ms: number;
  /** Where its write log continues. */
  offset: number;
  /** The snapshot it wrote for a new shard layout (migrate), else null. */
  snapshot: string | null;
}

export function openShard(opts: OpenShardOptions): { shard: Shard; loaded: ShardLoaded } {
  const shard = new Shard(opts);
  const started = Date.now();
  const records = shard.load();
  const snapshot = opts.migrate ? shard.persistence.saveNow() : null;
  return { shard, loaded: { records, ms: Date.now() - started, offset: shard.persistence.logOffset, snapshot } };
}
