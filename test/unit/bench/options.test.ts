import { describe, expect, it } from 'vitest';
import { DEFAULTS, OptionError, parseOptions } from '../../../native-free-bench/options.ts';

describe('bench option parsing', () => {
  it('returns the defaults for an empty command line', () => {
    const o = parseOptions([]);
    expect(o).toEqual({ ...DEFAULTS, threads: 2 });
    expect(o.tests).not.toBe(DEFAULTS.tests);
  });

  it('reads long options, short redis-benchmark aliases and --name=value forms', () => {
    const o = parseOptions(['--host', '10.0.0.1', '-p', '7000', '-c', '8', '-P', '16', '-n', '1000', '-d', '100', '-r', '500', '--threads=4', '--password=pw']);
    expect(o).toMatchObject({ host: '10.0.0.1', port: 7000, clients: 8, pipeline: 16, requests: 1000, valueSize: 100, keyspace: 500, threads: 4, password: 'pw' });
  });

  it('parses a test list case-insensitively and drops duplicates', () => {
    expect(parseOptions(['--tests', 'SET,get,set,lpush,mget']).tests).toEqual(['set', 'get', 'lpush', 'mget']);
  });

  it('rejects an unknown test name', () => {
    expect(() => parseOptions(['-t', 'set,frobnicate'])).toThrow(/unknown test frobnicate/);
  });

  it('parses a memtier-style set:get ratio', () => {
    expect(parseOptions(['--ratio', '1:10']).ratio).toEqual({ set: 1, get: 10 });
    expect(() => parseOptions(['--ratio', '1/10'])).toThrow(OptionError);
    expect(() => parseOptions(['--ratio', '0:0'])).toThrow(/both sides are 0/);
  });

  it('accepts zipf and uniform distributions only', () => {
    expect(parseOptions(['--distribution', 'zipf']).distribution).toBe('zipf');
    expect(() => parseOptions(['--distribution', 'gauss'])).toThrow(/uniform or zipf/);
  });

  it('refuses --requests together with --duration', () => {
    expect(() => parseOptions(['-n', '10', '--duration', '3'])).toThrow(/exclude each other/);
    expect(parseOptions(['--duration', '2.5']).duration).toBe(2.5);
  });

  it('refuses non-integer, zero and out-of-range numbers', () => {
    expect(() => parseOptions(['-c', '0'])).toThrow(/at least 1/);
    expect(() => parseOptions(['-P', '1.5'])).toThrow(/not an integer/);
    expect(() => parseOptions(['--port', '70000'])).toThrow(/out of range/);
    expect(() => parseOptions(['--clients'])).toThrow(/needs a value/);
  });

  it('refuses unknown options and --quick without --compare', () => {
    expect(() => parseOptions(['--bogus'])).toThrow(/unknown option --bogus/);
    expect(() => parseOptions(['--quick'])).toThrow(/only applies to --compare/);
    expect(parseOptions(['--compare', '--quick'])).toMatchObject({ compare: true, quick: true });
  });

  it('takes --floor with --compare only', () => {
    expect(parseOptions(['--compare', '--floor'])).toMatchObject({ compare: true, floor: true });
    expect(parseOptions(['--compare']).floor).toBe(false);
    expect(() => parseOptions(['--floor'])).toThrow(/--floor only applies to --compare/);
    expect(() => parseOptions(['--compare-fsync', '--floor'])).toThrow(/--floor only applies to --compare/);
  });

  it('accepts --quick with --compare-fsync', () => {
    expect(parseOptions(['--compare-fsync', '--quick'])).toMatchObject({ compareFsync: true, compare: false, quick: true });
    expect(parseOptions(['--compare-fsync']).quick).toBe(false);
  });

  it('reads --memory with a million keys by default and --keys for a smaller run', () => {
    expect(parseOptions(['--memory'])).toMatchObject({ memory: true, memoryKeys: 1_000_000 });
    expect(parseOptions(['--memory', '--keys', '200000']).memoryKeys).toBe(200_000);
    expect(parseOptions(['--keys=5000', '--memory']).memoryKeys).toBe(5000);
    expect(() => parseOptions(['--memory', '--keys', '0'])).toThrow(/at least 1/);
  });

  it('refuses --keys outside --memory and --quick with --memory', () => {
    expect(() => parseOptions(['--keys', '10'])).toThrow(/only applies to --memory/);
    expect(() => parseOptions(['--memory', '--quick'])).toThrow(/only applies to --compare/);
  });

  it('refuses two modes at once', () => {
    expect(() => parseOptions(['--compare', '--compare-fsync'])).toThrow(/--compare and --compare-fsync exclude each other/);
    expect(() => parseOptions(['--memory', '--compare'])).toThrow(/exclude each other/);
  });

  it('never runs more load threads than connections', () => {
    expect(parseOptions(['-c', '1', '--threads', '4']).threads).toBe(1);
  });
});
