import { describe, expect, it } from 'vitest';
import { chunkOf, offsetOf, TableArena } from '../../../src/shard/table-arena.ts';

describe('TableArena', () => {
  it('cuts regions of one size class from shared chunks, never overlapping', () => {
    const arena = new TableArena();
    const regions = Array.from({ length: 100 }, () => arena.allocate(3, 84));
    const chunks = new Set(regions.map(chunkOf));
    expect(chunks.size).toBeGreaterThan(1); // 32 regions a chunk
    expect(chunks.size).toBeLessThan(10);
    const seen = new Set(regions.map((a) => `${chunkOf(a)}:${Math.floor(offsetOf(a) / 84)}`));
    expect(seen.size).toBe(100);
    for (const a of regions) expect(offsetOf(a) + 84).toBeLessThanOrEqual(arena.chunks[chunkOf(a)]!.length);
    // Another class never shares a chunk with this one.
    expect(chunks.has(chunkOf(arena.allocate(4, 168)))).toBe(false);
  });

  it('hands a freed region to the next table of its class', () => {
    const arena = new TableArena();
    const [a] = [arena.allocate(2, 42), arena.allocate(2, 42)];
    arena.release(2, a!);
    expect(arena.allocate(2, 42)).toBe(a);
  });

  it('drops a chunk once all its regions are free, and reuses its place', () => {
    const arena = new TableArena();
    const first = Array.from({ length: 32 }, () => arena.allocate(5, 336));
    const second = arena.allocate(5, 336); // the next chunk
    const c = chunkOf(first[0]!);
    expect(first.every((a) => chunkOf(a) === c)).toBe(true);
    expect(chunkOf(second)).not.toBe(c);
    for (const a of first) arena.release(5, a);
    expect(arena.chunks[c]!.length).toBe(0); // its memory is no longer held
    // None of the dropped chunk's regions comes back from the free list.
    const next = arena.allocate(5, 336);
    expect(chunkOf(next)).toBe(chunkOf(second));
    const reused = arena.allocate(6, 672);
    expect(chunkOf(reused)).toBe(c);
    expect(arena.chunks[c]!.length).toBeGreaterThan(0);
  });

  it('keeps the chunk it cuts from when it empties, so one key made and deleted over and over reuses it', () => {
    const arena = new TableArena();
    const a = arena.allocate(2, 42);
    const chunk = arena.chunks[chunkOf(a)];
    for (let i = 0; i < 100; i++) {
      arena.release(2, arena.allocate(2, 42));
    }
    arena.release(2, a);
    expect(arena.chunks[chunkOf(a)]).toBe(chunk);
    expect(arena.allocate(2, 42)).toBe(a);
  });
});
