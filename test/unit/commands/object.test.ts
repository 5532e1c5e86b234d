/**
 * OBJECT on a fake shard: string encodings as redis-server 7.0.15 reported them after SET,
 * APPEND, SETRANGE, SETBIT and INCR; collection encodings from their types; shared-integer
 * reference counts; IDLETIME's access clock; FREQ's policy error; HELP, nil for missing keys and
 * the subcommand errors.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { OBJECT_COMMANDS, objectEncoding, objectRefcount } from '../../../src/commands/object.ts';
import { STRING_COMMANDS } from '../../../src/commands/strings.ts';
import { BIT_COMMANDS } from '../../../src/commands/bits.ts';
import { SET_COMMANDS } from '../../../src/commands/sets.ts';
import { HASH_COMMANDS } from '../../../src/commands/hashes.ts';
import { ZSET_COMMANDS } from '../../../src/commands/zsets.ts';
import { KEY_COMMANDS } from '../../../src/commands/keys.ts';
import { LIST_COMMANDS } from '../../../src/commands/lists.ts';
import { decodeReply, fakeShard, type FakeShard, type Reply } from '../../helpers/exec-ctx.ts';

const ROWS = [...OBJECT_COMMANDS, ...STRING_COMMANDS, ...BIT_COMMANDS, ...SET_COMMANDS, ...HASH_COMMANDS,
  ...ZSET_COMMANDS, ...KEY_COMMANDS, ...LIST_COMMANDS];
const spec = (name: string) => ROWS.find((s) => s.name === name)!;

let shard: FakeShard;
const run = (...args: string[]): Reply => decodeReply(shard.run(spec(args[0]!.toLowerCase()).handler!, args));
const encoding = (key: string): Reply => run('OBJECT', 'ENCODING', key);
const refcount = (key: string): Reply => run('OBJECT', 'REFCOUNT', key);

beforeEach(() => {
  shard = fakeShard();
});

describe('OBJECT ENCODING of strings', () => {
  it('integers string2ll accepts are int, up to 20 characters with both int64 ends', () => {
    for (const v of ['0', '123', '-1', '9223372036854775807', '-9223372036854775808']) {
      run('SET', 'k', v);
      expect(encoding('k'), v).toBe('int');
    }
  });

  it('text that only looks numeric is embstr: leading zero, plus sign, -0, past int64', () => {
    for (const v of ['0123', '+1', '-0', ' 1', '12345678901234567890', '1.5']) {
      run('SET', 'k', v);
      expect(encoding('k'), v).toBe('embstr');
    }
  });

  it('strings are embstr up to 44 bytes and raw from 45', () => {
    run('SET', 'a', 'x'.repeat(44));
    run('SET', 'b', 'x'.repeat(45));
    run('SET', 'e', '');
    expect([encoding('a'), encoding('b'), encoding('e')]).toEqual(['embstr', 'raw', 'embstr']);
  });

  it('APPEND to an existing value makes it raw, even an empty append, but APPEND creating a key does not', () => {
    run('SET', 'a', '123');
    run('APPEND', 'a', '4');
    run('SET', 'b', '5');
    run('APPEND', 'b', '');
    run('APPEND', 'c', '5');
    run('APPEND', 'd', 'xx');
    expect([encoding('a'), encoding('b'), encoding('c'), encoding('d')]).toEqual(['raw', 'raw', 'int', 'embstr']);
  });

  it('SETRANGE and SETBIT leave raw values, and INCR turns a raw value back into int', () => {
    run('SETRANGE', 'r', '0', '5');
    run('SETBIT', 'b', '1', '1');
    expect([encoding('r'), encoding('b')]).toEqual(['raw', 'raw']);
    run('SET', 'a', '123');
    run('APPEND', 'a', '4');
    expect(run('INCR', 'a')).toBe(1235);
    expect(encoding('a')).toBe('int');
    expect(refcount('a')).toBe(2147483647);
  });
});

describe('OBJECT ENCODING of collections', () => {
  it('sets, hashes and sorted sets answer with their small encodings, then the big ones', () => {
    run('SADD', 's', '1');
    run('HSET', 'h', 'a', 'b');
    run('ZADD', 'z', '1', 'a');
    expect([encoding('s'), encoding('h'), encoding('z')]).toEqual(['intset', 'listpack', 'listpack']);
    run('SADD', 's', 'x');
    run('HSET', 'h', 'a', 'v'.repeat(65));
    run('ZADD', 'z', '1', 'm'.repeat(65));
    expect([encoding('s'), encoding('h'), encoding('z')]).toEqual(['hashtable', 'hashtable', 'skiplist']);
  });

  it('lists are quicklists, as every list is in Redis 7.0', () => {
    run('RPUSH', 'l', '1');
    expect(encoding('l')).toBe('quicklist');
    expect(refcount('l')).toBe(1);
  });

  it('any other typed value answers with its own encoding getter', () => {
    expect(objectEncoding({ type: 'hash', encoding: 'ziplist' } as never)).toBe('ziplist');
  });
});

describe('OBJECT REFCOUNT', () => {
  it('the shared integers 0..9999 count INT_MAX and every other value counts 1', () => {
    const cases: [string, number][] = [['0', 2147483647], ['9999', 2147483647], ['10000', 1], ['-1', 1],
      ['abc', 1], ['0123', 1]];
    for (const [v, want] of cases) {
      run('SET', 'k', v);
      expect(refcount('k'), v).toBe(want);
    }
    run('SADD', 's', '1');
    expect(refcount('s')).toBe(1);
  });

  it('a raw value holding a small integer is not shared', () => {
    run('SETRANGE', 'r', '0', '5');
    expect(refcount('r')).toBe(1);
    expect(objectRefcount('5')).toBe(2147483647);
  });
});

describe('OBJECT IDLETIME, FREQ, HELP and errors', () => {
  it('IDLETIME counts the seconds since the last read or write, and OBJECT itself does not touch', () => {
    run('SET', 'k', 'v');
    expect(run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    shard.now += 7_500;
    expect(run('OBJECT', 'IDLETIME', 'k')).toBe(7);
    expect(run('OBJECT', 'IDLETIME', 'k')).toBe(7);
    run('GET', 'k');
    expect(run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    shard.now += 3_000;
    run('APPEND', 'k', 'x');
    expect(run('OBJECT', 'IDLETIME', 'k')).toBe(0);
  });

  it('FREQ answers the no-LFU-policy error for an existing key', () => {
    run('SET', 'k', 'v');
    expect(run('OBJECT', 'freq', 'k')).toEqual({ error: expect.stringMatching(
      /^ERR An LFU maxmemory policy is not selected, access frequency not tracked\. Please note .* adjust\.$/) });
  });

  it('every subcommand answers nil for a missing or expired key', () => {
    run('SET', 'gone', 'v', 'PX', '10');
    shard.now += 20;
    for (const sub of ['ENCODING', 'REFCOUNT', 'IDLETIME', 'FREQ']) {
      expect(run('OBJECT', sub, 'missing'), sub).toBeNull();
      expect(run('OBJECT', sub, 'gone'), sub).toBeNull();
    }
  });

  it('HELP lists 15 lines, the first one naming the subcommands', () => {
    const help = run('OBJECT', 'help') as string[];
    expect(help).toHaveLength(15);
    expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help[14]).toBe('    Prints this help.');
  });

  it('unknown subcommands and wrong argument counts get Redis 7.0 errors', () => {
    expect(run('OBJECT', 'foo', 'k')).toEqual({ error: "ERR unknown subcommand 'foo'. Try OBJECT HELP." });
    expect(run('OBJECT', 'Encoding')).toEqual({ error: "ERR wrong number of arguments for 'object|encoding' command" });
    expect(run('OBJECT', 'encoding', 'a', 'b')).toEqual({ error: "ERR wrong number of arguments for 'object|encoding' command" });
    expect(run('OBJECT', 'help', 'x')).toEqual({ error: "ERR wrong number of arguments for 'object|help' command" });
  });

  it('the row names argument 2 as the key', () => {
    const row = spec('object');
    expect([row.arity, row.firstKey, row.lastKey, row.step]).toEqual([-2, 2, 2, 1]);
  });
});
