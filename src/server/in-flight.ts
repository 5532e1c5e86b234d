/**
 * The requests one connection thread has sent to one shard and not yet seen answered, by
 * request id. A shard answers a thread's requests in the order it received them, except those
 * it parks (BLPOP and friends), which answer later, out of turn. So the common case is a FIFO:
 * a reply matches the oldest request, and taking it is a shift, not a hash-map insert, lookup
 * and delete per command (those were ~5% of the connection thread at pipeline 16).
 *
 *   ids/items: circular, power-of-two sized; [head, head + count) in send order
 *   parked:    requests a later reply overtook; they can only be parked ones
 *
 * A reply whose id is not at the head means every older request still waiting was parked: they
 * move to the map, where their late replies find them.
 */
import type { Pending } from './pending.ts';

const INITIAL_CAPACITY = 1024;

export class InFlight {
  private ids = new Float64Array(INITIAL_CAPACITY);
  private items: (Pending | null)[] = new Array<Pending | null>(INITIAL_CAPACITY).fill(null);
  private head = 0;
  private count = 0;
  private mask = INITIAL_CAPACITY - 1;
  private readonly parked = new Map<number, Pending>();

  /** Records a request just staged for the shard. Allocates only when the queue grows. */
  push(reqId: number, pending: Pending): void {
    if (this.count === this.items.length) this.grow();
    const at = (this.head + this.count) & this.mask;
    this.ids[at] = reqId;
    this.items[at] = pending;
    this.count++;
  }

  /** The request a reply answers, removed; undefined if unknown (its client went away). */
  take(reqId: number): Pending | undefined {
    if (this.parked.size > 0) {
      const late = this.parked.get(reqId);
      if (late !== undefined) {
        this.parked.delete(reqId);
        return late;
      }
    }
    // Ids on a shard's queue only grow (mod 2^32): one older than the head was dropped already
    // (its client went away), and walking the queue for it would move every entry to the map.
    if (this.count === 0 || ((reqId - this.ids[this.head]!) >>> 0) > 0x7fffffff) return undefined;
    while (this.count > 0) {
      const id = this.ids[this.head]!;
      const pending = this.items[this.head]!;
      this.items[this.head] = null;
      this.head = (this.head + 1) & this.mask;
      this.count--;
      if (id === reqId) return pending;
      // Overtaken: it was parked, and answers later. A gone client's is not worth keeping.
      if (pending.conn === null || !pending.conn.closed) this.parked.set(id, pending);
    }
    return undefined;
  }

  /** Forgets a parked request whose client went away (the shard drops it too). */
  forget(reqId: number): void {
    this.parked.delete(reqId);
  }

  private grow(): void {
    const cap = this.items.length * 2;
    const ids = new Float64Array(cap);
    const items = new Array<Pending | null>(cap).fill(null);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & this.mask;
      ids[i] = this.ids[from]!;
      items[i] = this.items[from]!;
    }
    this.ids = ids;
    this.items = items;
    this.head = 0;
    this.mask = cap - 1;
  }
}
