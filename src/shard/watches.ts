/**
 * WATCHed keys on one shard: which clients watch which (db, key), and which clients saw a
 * watched key change. The shard marks keys after every command that changed something (its
 * keys, from the command table), when a key expires, and whole dbs on FLUSHDB/FLUSHALL.
 */

/** One map key per (db, key), as blocking.ts does. */
const dbKey = (db: number, key: string): string => String.fromCharCode(db) + key;

interface Watcher {
  keys: string[];
  dirty: boolean;
}

export class WatchRegistry {
  private readonly byKey = new Map<string, Set<number>>();
  private readonly byClient = new Map<number, Watcher>();

  get size(): number {
    return this.byClient.size;
  }

  watch(clientId: number, db: number, keys: readonly string[]): void {
    let w = this.byClient.get(clientId);
    if (w === undefined) this.byClient.set(clientId, (w = { keys: [], dirty: false }));
    for (const key of keys) {
      const k = dbKey(db, key);
      let clients = this.byKey.get(k);
      if (clients === undefined) this.byKey.set(k, (clients = new Set()));
      if (!clients.has(clientId)) {
        clients.add(clientId);
        w.keys.push(k);
      }
    }
  }

  unwatch(clientId: number): void {
    const w = this.byClient.get(clientId);
    if (w === undefined) return;
    this.byClient.delete(clientId);
    for (const k of w.keys) {
      const clients = this.byKey.get(k)!;
      clients.delete(clientId);
      if (clients.size === 0) this.byKey.delete(k);
    }
  }

  isDirty(clientId: number): boolean {
    return this.byClient.get(clientId)?.dirty ?? false;
  }

  /** A write changed key in db: every client watching it is marked. */
  touch(db: number, key: string): void {
    const clients = this.byKey.get(dbKey(db, key));
    if (clients !== undefined) for (const id of clients) this.byClient.get(id)!.dirty = true;
  }

  /** A whole db changed (FLUSHDB), or every db (db -1: FLUSHALL). */
  touchAll(db: number): void {
    for (const w of this.byClient.values()) {
      if (db === -1 || w.keys.some((k) => k.charCodeAt(0) === db)) w.dirty = true;
    }
  }
}
