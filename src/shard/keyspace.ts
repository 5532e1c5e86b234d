/**
 * One logical database (of 16) inside one shard: the key -> value map, the expiry map, and a
 * per-slot key index.
 *
 * Keys are binary-safe latin1 JS strings (one char per byte), so they hash well in a Map and
 * cost one compact V8 string each. Values are either a latin1 string (the common, compact
 * string encoding) or an object that carries its `type` (a StringBuf for strings that are
 * being appended to or bit-twiddled, and the collection types).
 *
 * Invariants: a key is in `expires` only if it is in `data`; every key in `data` is in exactly
 * one `slots[slot]` map. The slot index lets SCAN walk whole slots (so a cursor survives
 * deletions, see scanSlots) and lets data move between shards by slot; its values are each
 * key's last access in whole seconds (Redis's LRU clock resolution), for OBJECT IDLETIME, kept
 * there rather than in a map of their own because the index already pays for an entry per key.
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

export class Db {
  readonly data = new Map<string, Value>();
  readonly expires = new Map<string, number>();
  private readonly slots: (Map<string, number> | undefined)[] = new Array(SLOT_COUNT);

  /** The shard sets this before each batch so that expiry is judged at one instant per batch. */
  now = Date.now();

  get size(): number {
    return this.data.size;
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
    const v = this.peek(key);
    if (v !== undefined) this.touch(key);
    return v;
  }

  /** Like lookup() but leaves the access time alone (OBJECT, as Redis's LOOKUP_NOTOUCH). */
  peek(key: string): Value | undefined {
    if (this.beforeChange !== null && this.writing) this.beforeChange(key);
    const v = this.data.get(key);
    if (v === undefined) return undefined;
    if (this.isExpired(key)) {
      this.delete(key);
      this.onExpired?.(key);
      return undefined;
    }
    return v;
  }

  /** Seconds since key was last read or written (OBJECT IDLETIME); key must exist. */
  idleSeconds(key: string): number {
    const at = this.slots[slotOfLatin1(key)]?.get(key) ?? this.clockSeconds();
    return Math.max(0, this.clockSeconds() - at);
  }

  private clockSeconds(): number {
    return Math.floor(this.now / 1000);
  }

  private touch(key: string): void {
    const index = this.slots[slotOfLatin1(key)];
    const now = this.clockSeconds();
    if (index !== undefined && index.get(key) !== now) index.set(key, now);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Stores value under key. Clears any TTL unless keepTtl. */
  set(key: string, value: Value, keepTtl = false): void {
    this.beforeChange?.(key);
    const had = this.data.has(key);
    this.data.set(key, value);
    if (!had) {
      this.indexAdd(key);
    } else {
      this.touch(key);
      if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    }
  }

  delete(key: string): boolean {
    this.beforeChange?.(key);
    if (!this.data.delete(key)) return false;
    this.expires.delete(key);
    this.indexRemove(key);
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
    if (!this.expires.delete(key)) return false;
    return true;
  }

  clear(): void {
    this.beforeClear?.();
    this.data.clear();
    this.expires.clear();
    this.slots.fill(undefined);
  }

  /**
   * Keys of one slot (live or not yet lazily expired), each with its last access in seconds;
   * undefined when the slot is empty.
   */
  slotKeys(slot: number): ReadonlyMap<string, number> | undefined {
    return this.slots[slot];
  }


  private indexAdd(key: string): void {
    const slot = slotOfLatin1(key);
    (this.slots[slot] ??= new Map()).set(key, this.clockSeconds());
  }

  private indexRemove(key: string): void {
    const slot = slotOfLatin1(key);
    const set = this.slots[slot];
    if (set === undefined) return;
    set.delete(key);
    if (set.size === 0) this.slots[slot] = undefined;
  }
}

/** Latin1 string of a key's bytes: the form keys take inside the keyspace. */
export function keyString(bytes: Uint8Array): string {
  return Buffer.prototype.latin1Slice.call(bytes, 0, bytes.length);
}
