/**
 * One logical database (of 16) inside one shard: the keys, grouped by cluster slot, and the
 * expiry map.
 *
 * Keys are binary-safe latin1 JS strings (one char per byte), so they hash well in a Map and
 * cost one compact V8 string each. Values are either a latin1 string (the common, compact
 * string encoding) or an object that carries its `type` (a StringBuf for strings that are
 * being appended to or bit-twiddled, and the collection types).
 *
 * Each slot has its own Map from key to an Entry (value + last access in whole seconds, Redis's
 * LRU clock resolution, for OBJECT IDLETIME). Grouping by slot is what lets SCAN walk whole
 * slots (so a cursor survives deletions), RANDOMKEY pick a slot, and data move between shards by
 * slot; keeping the clock in the entry makes an access one hash lookup, where a separate index
 * cost a second one (measured: ~14% of a shard's time under random SETs).
 *
 * Invariants: a key is in `expires` only if it is in its slot's map; `count` is the number of
 * keys in all slot maps; an empty slot has no map.
 */
import { SLOT_COUNT, slotOfLatin1 } from '../routing/slot.ts';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash';

/** A value that is not a plain latin1 string knows its own type. */
export interface TypedValue {
  readonly type: TypeName;
}

export type Value = string | TypedValue;

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

/** A key's value and when it was last read or written (seconds). */
class Entry {
  value: Value;
  at: number;
  constructor(value: Value, at: number) {
    this.value = value;
    this.at = at;
  }
}

/** Read access to every key of a db, whatever its slot (snapshots, KEYS, tests). */
export interface KeyView {
  get(key: string): Value | undefined;
  has(key: string): boolean;
  keys(): IterableIterator<string>;
  readonly size: number;
}

export class Db {
  readonly expires = new Map<string, number>();
  private readonly slots: (Map<string, Entry> | undefined)[] = new Array(SLOT_COUNT);
  private count = 0;

  /** The shard sets this before each batch so that expiry is judged at one instant per batch. */
  now = Date.now();

  /** Every key and its raw value, expired or not (no lazy expiry, no access clock). */
  readonly data: KeyView = new DbKeys(this);

  get size(): number {
    return this.count;
  }

  /** Told of every key that lazy expiry deletes, so the shard can log it as a DEL. */
  onExpired: ((key: string) => void) | null = null;

  /**
   * True once key's time has passed. As in Redis, a key is still alive during the very
   * millisecond it expires at: it dies when now > at.
   */
  isExpired(key: string): boolean {
    if (this.expires.size === 0) return false;
    const at = this.expires.get(key);
    return at !== undefined && at < this.now;
  }

  /**
   * Set while a snapshot is being written: called with a key just before it may change, so the
   * snapshot can write out the value it had when the snapshot began. Values are changed in place
   * after a lookup, so during a write command (`writing`) every lookup counts as a change.
   */
  beforeChange: ((key: string) => void) | null = null;
  /** Set with beforeChange: called before clear(). */
  beforeClear: (() => void) | null = null;
  writing = false;

  /** The live value of key, deleting it first if it has expired (lazy expiry); counts as an access. */
  lookup(key: string): Value | undefined {
    const e = this.liveEntry(key);
    if (e === undefined) return undefined;
    e.at = this.clockSeconds();
    return e.value;
  }

  /** Like lookup() but leaves the access time alone (OBJECT, as Redis's LOOKUP_NOTOUCH). */
  peek(key: string): Value | undefined {
    return this.liveEntry(key)?.value;
  }

  /** Seconds since key was last read or written (OBJECT IDLETIME); 0 for a missing key. */
  idleSeconds(key: string): number {
    const e = this.entryOf(key);
    return e === undefined ? 0 : Math.max(0, this.clockSeconds() - e.at);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Stores value under key. Clears any TTL unless keepTtl. */
  set(key: string, value: Value, keepTtl = false): void {
    this.beforeChange?.(key);
    const slot = slotOfLatin1(key);
    const map = (this.slots[slot] ??= new Map());
    const e = map.get(key);
    if (e === undefined) {
      map.set(key, new Entry(value, this.clockSeconds()));
      this.count++;
      return;
    }
    e.value = value;
    e.at = this.clockSeconds();
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  delete(key: string): boolean {
    this.beforeChange?.(key);
    const slot = slotOfLatin1(key);
    const map = this.slots[slot];
    if (map === undefined || !map.delete(key)) return false;
    if (map.size === 0) this.slots[slot] = undefined;
    this.count--;
    this.expires.delete(key);
    return true;
  }

  /** Sets an absolute expiry in ms; the key must exist. */
  setExpire(key: string, atMs: number): void {
    this.beforeChange?.(key);
    this.expires.set(key, atMs);
  }

  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** Removes a TTL; true if there was one. */
  persist(key: string): boolean {
    this.beforeChange?.(key);
    return this.expires.delete(key);
  }

  clear(): void {
    this.beforeClear?.();
    this.slots.fill(undefined);
    this.count = 0;
    this.expires.clear();
  }

  /** Swaps one slot's keys (and their expiries) with another db's (SWAPDB replayed by slot). */
  exchangeSlot(other: Db, slot: number): void {
    const mine = this.slots[slot];
    const theirs = other.slots[slot];
    const takeExpiries = (keys: Map<string, Entry> | undefined, from: Db): [string, number][] => {
      if (keys === undefined || from.expires.size === 0) return [];
      const moved: [string, number][] = [];
      for (const key of keys.keys()) {
        const at = from.expires.get(key);
        if (at !== undefined) {
          from.expires.delete(key);
          moved.push([key, at]);
        }
      }
      return moved;
    };
    const mineTtl = takeExpiries(mine, this);
    const theirTtl = takeExpiries(theirs, other);
    this.slots[slot] = theirs;
    other.slots[slot] = mine;
    const delta = (theirs?.size ?? 0) - (mine?.size ?? 0);
    this.count += delta;
    other.count -= delta;
    for (const [key, at] of mineTtl) other.expires.set(key, at);
    for (const [key, at] of theirTtl) this.expires.set(key, at);
  }

  /** Keys of one slot (live or not yet lazily expired); undefined when the slot is empty. */
  slotKeys(slot: number): ReadonlyMap<string, unknown> | undefined {
    return this.slots[slot];
  }

  /** key's value, expired or not, without touching its access time. */
  raw(key: string): Value | undefined {
    return this.entryOf(key)?.value;
  }

  *allKeys(): IterableIterator<string> {
    for (const map of this.slots) if (map !== undefined) yield* map.keys();
  }

  private entryOf(key: string): Entry | undefined {
    return this.slots[slotOfLatin1(key)]?.get(key);
  }

  private liveEntry(key: string): Entry | undefined {
    if (this.beforeChange !== null && this.writing) this.beforeChange(key);
    const e = this.entryOf(key);
    if (e === undefined) return undefined;
    if (this.isExpired(key)) {
      this.delete(key);
      this.onExpired?.(key);
      return undefined;
    }
    return e;
  }

  private clockSeconds(): number {
    return Math.floor(this.now / 1000);
  }
}

class DbKeys implements KeyView {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  get(key: string): Value | undefined {
    return this.#db.raw(key);
  }
  has(key: string): boolean {
    return this.#db.raw(key) !== undefined;
  }
  keys(): IterableIterator<string> {
    return this.#db.allKeys();
  }
  get size(): number {
    return this.#db.size;
  }
}

/** Latin1 string of a key's bytes: the form keys take inside the keyspace. */
export function keyString(bytes: Uint8Array): string {
  return Buffer.prototype.latin1Slice.call(bytes, 0, bytes.length);
}
