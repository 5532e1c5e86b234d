/**
 * Every SharedArrayBuffer the threads share, made once by the main thread and handed to each
 * worker in workerData. With T connection threads and S shards:
 *
 *   requests[t][s]  connection thread t -> shard s     (one SPSC ring per pair)
 *   replies[s][t]   shard s -> connection thread t
 *   logs[s]         shard s -> replicator              (the write log)
 *   shardBells[s], connBells[t], logBell               (doorbells: one wait word per consumer)
 *   slotTable       Uint16Array[16384]: slot -> shard; read on every routed command
 *   gauges          Int32Array of server-wide counters (see GAUGE_*)
 *   control         Int32Array of flags the main thread raises for every worker (CONTROL_*)
 *   durable         BigInt64Array[shard]: log offset the replicator has made durable
 */
import { SLOT_COUNT, shardOfSlot } from '../routing/slot.ts';
import { ByteRing } from './byte-ring.ts';
import { Doorbell } from './doorbell.ts';

export const GAUGE_CONNECTED_CLIENTS = 0;
export const GAUGE_TOTAL_CONNECTIONS = 1;
export const GAUGE_REJECTED_CONNECTIONS = 2;
export const GAUGE_BLOCKED_CLIENTS = 3;
export const GAUGE_MONITORS = 4;
/** GAUGE_TOTAL_CONNECTIONS at the last CONFIG RESETSTAT (the total also numbers clients). */
export const GAUGE_CONNECTIONS_AT_RESET = 5;
const GAUGE_COUNT = 8;

export const CONTROL_STOP = 0; // set once: shards finish their batch and exit
export const CONTROL_STOP_LOG = 1; // set after the shards are gone: the replicator drains and exits
export const CONTROL_NO_SAVE = 2; // set by SHUTDOWN NOSAVE: stopping shards write no last snapshot
const CONTROL_COUNT = 4;

export interface Topology {
  readonly shardCount: number;
  readonly connThreadCount: number;
  readonly requests: SharedArrayBuffer[][];
  readonly replies: SharedArrayBuffer[][];
  readonly logs: SharedArrayBuffer[];
  readonly shardBells: SharedArrayBuffer[];
  readonly connBells: SharedArrayBuffer[];
  readonly logBell: SharedArrayBuffer;
  readonly slotTable: SharedArrayBuffer;
  readonly gauges: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  readonly durable: SharedArrayBuffer;
}

export interface RingSizes {
  request: number;
  reply: number;
  log: number;
}

export const DEFAULT_RING_SIZES: RingSizes = { request: 1 << 20, reply: 1 << 20, log: 4 << 20 };

export function createTopology(shardCount: number, connThreadCount: number, sizes = DEFAULT_RING_SIZES): Topology {
  const grid = (rows: number, cols: number, bytes: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => ByteRing.allocate(bytes)));
  const slotTable = new SharedArrayBuffer(SLOT_COUNT * 2);
  const slots = new Uint16Array(slotTable);
  for (let slot = 0; slot < SLOT_COUNT; slot++) slots[slot] = shardOfSlot(slot, shardCount);
  return {
    shardCount,
    connThreadCount,
    requests: grid(connThreadCount, shardCount, sizes.request),
    replies: grid(shardCount, connThreadCount, sizes.reply),
    logs: Array.from({ length: shardCount }, () => ByteRing.allocate(sizes.log)),
    shardBells: Array.from({ length: shardCount }, () => Doorbell.allocate()),
    connBells: Array.from({ length: connThreadCount }, () => Doorbell.allocate()),
    logBell: Doorbell.allocate(),
    slotTable,
    gauges: new SharedArrayBuffer(GAUGE_COUNT * 4),
    control: new SharedArrayBuffer(CONTROL_COUNT * 4),
    durable: new SharedArrayBuffer(shardCount * 8),
  };
}
