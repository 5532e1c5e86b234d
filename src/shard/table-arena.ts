/**
 * The memory every key table of one db lives in: Int32Arrays ("chunks") that tables take
 * regions of, instead of an ArrayBuffer per table.
 *
 * Why: a lookup's first loads were a table's own objects (the table, its Int32Array, that
 * array's buffer), one set per group of slots, 1,024 sets per db; with thousands of keys those
 * missed the cache as often as the key's own entry did (`perf annotate`, docs/benchmarks.md,
 * eighth round). A db's chunks are a few dozen objects that all its lookups share.
 *
 * A region's size follows from its table's capacity, a power of two: its size class. Each chunk
 * holds regions of one class only (REGIONS_PER_CHUNK of them, fewer for big ones), cut from its
 * start in turn; a freed region goes on its class's free list for the next table of that size,
 * and a chunk whose regions are all free is dropped whole (unless it is the one its class is
 * cutting from). Tables grow in step with each other, so when they have all outgrown a class
 * its chunks empty and their memory goes back, where free lists alone would keep about as much
 * memory again as the live tables hold.
 */

/** Regions per chunk of a class, unless that would make the chunk larger than CHUNK_INTS. */
const REGIONS_PER_CHUNK = 32;
const CHUNK_INTS = 1 << 20;
const NO_CHUNK = -1;
const EMPTY = new Int32Array(0);

/** A region's address: chunk index * 2^32 + int offset in the chunk (exact in a double). */
export type RegionAddress = number;

export function regionAddress(chunk: number, offset: number): RegionAddress {
  return chunk * 2 ** 32 + offset;
}

export function chunkOf(address: RegionAddress): number {
  return Math.floor(address / 2 ** 32);
}

export function offsetOf(address: RegionAddress): number {
  return address % 2 ** 32;
}

export class TableArena {
  /** Read by tables on every access; a dropped chunk's slot holds an empty array until reused. */
  readonly chunks: Int32Array[] = [];
  /** The same memory as chunks[c], by byte. */
  readonly bytes: Buffer[] = [];
  /** Regions in use in chunk c. */
  private readonly live: number[] = [];
  /** Ints of chunk c handed out so far (regions are cut from its start in turn). */
  private readonly cut: number[] = [];
  /** Per size class: the chunk new regions are cut from, or NO_CHUNK. */
  private readonly cutting: number[] = [];
  /** Per size class: freed regions. */
  private readonly free: RegionAddress[][] = [];
  /** Indexes of dropped chunks, for the next new chunk. */
  private readonly spare: number[] = [];

  /** A region of `ints` ints for a table of size class `sizeClass` (its contents not cleared). */
  allocate(sizeClass: number, ints: number): RegionAddress {
    const reused = this.free[sizeClass]?.pop();
    if (reused !== undefined) {
      this.live[chunkOf(reused)]!++;
      return reused;
    }
    let c = this.cutting[sizeClass] ?? NO_CHUNK;
    if (c === NO_CHUNK || this.cut[c]! + ints > this.chunks[c]!.length) {
      const regions = Math.max(1, Math.min(REGIONS_PER_CHUNK, Math.floor(CHUNK_INTS / ints)));
      c = this.addChunk(regions * ints);
      this.cutting[sizeClass] = c;
    }
    const offset = this.cut[c]!;
    this.cut[c] = offset + ints;
    this.live[c]!++;
    return regionAddress(c, offset);
  }

  /** Gives back a region allocate() returned for the same size class. */
  release(sizeClass: number, address: RegionAddress): void {
    const c = chunkOf(address);
    // The chunk new regions are cut from stays, empty or not: a key made and deleted over and
    // over (a queue's list) would otherwise make and drop a chunk each time.
    if (--this.live[c]! > 0 || this.cutting[sizeClass] === c) {
      (this.free[sizeClass] ??= []).push(address);
      return;
    }
    // The chunk's last region: drop the whole chunk, and its other regions from the free list.
    const free = this.free[sizeClass];
    if (free !== undefined) this.free[sizeClass] = free.filter((a) => chunkOf(a) !== c);
    this.chunks[c] = EMPTY;
    this.bytes[c] = Buffer.alloc(0);
    this.spare.push(c);
  }

  /** Drops every region at once (FLUSHDB). */
  clear(): void {
    this.chunks.length = 0;
    this.bytes.length = 0;
    this.live.length = 0;
    this.cut.length = 0;
    this.cutting.length = 0;
    this.free.length = 0;
    this.spare.length = 0;
  }

  private addChunk(ints: number): number {
    const memory = new ArrayBuffer(4 * ints);
    const c = this.spare.pop() ?? this.chunks.length;
    this.chunks[c] = new Int32Array(memory);
    this.bytes[c] = Buffer.from(memory);
    this.live[c] = 0;
    this.cut[c] = 0;
    return c;
  }
}
