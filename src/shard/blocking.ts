/**
 * Commands parked by ctx.block() (BLPOP and friends finding nothing), per shard. A parked
 * command keeps its connection thread, request id, db and a copy of its arguments; when a key
 * it waits on is signalled ready, the shard runs the same handler again (as Redis 7 re-executes
 * a blocked command), oldest waiter first. Deadlines are checked on every shard loop step; the
 * number of parked clients is small next to the keyspace, so a scan beats a timer heap here.
 */
import type { CommandSpec } from '../commands/table.ts';

export interface Blocked {
  readonly thread: number;
  readonly reqId: number;
  readonly db: number;
  readonly spec: CommandSpec;
  readonly argv: Buffer[];
  keys: string[];
  deadlineMs: number;
}

/** One map key per (db, key): the db index as a leading char keeps keys of dbs apart. */
const dbKey = (db: number, key: string): string => String.fromCharCode(db) + key;
const reqKey = (thread: number, reqId: number): number => reqId * 64 + thread;

export class BlockingRegistry {
  private readonly byKey = new Map<string, Blocked[]>();
  private readonly byReq = new Map<number, Blocked>();
  private readyKeys: string[] = [];
  private readonly readySet = new Set<string>();

  get size(): number {
    return this.byReq.size;
  }

  park(b: Blocked): void {
    this.byReq.set(reqKey(b.thread, b.reqId), b);
    for (const key of b.keys) {
      const k = dbKey(b.db, key);
      let list = this.byKey.get(k);
      if (list === undefined) this.byKey.set(k, (list = []));
      list.push(b);
    }
  }

  unpark(b: Blocked): void {
    this.byReq.delete(reqKey(b.thread, b.reqId));
    for (const key of b.keys) {
      const k = dbKey(b.db, key);
      const list = this.byKey.get(k);
      if (list === undefined) continue;
      const i = list.indexOf(b);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(k);
    }
  }

  find(thread: number, reqId: number): Blocked | undefined {
    return this.byReq.get(reqKey(thread, reqId));
  }

  /** Notes that key may satisfy waiters; ignored when nobody waits on it. */
  signal(db: number, key: string): void {
    const k = dbKey(db, key);
    if (!this.byKey.has(k) || this.readySet.has(k)) return;
    this.readySet.add(k);
    this.readyKeys.push(k);
  }

  /** The keys that commands parked in db wait on. */
  keysIn(db: number): string[] {
    const keys: string[] = [];
    for (const k of this.byKey.keys()) if (k.charCodeAt(0) === db) keys.push(k.slice(1));
    return keys;
  }

  hasReady(): boolean {
    return this.readyKeys.length > 0;
  }

  /** Takes the ready keys signalled so far, returning the waiters of each, oldest first. */
  takeReady(): Blocked[][] {
    const keys = this.readyKeys;
    this.readyKeys = [];
    this.readySet.clear();
    return keys.map((k) => [...(this.byKey.get(k) ?? [])]);
  }

  /** Waiters whose deadline has passed. */
  expired(now: number): Blocked[] {
    const out: Blocked[] = [];
    for (const b of this.byReq.values()) if (b.deadlineMs !== 0 && b.deadlineMs < now) out.push(b);
    return out;
  }

  /** The earliest deadline, or Infinity. */
  nextDeadline(): number {
    let next = Infinity;
    for (const b of this.byReq.values()) if (b.deadlineMs !== 0 && b.deadlineMs < next) next = b.deadlineMs;
    return next;
  }
}
