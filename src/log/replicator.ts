/**
 * The replicator worker: the one consumer of every shard's write-log ring. For now it drains
 * the rings and counts what passed, so that a shard never blocks on a full log; the
 * append-only files and the stream to slaves attach here (see docs/architecture.md).
 */
import { workerData } from 'node:worker_threads';
import { ByteRing } from '../ring/byte-ring.ts';
import { Doorbell } from '../ring/doorbell.ts';
import { RingReader } from '../ring/framed.ts';
import { CONTROL_STOP, type Topology } from '../ring/topology.ts';

const topology = (workerData as { topology: Topology }).topology;
const readers = topology.logs.map((sab) => new RingReader(new ByteRing(sab)));
const bell = new Doorbell(topology.logBell);
const control = new Int32Array(topology.control);
const offsets = readers.map(() => 0);

for (;;) {
  const seen = bell.seen();
  readers.forEach((reader, shard) => {
    reader.drain((_buf, start, end) => {
      offsets[shard]! += end - start + 4;
    });
  });
  if (Atomics.load(control, CONTROL_STOP) !== 0) break;
  bell.wait(seen, 100);
}
