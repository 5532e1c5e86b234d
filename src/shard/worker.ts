/**
 * Shard worker thread entry. The thread has no sockets, so it can block in Atomics.wait: it
 * sleeps on its doorbell until a connection thread rings, wakes at least hz times a second for
 * expiry, and stops when the main thread raises the stop flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../ring/doorbell.ts';
import { CONTROL_NO_SAVE, CONTROL_STOP } from '../ring/topology.ts';
import { Shard, type ShardOptions } from './shard.ts';

const opts = workerData as ShardOptions & { migrate: boolean };
const shard = new Shard(opts);
const started = Date.now();
const records = shard.load();
// A new shard layout starts from a snapshot of what this shard now owns, so the old files
// (another shard count's) can be dropped once every shard has one.
const snapshot = opts.migrate ? shard.persistence.saveNow() : null;
parentPort!.postMessage({ loaded: true, records, ms: Date.now() - started, offset: shard.persistence.logOffset, snapshot });
const bell = new Doorbell(opts.topology.shardBells[opts.id]!);
const control = new Int32Array(opts.topology.control);
const idleWaitMs = Math.max(1, Math.floor(1000 / opts.hz));

for (;;) {
  const seen = bell.seen();
  const busy = shard.step();
  if (Atomics.load(control, CONTROL_STOP) !== 0) break;
  // With a backlog (a reply ring was full) retry soon; otherwise sleep until rung.
  if (!busy) bell.wait(seen, shard.sleepBudget(idleWaitMs));
  else if (shard.flush()) bell.wait(seen, 1);
}
shard.flush();
shard.persistence.close(Atomics.load(control, CONTROL_NO_SAVE) !== 0);
// What close() logged (a snapshot's record) must reach the replicator, which runs until every
// shard has exited.
shard.flushLog();
