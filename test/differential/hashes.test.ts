/**
 * Hash commands, compared byte for byte with redis-server: small hashes keep insertion order
 * (Redis's listpack) so HGETALL/HKEYS/HVALS are compared exactly there; big ones are compared
 * with their order ignored. Then one seeded random sequence per slotkv configuration; replay
 * a failure with SLOTKV_SEEDS=<seed>.
 */
import { describe, it } from 'vitest';
import { exactBytes, useDifferential, type Command, type Step } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { randomHashCommands } from '../helpers/gen-hashes.ts';

const SEEDS = process.env.SLOTKV_SEEDS ? process.env.SLOTKV_SEEDS.split(',').map(Number) : [42];
const COMMANDS = Number(process.env.SLOTKV_RANDOM_COMMANDS ?? 600);
const BINARY = Buffer.from('a\r\nb\0c\xff', 'latin1');
const exact = (...cmd: Command): Step => ({ cmd, compare: exactBytes });
const long = (n: number, c = 'x'): string => c.repeat(n);

describe.each(SLOTKV_CONFIGS)('hash commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('HSET adds pairs, counts only new fields, and small hashes reply in insertion order', () =>
    s.d.run([
      ['HSET', 'h', 'b', '1', 'a', '2', 'c', '3'], ['HSET', 'h', 'a', 'x', 'd', '4'], exact('HGETALL', 'h'),
      exact('HKEYS', 'h'), exact('HVALS', 'h'), ['HLEN', 'h'], ['HGET', 'h', 'a'], ['HGET', 'h', 'zz'],
      ['HGET', 'missing', 'a'], ['HMSET', 'h', 'e', '5'], ['HSET', 'h', 'f', 'v', 'f', 'w'], ['HGET', 'h', 'f'],
      ['HDEL', 'h', 'b'], ['HSET', 'h', 'b', 'again'], exact('HGETALL', 'h'),
    ]));

  it('HSET and HMSET with a dangling field answer the arity error naming the command', () =>
    s.d.run([['HSET', 'h', 'f'], ['HSET', 'h', 'f', 'v', 'g'], ['HMSET', 'h', 'f', 'v', 'g'], ['EXISTS', 'h'], ['HSET', 'h']]));

  it('HSETNX sets only a missing field', () =>
    s.d.run([['HSETNX', 'h', 'f', '1'], ['HSETNX', 'h', 'f', '2'], ['HGET', 'h', 'f'], ['HSETNX', 'h', 'g', '3'], exact('HGETALL', 'h')]));

  it('HMGET, HEXISTS and HSTRLEN answer for present and missing fields and keys', () =>
    s.d.run([
      ['HSET', 'h', 'f', 'hello', 'n', '-12'], ['HMGET', 'h', 'f', 'nope', 'n'], ['HMGET', 'missing', 'a', 'b'],
      ['HEXISTS', 'h', 'f'], ['HEXISTS', 'h', 'nope'], ['HEXISTS', 'missing', 'f'], ['HSTRLEN', 'h', 'f'],
      ['HSTRLEN', 'h', 'n'], ['HSTRLEN', 'h', 'nope'], ['HSTRLEN', 'missing', 'f'], ['HLEN', 'missing'],
      ['HKEYS', 'missing'], ['HVALS', 'missing'], ['HGETALL', 'missing'],
    ]));

  it('HDEL removes fields, counts them once, and deletes the emptied key', () =>
    s.d.run([
      ['HSET', 'h', 'a', '1', 'b', '2'], ['HDEL', 'h', 'a', 'a', 'zz'], ['HDEL', 'missing', 'a'], ['EXISTS', 'h'],
      ['HDEL', 'h', 'b', 'b'], ['EXISTS', 'h'], ['TYPE', 'h'], ['HLEN', 'h'],
    ]));

  it('HINCRBY counts, rejects non-integers and refuses to overflow', () =>
    s.d.run([
      ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-10'], ['HGET', 'h', 'n'], ['HINCRBY', 'h', 'n', 'x'],
      ['HINCRBY', 'h', 'n', '1.5'], ['HSET', 'h', 's', 'abc', 'sp', ' 1', 'z', '007'], ['HINCRBY', 'h', 's', '1'],
      ['HINCRBY', 'h', 'sp', '1'], ['HINCRBY', 'h', 'z', '1'], ['HSET', 'h', 'big', '9223372036854775807'],
      ['HINCRBY', 'h', 'big', '1'], ['HINCRBY', 'h', 'big', '0'], ['HINCRBY', 'h', 'big', '-9223372036854775808'],
      ['HGET', 'h', 'big'], ['HSET', 'h', 'low', '-9223372036854775808'], ['HINCRBY', 'h', 'low', '-1'],
      ['HINCRBY', 'h', 'n', '9223372036854775808'], ['HINCRBY', 'new', 'f', 'x'], ['EXISTS', 'new'],
    ]));

  it('HINCRBYFLOAT formats like Redis and rejects NaN, infinity and non-floats', () =>
    s.d.run([
      ['HINCRBYFLOAT', 'h', 'f', '10.5'], ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '-5.0e3'],
      ['HSET', 'h', 'g', '5.0e3'], ['HINCRBYFLOAT', 'h', 'g', '2.0e2'], ['HINCRBYFLOAT', 'h', 'g', '0'],
      ['HSET', 'h', 'i', '3'], ['HINCRBYFLOAT', 'h', 'i', '1.5'], ['HINCRBYFLOAT', 'h', 'i', '-4.5'], ['HGET', 'h', 'i'],
      ['HINCRBYFLOAT', 'h', 'f', 'abc'], ['HINCRBYFLOAT', 'h', 'f', ''], ['HINCRBYFLOAT', 'h', 'f', 'nan'],
      ['HINCRBYFLOAT', 'h', 'f', 'inf'], ['HINCRBYFLOAT', 'h', 'f', '-inf'], ['HINCRBYFLOAT', 'new', 'f', 'inf'], ['EXISTS', 'new'],
      ['HSET', 'h', 's', 'abc'], ['HINCRBYFLOAT', 'h', 's', '1'], ['HSET', 'h', 'huge', '1e4932'],
      ['HINCRBYFLOAT', 'h', 'huge', '1e4932'], ['HINCRBYFLOAT', 'h', 'huge', '1e300'], ['HSET', 'h', 'tiny', '1.23e-4'],
      ['HINCRBYFLOAT', 'h', 'tiny', '1'], ['HINCRBYFLOAT', 'h', 'hex', '0x10'], ['HINCRBYFLOAT', 'h', 'hex', '1e70'],
      ['HGETALL', 'h'], // a hashtable by now (a value past 64 bytes): order unspecified
    ]));

  it('fields and values are binary safe', () =>
    s.d.run([
      ['HSET', 'h', BINARY, BINARY, '', ''], ['HGET', 'h', BINARY], ['HGET', 'h', ''], ['HSTRLEN', 'h', BINARY],
      exact('HGETALL', 'h'), ['HEXISTS', 'h', ''], ['HDEL', 'h', BINARY], exact('HKEYS', 'h'),
    ]));

  it('a hash past 128 entries or 64-byte values still answers every command', () => {
    const steps: (Command | Step)[] = [];
    for (let i = 0; i < 140; i++) steps.push(['HSET', 'big', `f${i}`, String(i)]);
    steps.push(['HLEN', 'big'], ['HGETALL', 'big'], ['HKEYS', 'big'], ['HVALS', 'big'], ['HGET', 'big', 'f139']);
    steps.push(['HSET', 'wide', 'a', '1', 'b', long(65)], ['HSET', 'wide', long(100, 'k'), 'v'], ['HGETALL', 'wide']);
    steps.push(['HSET', 'edge', long(64, 'f'), long(64)], exact('HGETALL', 'edge'), ['HINCRBY', 'edge', long(70, 'n'), '3']);
    steps.push(['HSCAN', 'big', '0'], ['HSCAN', 'big', '0', 'COUNT', '7'], ['HSCAN', 'big', '0', 'MATCH', 'f1*', 'COUNT', '3']);
    for (let i = 0; i < 140; i += 2) steps.push(['HDEL', 'big', `f${i}`]);
    steps.push(['HLEN', 'big'], ['HGETALL', 'big'], ['HSCAN', 'big', '0', 'COUNT', '5']);
    return s.d.run(steps);
  });

  it('HSCAN returns a small hash whole with cursor 0 and filters fields by MATCH', () =>
    s.d.run([
      ['HSET', 'h', 'foo', '1', 'bar', '2', 'food', '3', '', 'empty'],
      exact('HSCAN', 'h', '0'), exact('HSCAN', 'h', '0', 'MATCH', 'fo*'), exact('HSCAN', 'h', '0', 'MATCH', '*'),
      exact('HSCAN', 'h', '0', 'COUNT', '1'), exact('HSCAN', 'h', '17', 'match', 'b?r', 'count', '100'),
      exact('HSCAN', 'missing', '0'), exact('HSCAN', 'missing', '0', 'BOGUS'), exact('HSCAN', 'h', 'x'),
      exact('HSCAN', 'h', '-1'), exact('HSCAN', 'h', '0', 'COUNT', '0'), exact('HSCAN', 'h', '0', 'COUNT', 'x'),
      exact('HSCAN', 'h', '0', 'TYPE', 'hash'), exact('HSCAN', 'h', '0', 'MATCH'), exact('HSCAN', 'h', '18446744073709551616'),
    ]));

  it('HRANDFIELD returns the whole small hash in order when the count covers it', () =>
    s.d.run([
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HRANDFIELD', 'h', '3'], ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '0'], ['HRANDFIELD', 'missing'], ['HRANDFIELD', 'missing', '5'], ['HRANDFIELD', 'h', 'x'],
      ['HRANDFIELD', 'h', '1', 'WITHVALUE'], ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', '-9223372036854775808'], ['HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES'],
      ['HSET', 'one', 'f', 'v'], ['HRANDFIELD', 'one'], ['HRANDFIELD', 'one', '-3', 'WITHVALUES'], ['HRANDFIELD', 'one', '1'],
    ]));

  it('every hash command answers WRONGTYPE on a string, and string commands on a hash', () =>
    s.d.run([
      ['SET', 's', 'x'], ['HSET', 's', 'f', 'v'], ['HMSET', 's', 'f', 'v'], ['HSETNX', 's', 'f', 'v'], ['HGET', 's', 'f'],
      ['HMGET', 's', 'f'], ['HDEL', 's', 'f'], ['HLEN', 's'], ['HSTRLEN', 's', 'f'], ['HEXISTS', 's', 'f'],
      ['HINCRBY', 's', 'f', '1'], ['HINCRBYFLOAT', 's', 'f', '1'], ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'],
      ['HSCAN', 's', '0'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HINCRBY', 's', 'f', 'x'],
      ['HSET', 'h', 'f', 'v'], ['GET', 'h'], ['INCR', 'h'], ['APPEND', 'h', 'x'], ['SADD', 'h', 'm'], ['SMEMBERS', 'h'],
      ['TYPE', 'h'], ['SET', 'h', 'now-a-string'], ['HGET', 'h', 'f'], ['TYPE', 'h'],
    ]));

  it('hash keys expire and RENAME moves the whole hash', () =>
    s.d.run([
      ['HSET', '{h}a', 'f', '1', 'g', '2'], ['EXPIRE', '{h}a', '100'], ['HSET', '{h}a', 'h', '3'], ['TTL', '{h}a'],
      ['RENAME', '{h}a', '{h}b'], exact('HGETALL', '{h}b'), ['EXISTS', '{h}a'], ['PEXPIRE', '{h}b', '0'], ['HGETALL', '{h}b'],
    ]));

  it.each(SEEDS)('seed %i: a random hash sequence gives the same replies', async (seed) => {
    s.d.setContext(`seed ${seed}; replay with SLOTKV_SEEDS=${seed}`);
    await s.d.run(randomHashCommands(seed, COMMANDS));
  });
});
