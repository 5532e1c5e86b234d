/**
 * MULTI/EXEC/DISCARD and WATCH/UNWATCH, connection side. Commands after MULTI are checked and
 * queued here; EXEC sends the whole queue as one request to the shard that owns the
 * transaction's slot, which runs it in one go (atomic: nothing else runs on that shard
 * meanwhile) and answers the array of replies. As in Redis Cluster, every key of a transaction,
 * and every key it WATCHes, must hash to one slot: a command that breaks the rule answers
 * CROSSSLOT and dooms the transaction (EXECABORT). Only commands that run on a shard (SHARD and
 * SPLIT rows) can be queued; the others are refused the same way.
 */
import { ERR_CROSSSLOT } from '../commands/replies.ts';
import { forEachKeyIndex, RunsOn, type CommandSpec } from '../commands/table.ts';
import { encodeExecRequest } from '../commands/transactions.ts';
import { slotOfBytes } from '../routing/slot.ts';
import type { Connection } from './connection.ts';

/** Commands that act on the transaction itself rather than being queued. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit']);

export const ERR_EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';

export class Transaction {
  readonly queued: Buffer[][] = [];
  /** The one slot all keys must hash to (-1: no key yet). */
  slot: number;
  /** Set by any refused command: EXEC then answers EXECABORT. */
  failed = false;

  constructor(slot: number) {
    this.slot = slot;
  }
}

/** The state a connection keeps for WATCH: the slot of its watched keys. */
export interface WatchState {
  slot: number;
}

/** True when the command goes to the transaction's queue instead of running now. */
export function queuesInTransaction(conn: Connection, spec: CommandSpec): boolean {
  return conn.tx !== null && !TX_CONTROL.has(spec.name);
}

/**
 * Queues argv in the open transaction, or says why it cannot be (the caller replies with the
 * error; the transaction is then doomed).
 */
export function queueCommand(conn: Connection, spec: CommandSpec, argv: Buffer[]): string | undefined {
  const tx = conn.tx!;
  if (spec.runsOn !== RunsOn.SHARD && spec.runsOn !== RunsOn.SPLIT) {
    tx.failed = true;
    return `ERR '${spec.name}' cannot run inside a transaction: slotkv runs a transaction on the one shard that owns its keys`;
  }
  let cross = false;
  forEachKeyIndex(spec, argv.length, (i) => {
    const slot = slotOfBytes(argv[i]!);
    if (tx.slot === -1) tx.slot = slot;
    else if (slot !== tx.slot) cross = true;
  }, argv);
  if (cross) {
    tx.failed = true;
    return ERR_CROSSSLOT;
  }
  tx.queued.push(argv);
  return undefined;
}

/** The internal request that runs the transaction on its shard (format: commands/transactions.ts). */
export function execRequest(conn: Connection): Buffer[] {
  return encodeExecRequest(conn.id, conn.watch !== null, conn.tx!.queued);
}

/** The slot a transaction runs in: its keys', else its watched keys', else slot 0. */
export function execSlot(conn: Connection): number {
  const tx = conn.tx!;
  if (tx.slot !== -1) return tx.slot;
  return conn.watch?.slot ?? 0;
}
