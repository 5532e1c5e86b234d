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
 * byte paths (lookupEntryBytes, setBytesOfBytes) serve GET and SET without making strings.
 * One table holds the keys of 16 consecutive slots (a slot group), and a count per slot says
 * which slots hold keys. Grouping by slot is what lets SCAN walk whole slots (so a cursor
 * survives deletions), RANDOMKEY pick a slot, and data move between shards by slot. Why 16
 * slots and not one table per slot: with few keys per slot (10,000 keys spread over 16384
 * slots), a lookup went through a table of its own, five objects' worth of cache misses; a
 * table per group keeps the tables 16 times fewer and denser, ~20% of the CPU of a pipelined
 * GET or SET (docs/benchmarks.md). Reading one slot's
 * keys filters its group's table (SCAN, RANDOMKEY: one slot hash per key of the group).
 *
 * Invariants: a key is in `expires` only if it is in its group's table; `slotCounts[s]` is the
 * number of keys of slot s in the tables; `count` is their sum; an empty group has no table.
 */
import { SLOT_COUNT, slotOfBytes, slotOfLatin1 } from '../routing/slot.ts';
import { hashBytes, hashLatin1 } from './key-bytes.ts';
import { INLINE_BYTES, KeyTables } from './key-table.ts';
import { latin1 } from '../util/latin1.ts';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash';

/** A value that is not a plain latin1 string knows its own type. */
export interface TypedValue {
  readonly type: TypeName;
}

export type Value = string | TypedValue;

/** Where a looked-up value's bytes can be written as a bulk reply (a ReplyWriter). */
export interface BulkWriter {
  bulkRange(src: Uint8Array, start: number, end: number): void;
}

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

/** Slots per key table: slot >> GROUP_SHIFT is the table's group. */
const GROUP_SHIFT = 4;
const GROUP_COUNT = SLOT_COUNT >> GROUP_SHIFT;

export class Db {
  readonly expires = new Map<string, number>();
  private readonly tables = new KeyTables(GROUP_COUNT);
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

  /**
   * INFO's keyspace_hits and keyspace_misses: the lookups of read-only commands, as Redis
   * counts its lookupKeyRead calls. The shard sets countsReads before each command.
   */
  countsReads = false;
  hits = 0;
  misses = 0;

  private countRead(found: boolean): boolean {
    if (this.countsReads) {
      if (found) this.hits++;
      else this.misses++;
    }
    return found;
  }

  /** The live value of key, deleting it first if it has expired (lazy expiry); counts as an access. */
  lookup(key: string): Value | undefined {
    if (!this.countRead(this.findLive(key))) return undefined;
    this.tables.setClock(this.foundGroup, this.found, this.clock());
    return this.tables.valueOf(this.foundGroup, this.found);
  }

  /**
   * lookup() of the key whose latin1 string is bytes[start, end), making that string only when
   * it must: a GET of a key that is there allocates nothing.
   */
  lookupBytes(bytes: Uint8Array, start: number, end: number, slot = slotOfBytes(bytes, start, end)): Value | undefined {
    return this.lookupEntryBytes(bytes, start, end, slot) ? this.lookedUpValue() : undefined;
  }

  /**
   * lookupBytes() up to the entry: true when the key is there and alive, which the lookedUp*
   * methods then read; for replies that copy an inline value's bytes instead of its string.
   */
  lookupEntryBytes(bytes: Uint8Array, start: number, end: number, slot: number): boolean {
    if (this.beforeChange !== null && this.writing) {
      return this.lookup(latin1(bytes, start, end)) !== undefined; // it leaves the entry found
    }
    if (!this.countRead(this.findAnyBytes(bytes, start, end, slot) && this.alive(this.foundGroup, this.found))) return false;
    this.tables.setClock(this.foundGroup, this.found, this.clock());
    return true;
  }

  /** The value of the key the last lookupEntryBytes() found. */
  lookedUpValue(): Value {
    return this.tables.valueOf(this.foundGroup, this.found);
  }

  /**
   * The value of the key the last lookupEntryBytes() found, as a bulk reply into out copied from
   * its bytes, when it is an inline string; false (nothing written) when it is not.
   */
  replyLookedUpInline(out: BulkWriter): boolean {
    const tables = this.tables;
    const start = tables.inlineValueStart(this.foundGroup, this.found);
    if (start < 0) return false;
    out.bulkRange(tables.memory(this.foundGroup), start, tables.inlineValueEnd(this.foundGroup, this.found));
    return true;
  }

  /** Like lookup() but leaves the access time alone (OBJECT, as Redis's LOOKUP_NOTOUCH). */
  peek(key: string): Value | undefined {
    return this.countRead(this.findLive(key)) ? this.tables.valueOf(this.foundGroup, this.found) : undefined;
  }

  /** Seconds since key was last read or written (OBJECT IDLETIME); 0 for a missing key. */
  idleSeconds(key: string): number {
    if (!this.findAny(key)) return 0;
    return Math.max(0, this.clock() - this.tables.clockOf(this.foundGroup, this.found));
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
    const hash = hashLatin1(key);
    const i = this.tables.find(group, key, hash);
    if (i !== -1 && this.alive(group, i)) return this.overwrite(group, i, value, keepTtl);
    this.tables.add(group, key, hash, value, this.clock());
    this.counted(slot);
  }

  /** set() (clearing any TTL) of a key given as bytes, as lookupBytes() takes it. */
  setBytes(bytes: Uint8Array, start: number, end: number, value: Value, slot = slotOfBytes(bytes, start, end)): void {
    if (this.beforeChange === null && this.findAnyBytes(bytes, start, end, slot) && this.alive(this.foundGroup, this.found)) {
      return this.overwrite(this.foundGroup, this.found, value, false);
    }
    this.set(latin1(bytes, start, end), value);
  }

  /**
   * setBytes() of a string value given as bytes too: a key and value that fit in a table entry
   * together are stored without making either string.
   */
  setBytesOfBytes(key: Uint8Array, keyStart: number, keyEnd: number, value: Uint8Array, valueStart: number, valueEnd: number, slot: number): void {
    if (this.beforeChange !== null || keyEnd - keyStart + valueEnd - valueStart > INLINE_BYTES) {
      return this.setBytes(key, keyStart, keyEnd, latin1(value, valueStart, valueEnd), slot);
    }
    const tables = this.tables;
    const group = slot >> GROUP_SHIFT;
    const hash = hashBytes(key, keyStart, keyEnd);
    const i = tables.findBytes(group, key, keyStart, keyEnd, hash);
    if (i !== -1 && this.alive(group, i)) {
      // Refused when the key is held outside the entry (it had a collection's handle beside it).
      if (!tables.setValueBytes(group, i, value, valueStart, valueEnd)) tables.setValue(group, i, latin1(value, valueStart, valueEnd));
      tables.setClock(group, i, this.clock());
      if (this.expires.size !== 0) this.expires.delete(tables.keyOf(group, i));
      return;
    }
    tables.addBytes(group, key, keyStart, keyEnd, hash, value, valueStart, valueEnd, this.clock());
    this.counted(slot);
  }

  private overwrite(group: number, i: number, value: Value, keepTtl: boolean): void {
    this.tables.setValue(group, i, value);
    this.tables.setClock(group, i, this.clock());
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(this.tables.keyOf(group, i));
  }

  delete(key: string): boolean {
    this.beforeChange?.(key);
    const slot = slotOfLatin1(key);
    if (!this.tables.delete(slot >> GROUP_SHIFT, key, hashLatin1(key))) return false;
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
    this.tables.clear();
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
    const group = slot >> GROUP_SHIFT;
    if (this.slotCounts === null || this.slotCounts[slot] === 0) return [];
    const taken: SlotEntry[] = [];
    for (const key of [...this.tables.keys(group)]) {
      if (slotOfLatin1(key) !== slot) continue;
      const i = this.tables.find(group, key, hashLatin1(key));
      taken.push({ key, value: this.tables.valueOf(group, i), clock: this.tables.clockOf(group, i), expiresAt: this.expires.get(key) });
      this.delete(key);
    }
    return taken;
  }

  private putBack(e: SlotEntry): void {
    const slot = slotOfLatin1(e.key);
    this.tables.add(slot >> GROUP_SHIFT, e.key, hashLatin1(e.key), e.value, e.clock);
    this.counted(slot);
    if (e.expiresAt !== undefined) this.expires.set(e.key, e.expiresAt);
  }

  /** Counts a key just added to slot's table. */
  private counted(slot: number): void {
    (this.slotCounts ??= new Uint32Array(SLOT_COUNT))[slot]!++;
    this.count++;
  }

  /** Keys of one slot (live or not yet lazily expired); undefined when the slot is empty. */
  slotKeys(slot: number): SlotKeys | undefined {
    const size = this.slotCounts === null ? 0 : this.slotCounts[slot]!;
    return size === 0 ? undefined : new SlotOfGroup(this.tables, slot, size);
  }

  /** key's value, expired or not, without touching its access time. */
  raw(key: string): Value | undefined {
    return this.findAny(key) ? this.tables.valueOf(this.foundGroup, this.found) : undefined;
  }

  *allKeys(): IterableIterator<string> {
    for (let group = 0; group < GROUP_COUNT; group++) if (this.tables.size(group) !== 0) yield* this.tables.keys(group);
  }

  /** Where the key the last find*() found is: its group's table and its entry index there. */
  private foundGroup = -1;
  private found = -1;

  /**
   * Replaces the value of the key that the last lookup() or lookupBytes() returned a value for,
   * keeping its TTL, as set(key, value, true) would but without hashing the key again: for
   * read-modify-write commands (INCR). Nothing else may touch the db in between.
   */
  replaceLookedUp(value: Value): void {
    this.tables.setValue(this.foundGroup, this.found, value);
    this.tables.setClock(this.foundGroup, this.found, this.clock());
  }

  /** Whether key is there, expired or not; where, in foundGroup and found. */
  private findAny(key: string): boolean {
    this.foundGroup = slotOfLatin1(key) >> GROUP_SHIFT;
    this.found = this.tables.find(this.foundGroup, key, hashLatin1(key));
    return this.found !== -1;
  }

  /** findAny() of the key whose latin1 string is bytes[start, end), of slot `slot`. */
  private findAnyBytes(bytes: Uint8Array, start: number, end: number, slot: number): boolean {
    this.foundGroup = slot >> GROUP_SHIFT;
    this.found = this.tables.findBytes(this.foundGroup, bytes, start, end, hashBytes(bytes, start, end));
    return this.found !== -1;
  }

  /** findAny() for a key that must also be alive (expiring it lazily otherwise). */
  private findLive(key: string): boolean {
    if (this.beforeChange !== null && this.writing) this.beforeChange(key);
    return this.findAny(key) && this.alive(this.foundGroup, this.found);
  }

  /** Whether group's entry i is alive; expires it (lazily) when its time has passed. */
  private alive(group: number, i: number): boolean {
    if (this.expires.size === 0) return true;
    const key = this.tables.keyOf(group, i);
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
  readonly #tables: KeyTables;
  readonly #slot: number;
  constructor(tables: KeyTables, slot: number, size: number) {
    this.#tables = tables;
    this.#slot = slot;
    this.size = size;
  }
  *keys(): IterableIterator<string> {
    for (const key of this.#tables.keys(this.#slot >> GROUP_SHIFT)) if (slotOfLatin1(key) === this.#slot) yield key;
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
