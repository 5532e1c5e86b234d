import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBytes, parseCommandLine } from '../../../src/config/config.ts';

describe('configuration', () => {
  it('defaults to port 6379, data under ./data and 32 MB bulks', () => {
    const c = parseCommandLine([]);
    expect(c.port).toBe(6379);
    expect(c.dir).toBe('./data');
    expect(c.protoMaxBulkLen).toBe(32 * 1024 * 1024);
    expect(c.shards).toBeGreaterThan(0);
  });

  it('gives half the cores to shards and, above 2 cores, half to I/O workers', () => {
    const cores = availableParallelism();
    const c = parseCommandLine([]);
    expect(c.shards).toBe(Math.max(1, Math.floor(cores / 2)));
    expect(c.ioThreads).toBe(cores > 2 ? Math.floor(cores / 2) : 0);
    expect(parseCommandLine(['--shards', '3', '--io-threads', '0'])).toMatchObject({ shards: 3, ioThreads: 0 });
  });

  it('runs the shard on the main thread by default on 2 cores or fewer, and when asked', () => {
    const cores = availableParallelism();
    expect(parseCommandLine([]).inlineShard).toBe(cores <= 2);
    // Threads chosen by hand mean shard workers unless inline-shard says otherwise.
    expect(parseCommandLine(['--shards', '1', '--io-threads', '0']).inlineShard).toBe(false);
    expect(parseCommandLine(['--shards', '1', '--io-threads', '0', '--inline-shard', 'yes']).inlineShard).toBe(true);
    expect(parseCommandLine(['--inline-shard', 'no']).inlineShard).toBe(false);
    expect(() => parseCommandLine(['--shards', '2', '--io-threads', '0', '--inline-shard', 'yes'])).toThrow(/inline-shard yes needs shards 1 and io-threads 0/);
    expect(() => parseCommandLine(['--shards', '1', '--io-threads', '2', '--inline-shard', 'yes'])).toThrow(/inline-shard/);
  });

  it('reads a redis.conf file and lets flags override it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotkv-conf-'));
    const file = join(dir, 'redis.conf');
    writeFileSync(file, '# comment\nport 7000\nrequirepass "s3 cret"\nshards 3\nsave ""\n');
    const c = parseCommandLine([file, '--port', '7001', '--io-threads', '2']);
    expect(c.port).toBe(7001);
    expect(c.requirePass).toBe('s3 cret');
    expect(c.shards).toBe(3);
    expect(c.ioThreads).toBe(2);
  });

  it('takes any directive as a flag, as redis-server does', () => {
    const c = parseCommandLine(['--proto-max-bulk-len', '64mb', '--instance-id', 'crs-1']);
    expect(c.protoMaxBulkLen).toBe(64 * 1024 * 1024);
    expect(c.instanceId).toBe('crs-1');
  });

  it('refuses unknown directives and bad values with the directive named', () => {
    expect(() => parseCommandLine(['--no-such-thing', '1'])).toThrow(/no-such-thing/);
    expect(() => parseCommandLine(['--port', 'abc'])).toThrow(/'port'/);
    expect(() => parseCommandLine(['--appendfsync', 'sometimes'])).toThrow(/appendfsync/);
  });

  it('parses memory units as redis.conf does', () => {
    expect(parseBytes('1k')).toBe(1000);
    expect(parseBytes('1kb')).toBe(1024);
    expect(parseBytes('2GB')).toBe(2 * 1024 ** 3);
    expect(parseBytes('12x')).toBeUndefined();
  });
});
