/**
 * One logical database (of 16) inside one shard: the keys, grouped by cluster slot, and the
 * expiry map.
 *
 * Commands see keys as binary-safe latin1 JS strings (one char per byte). Values are either a
 * latin1 string (the common, compact string encoding) or an object that carries its `type` (a
 * StringBuf for strings that are being appended to or bit-twiddled, and the collection types).
 *
 * Keys live in KeyTables (key-table.ts): key to value and last access in whole seconds (Redis's
 * LRU clock resolution, for OBJECT IDLETIME), short keys and string values stored as bytes in
 * the table's memory; keeping the clock beside the value makes an access one hash lookup. The
 * byte paths (lookupEntryBytes, setBytesOfBytes) serve GET and SET without making strings. One table holds the keys of 16 consecutive slots
 * (a slot group), and a count per slot says which slots hold keys. Grouping by slot is what
 * lets SCAN walk whole slots (so a cursor survives deletions), RANDOMKEY pick a slot, and data
 * move between shards by slot. Why 16 slots and not one table per slot: with few keys per
 * slot (10,000 keys spread over 16384 slots), a lookup went through a table of its own, five
 * objects' worth of cache misses; a table per group keeps the tables 16 times fewer and
 * denser, ~20% of the CPU of a pipelined GET or SET (docs/benchmarks.md). Reading one slot's
 * keys filters its group's table (SCAN, RANDOMKEY: one slot hash per key of the group).
 *
 * Invariants: a key is in `expires` only if it is in its group's table; `slotCounts[s]` is the
 * number of keys of slot s in the tables; `count` is their sum; an empty group has no table.
 */
import { SLOT_COUNT, slotOfBytes, slotOfLatin1 } from '../routing/slot.ts';
import { hashBytes, hashLatin1, INLINE_BYTES, KeyTable } from './key-table.ts';
import { latin1 } from '../util/latin1.ts';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash';

/** A value that is not a plain latin1 string knows its own type. */
export interface TypedValue {
  readonly type: TypeName;
}

export type Value = string | TypedValue;

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

/** Access clocks are stored as seconds since this instant (2020-01-01), so they fit an int32. */
const CLOCK_BASE_SECONDS = 1_577_836_800;

/** The keys of one slot, as SCAN, KEYS and RANDOMKEY walk them. */
export interface SlotKeys {
  readonly size: number;
  keys(): IterableIterator<string>;
}

/** Read access to every key of a db, whatever its slot (snapshots, KEYS, tests). */
export interface KeyView {
  get(key: string): Value | undefined;
  has(key: string): boolean;
  keys(): IterableIterator<string>;
  readonly size: number;
}

/** Slots per KeyTable: slot >> GROUP_SHIFT is the table's index. */
const GROUP_SHIFT = 4;
const GROUP_COUNT = SLOT_COUNT >> GROUP_SHIFT;

export class Db {
  readonly expires = new Map<string, number>();
  private readonly groups: (KeyTable | undefined)[] = new Array(GROUP_COUNT);
  /** Keys per slot; made with the first key (16 dbs per shard, most of them never used). */
  private slotCounts: Uint32Array | null = null;
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
    const table = this.liveTable(key);
    if (table === undefined) return undefined;
    table.setClock(this.found, this.clock());
    return table.valueOf(this.found);
  }

  /**
   * lookup() of the key whose latin1 string is bytes[start, end), making that string only when
   * it must: a GET of a key that is there allocates nothing.
   */
  lookupBytes(bytes: Uint8Array, start: number, end: number, slot = slotOfBytes(bytes, start, end)): Value | undefined {
    return this.lookupEntryBytes(bytes, start, end, slot)?.valueOf(this.found);
  }

  /**
   * lookupBytes() up to the entry: the table holding the live key, its entry index in
   * `lookedUp`; for replies that copy an inline value's bytes instead of making its string.
   */
  lookupEntryBytes(bytes: Uint8Array, start: number, end: number, slot: number): KeyTable | undefined {
    if (this.beforeChange !== null && this.writing) {
      const key = latin1(bytes, start, end);
      return this.lookup(key) === undefined ? undefined : this.tableHolding(key);
    }
    const table = this.tableHoldingBytes(bytes, start, end, slot);
    if (table === undefined || !this.alive(table, this.found)) return undefined;
    table.setClock(this.found, this.clock());
    return table;
  }

  /** The entry index in the table the last lookupEntryBytes() returned. */
  get lookedUp(): number {
    return this.found;
  }

  /** Like lookup() but leaves the access time alone (OBJECT, as Redis's LOOKUP_NOTOUCH). */
  peek(key: string): Value | undefined {
    const table = this.liveTable(key);
    return table?.valueOf(this.found);
  }

  /** Seconds since key was last read or written (OBJECT IDLETIME); 0 for a missing key. */
  idleSeconds(key: string): number {
    const table = this.tableHolding(key);
    return table === undefined ? 0 : Math.max(0, this.clock() - table.clockOf(this.found));
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /**
   * Stores value under key. Clears any TTL unless keepTtl. A key whose time has passed is
   * expired first, as a lookup would have (counted, and logged as a DEL), so a caller that
   * overwrites blindly (a plain SET) need not look the key up before.
   */
  set(key: string, value: Value, keepTtl = false): void {
    this.beforeChange?.(key);
    const slot = slotOfLatin1(key);
    const group = slot >> GROUP_SHIFT;
    let table = (this.groups[group] ??= new KeyTable());
    const hash = hashLatin1(key);
    let i = table.find(key, hash);
    if (i !== -1 && !this.alive(table, i)) {
      table = this.groups[group] ??= new KeyTable(); // the delete may have dropped an emptied table
      i = -1;
    }
    if (i === -1) return this.addNew(table, slot, key, hash, value, this.clock());
    this.overwrite(table, i, value, keepTtl);
  }

  /** set() (clearing any TTL) of a key given as bytes, as lookupBytes() takes it. */
  setBytes(bytes: Uint8Array, start: number, end: number, value: Value, slot = slotOfBytes(bytes, start, end)): void {
    if (this.beforeChange === null) {
      const table = this.tableHoldingBytes(bytes, start, end, slot);
      if (table !== undefined && this.alive(table, this.found)) return this.overwrite(table, this.found, value, false);
    }
    this.set(latin1(bytes, start, end), value);
  }

  /**
   * setBytes() of a string value given as bytes too: a key and value that fit in a table entry
   * together are stored without making either string.
   */
  setBytesOfBytes(key: Uint8Array, keyStart: number, keyEnd: number, value: Uint8Array, valueStart: number, valueEnd: number, slot: number): void {
    if (this.beforeChange === null && keyEnd - keyStart + valueEnd - valueStart <= INLINE_BYTES) {
      const hash = hashBytes(key, keyStart, keyEnd);
      const group = slot >> GROUP_SHIFT;
      let table = this.groups[group];
      if (table !== undefined) {
        const i = table.findBytes(key, keyStart, keyEnd, hash);
        if (i !== -1 && this.alive(table, i)) {
          table.setValueBytes(i, value, valueStart, valueEnd);
          table.setClock(i, this.clock());
          if (this.expires.size !== 0) this.expires.delete(table.keyOf(i));
          return;
        }
      }
      table = this.groups[group] ??= new KeyTable(); // alive() may have dropped an emptied table
      table.addBytes(key, keyStart, keyEnd, hash, value, valueStart, valueEnd, this.clock());
      this.counted(slot);
      return;
    }
    this.setBytes(key, keyStart, keyEnd, latin1(value, valueStart, valueEnd), slot);
  }

  private overwrite(table: KeyTable, i: number, value: Value, keepTtl: boolean): void {
    table.setValue(i, value);
    table.setClock(i, this.clock());
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(table.keyOf(i));
  }

  delete(key: string): boolean {
    this.beforeChange?.(key);
    const slot = slotOfLatin1(key);
    const group = slot >> GROUP_SHIFT;
    const table = this.groups[group];
    if (table === undefined || !table.delete(key, hashLatin1(key))) return false;
    if (table.size === 0) this.groups[group] = undefined;
    this.slotCounts![slot]!--;
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
    this.groups.fill(undefined);
    this.slotCounts?.fill(0);
    this.count = 0;
    this.expires.clear();
  }

  /** Swaps one slot's keys (and their expiries) with another db's (SWAPDB replayed by slot). */
  exchangeSlot(other: Db, slot: number): void {
    const mine = this.takeSlot(slot);
    const theirs = other.takeSlot(slot);
    for (const entry of theirs) this.putBack(entry);
    for (const entry of mine) other.putBack(entry);
  }

  /** Removes one slot's keys, returning each with its value, access clock and expiry. */
  private takeSlot(slot: number): SlotEntry[] {
    const table = this.groups[slot >> GROUP_SHIFT];
    if (table === undefined || this.slotCounts![slot] === 0) return [];
    const taken: SlotEntry[] = [];
    for (const key of [...table.keys()]) {
      if (slotOfLatin1(key) !== slot) continue;
      const i = table.find(key, hashLatin1(key));
      taken.push({ key, value: table.valueOf(i), clock: table.clockOf(i), expiresAt: this.expires.get(key) });
      this.delete(key);
    }
    return taken;
  }

  private putBack(e: SlotEntry): void {
    const slot = slotOfLatin1(e.key);
    this.addNew((this.groups[slot >> GROUP_SHIFT] ??= new KeyTable()), slot, e.key, hashLatin1(e.key), e.value, e.clock);
    if (e.expiresAt !== undefined) this.expires.set(e.key, e.expiresAt);
  }

  /** Adds a key known to be absent to its group's table, counting it. */
  private addNew(table: KeyTable, slot: number, key: string, hash: number, value: Value, clock: number): void {
    table.add(key, hash, value, clock);
    this.counted(slot);
  }

  /** Counts a key just added to slot's table. */
  private counted(slot: number): void {
    (this.slotCounts ??= new Uint32Array(SLOT_COUNT))[slot]!++;
    this.count++;
  }

  /** Keys of one slot (live or not yet lazily expired); undefined when the slot is empty. */
  slotKeys(slot: number): SlotKeys | undefined {
    const size = this.slotCounts === null ? 0 : this.slotCounts[slot]!;
    return size === 0 ? undefined : new SlotOfGroup(this.groups[slot >> GROUP_SHIFT]!, slot, size);
  }

  /** key's value, expired or not, without touching its access time. */
  raw(key: string): Value | undefined {
    return this.tableHolding(key)?.valueOf(this.found);
  }

  *allKeys(): IterableIterator<string> {
    for (const table of this.groups) if (table !== undefined) yield* table.keys();
  }

  /** The entry index of key in the table tableHolding() or liveTable() last returned, and that table. */
  private found = -1;
  private foundIn: KeyTable | undefined = undefined;

  /**
   * Replaces the value of the key that the last lookup() or lookupBytes() returned a value for,
   * keeping its TTL, as set(key, value, true) would but without hashing the key again: for
   * read-modify-write commands (INCR). Nothing else may touch the db in between.
   */
  replaceLookedUp(value: Value): void {
    const table = this.foundIn!;
    table.setValue(this.found, value);
    table.setClock(this.found, this.clock());
  }

  /** The table holding key, expired or not, with its entry index left in `found`. */
  private tableHolding(key: string): KeyTable | undefined {
    const table = this.groups[slotOfLatin1(key) >> GROUP_SHIFT];
    return table === undefined ? undefined : this.foundAt(table, table.find(key, hashLatin1(key)));
  }

  /** tableHolding() of the key whose latin1 string is bytes[start, end), of slot `slot`. */
  private tableHoldingBytes(bytes: Uint8Array, start: number, end: number, slot: number): KeyTable | undefined {
    const table = this.groups[slot >> GROUP_SHIFT];
    return table === undefined ? undefined : this.foundAt(table, table.findBytes(bytes, start, end, hashBytes(bytes, start, end)));
  }

  private foundAt(table: KeyTable, i: number): KeyTable | undefined {
    this.found = i;
    this.foundIn = i === -1 ? undefined : table;
    return this.foundIn;
  }

  /**
   * The table holding key if key is there and alive (expiring it lazily otherwise), with its
   * entry index left in `found` so that a lookup hashes the key once.
   */
  private liveTable(key: string): KeyTable | undefined {
    if (this.beforeChange !== null && this.writing) this.beforeChange(key);
    const table = this.tableHolding(key);
    return table !== undefined && this.alive(table, this.found) ? table : undefined;
  }

  /** Whether entry i of table is alive; expires it (lazily) when its time has passed. */
  private alive(table: KeyTable, i: number): boolean {
    if (this.expires.size === 0) return true;
    const key = table.keyOf(i);
    if (!this.isExpired(key)) return true;
    this.expireNow(key);
    return false;
  }

  /** Lazy expiry: deletes a key whose time has passed and tells onExpired (the log, WATCH). */
  private expireNow(key: string): void {
    this.delete(key);
    this.onExpired?.(key);
  }

  /** The access clock now: whole seconds since CLOCK_BASE_SECONDS. */
  private clock(): number {
    return Math.floor(this.now / 1000) - CLOCK_BASE_SECONDS;
  }
}

interface SlotEntry {
  key: string;
  value: Value;
  clock: number;
  expiresAt: number | undefined;
}

/** One slot's keys, read from its group's table. */
class SlotOfGroup implements SlotKeys {
  readonly size: number;
  readonly #table: KeyTable;
  readonly #slot: number;
  constructor(table: KeyTable, slot: number, size: number) {
    this.#table = table;
    this.#slot = slot;
    this.size = size;
  }
  *keys(): IterableIterator<string> {
    for (const key of this.#table.keys()) if (slotOfLatin1(key) === this.#slot) yield key;
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
  return latin1(bytes);
}
