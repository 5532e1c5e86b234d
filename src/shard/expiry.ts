/**
 * Active expiry: the half of expiry that removes keys nobody reads. Lazy expiry (Db.lookup)
 * already hides a dead key from every command; this only gives its memory back.
 *
 * Redis's adaptive idea: sample KEYS_PER_SAMPLE keys that carry a TTL; if more than a quarter
 * of them had expired, the db probably holds many more, so sample again; stop when a sample
 * comes back mostly alive or the time budget is spent. Each db keeps a cursor into its expiry
 * map, so successive samples (and successive calls) cover the whole map instead of the same
 * first keys, and the next call starts at the db after the one the budget ran out in.
 *
 * Invariant: a key is deleted here only once `now` is past its time, the same rule
 * Db.isExpired applies, so a command in the same batch could not have seen it alive.
 */
import type { Db } from './keyspace.ts';

/** Keys looked at per sample (Redis: ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
export const KEYS_PER_SAMPLE = 20;
/** Default time budget of one call, in ms: 1% of a core at the 100 ms tick. */
export const DEFAULT_BUDGET_MS = 1;

interface ExpiryState {
  nextDb: number;
  cursors: (Iterator<[string, number]> | undefined)[];
}

// Keyed by the shard's db array so that every shard (and every test) has its own cursors.
const states = new WeakMap<readonly Db[], ExpiryState>();

/**
 * Deletes expired keys across all dbs within about budgetMs, calling onExpired for each one
 * (the shard logs it as DEL so replicas and the log drop it too). Returns how many it deleted.
 * Allocates one small entry array per key it looks at (Map iteration).
 */
export function activeExpireCycle(
  dbs: readonly Db[],
  now: number,
  onExpired?: (dbIndex: number, key: string) => void,
  budgetMs: number = DEFAULT_BUDGET_MS,
  clock: () => number = () => performance.now(),
): number {
  let state = states.get(dbs);
  if (state === undefined) {
    state = { nextDb: 0, cursors: [] };
    states.set(dbs, state);
  }
  const start = clock();
  let total = 0;
  for (let visited = 0; visited < dbs.length; visited++) {
    const dbIndex = state.nextDb % dbs.length;
    state.nextDb = dbIndex + 1;
    const db = dbs[dbIndex]!;
    if (db.expires.size === 0) {
      state.cursors[dbIndex] = undefined;
      continue;
    }
    for (;;) {
      let sampled = 0;
      let expired = 0;
      const cursor = (state.cursors[dbIndex] ??= db.expires.entries());
      while (sampled < KEYS_PER_SAMPLE) {
        const next = cursor.next();
        if (next.done) {
          // Start over next time; a sample never wraps, so a small map is not read twice.
          state.cursors[dbIndex] = undefined;
          break;
        }
        sampled++;
        const [key, at] = next.value;
        if (at < now) {
          db.delete(key);
          expired++;
          onExpired?.(dbIndex, key);
        }
      }
      total += expired;
      if (clock() - start >= budgetMs) return total;
      // Mostly alive: more sampling here would cost more than it frees.
      if (sampled === 0 || expired * 4 <= sampled) break;
    }
  }
  return total;
}
