/**
 * Shard worker thread entry. The thread has no sockets, so it can block in Atomics.wait: it
 * sleeps on its doorbell until a connection thread rings, wakes at least hz times a second for
 * expiry, and stops when the main thread raises the stop flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../ring/doorbell.ts';
import { CONTROL_NO_SAVE, CONTROL_STOP } from '../ring/topology.ts';
import { openShard, type OpenShardOptions } from './open.ts';

const opts = workerData as OpenShardOptions;
const { shard, loaded } = openShard(opts);
parentPort!.postMessage(loaded);
const bell = new Doorbell(opts.topology.shardBells[opts.id]!);
const control = new Int32Array(opts.topology.control);

for (;;) {
  const seen = bell.seen();
  const busy = shard.step();
  if (Atomics.load(control, CONTROL_STOP) !== 0) break;
  // With a backlog (a reply ring was full) retry soon; otherwise sleep until rung.
  if (!busy) bell.wait(seen, shard.sleepBudget(shard.cronIntervalMs));
  else if (shard.flush()) bell.wait(seen, 1);
}
shard.close(Atomics.load(control, CONTROL_NO_SAVE) !== 0);
