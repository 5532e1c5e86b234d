/**
 * Set commands, compared byte for byte with redis-server. Where Redis's order is defined (an
 * intset replies in ascending order) the reply is compared exactly: the runner asks the
 * reference server's OBJECT ENCODING before each SMEMBERS and whole-set SPOP. Hashtable sets
 * are compared with their order ignored. Then one seeded random sequence per slotkv
 * configuration; replay a failure with SLOTKV_SEEDS=<seed>.
 */
import { describe, it } from 'vitest';
import { exactBytes, unorderedArray, useDifferential, type Command, type Differential, type Step } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { randomSetCommands } from '../helpers/gen-sets.ts';

const SEEDS = process.env.SLOTKV_SEEDS ? process.env.SLOTKV_SEEDS.split(',').map(Number) : [42];
const COMMANDS = Number(process.env.SLOTKV_RANDOM_COMMANDS ?? 600);
const BINARY = Buffer.from('a\r\nb\0c\xff', 'latin1');
const INTSET = Buffer.from('$6\r\nintset\r\n');
const unordered = (...cmd: Command): Step => ({ cmd, compare: unorderedArray });

/** Replies whose order Redis defines only for an intset. */
function orderedIfIntset(cmd: Command): boolean {
  const name = String(cmd[0]).toUpperCase();
  return name === 'SMEMBERS' || (name === 'SPOP' && cmd.length === 3);
}

/** Runs steps, comparing SMEMBERS-like replies exactly when Redis holds the set as an intset. */
async function runSteps(d: Differential, steps: readonly (Command | Step)[]): Promise<void> {
  for (const step of steps) {
    if (Array.isArray(step) && orderedIfIntset(step)) {
      const cmd = step as Command;
      const encoding = await d.ref.call('OBJECT', 'ENCODING', cmd[1]!);
      await d.check({ cmd, compare: encoding.equals(INTSET) ? exactBytes : unorderedArray });
    } else {
      await d.check(step);
    }
  }
}

describe.each(SLOTKV_CONFIGS)('set commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);
  const run = (steps: readonly (Command | Step)[]): Promise<void> => runSteps(s.d, steps);

  it('SADD counts new members and an integer set replies in ascending order', () =>
    run([
      ['SADD', 's', '5', '-3', '100', '0', '5', '9223372036854775807', '-9223372036854775808'], ['SMEMBERS', 's'],
      ['SADD', 's', '7'], ['SMEMBERS', 's'], ['SCARD', 's'], ['SADD', 'm', 'b', 'a', '1'], ['SMEMBERS', 'm'],
      ['SADD', 'z', '01', '+1', '-0', ' 1', '1'], ['SMEMBERS', 'z'], ['SCARD', 'missing'], ['SMEMBERS', 'missing'],
    ]));

  it('a set that held a string stays unordered after the string leaves', () =>
    run([['SADD', 's', '3', 'x', '1', '2'], ['SREM', 's', 'x'], ['SMEMBERS', 's'], ['SADD', 's', '0'], ['SMEMBERS', 's']]));

  it('a set past 512 integers still answers every command', () => {
    const many = Array.from({ length: 600 }, (_, i) => String(i * 7 - 1000));
    return run([
      ['SADD', 'big', ...many.slice(0, 512)], ['SMEMBERS', 'big'], ['SADD', 'big', ...many.slice(512)], ['SCARD', 'big'],
      ['SMEMBERS', 'big'], ['SISMEMBER', 'big', '-1000'], ['SSCAN', 'big', '0'], ['SSCAN', 'big', '0', 'COUNT', '33'],
      ['SSCAN', 'big', '0', 'MATCH', '*5', 'COUNT', '7'], ['SREM', 'big', ...many.slice(0, 300)], ['SMEMBERS', 'big'],
      ['SSCAN', 'big', '0', 'COUNT', '3'],
    ]);
  });

  it('SREM removes members and deletes the emptied key', () =>
    run([
      ['SADD', 's', 'a', 'b', 'c'], ['SREM', 's', 'a', 'a', 'zz'], ['SREM', 'missing', 'a'], ['SREM', 's', 'b', 'c', 'b'],
      ['EXISTS', 's'], ['TYPE', 's'], ['SCARD', 's'],
    ]));

  it('SISMEMBER and SMISMEMBER answer for present and missing members and keys', () =>
    run([
      ['SADD', 's', 'a', '1', BINARY, ''], ['SISMEMBER', 's', 'a'], ['SISMEMBER', 's', 'b'], ['SISMEMBER', 's', BINARY],
      ['SISMEMBER', 's', ''], ['SISMEMBER', 'missing', 'a'], ['SMISMEMBER', 's', 'a', 'b', '1', ''],
      ['SMISMEMBER', 'missing', 'a', 'b'], ['SMISMEMBER', 's'],
    ]));

  it('SMOVE moves, creates and deletes keys, and is a membership test on the same set', () =>
    run([
      ['SADD', '{t}a', '1', '2'], ['SMOVE', '{t}a', '{t}b', '1'], ['SMEMBERS', '{t}b'], ['SMOVE', '{t}a', '{t}b', '9'],
      ['SMOVE', '{t}a', '{t}a', '2'], ['SMOVE', '{t}a', '{t}a', '9'], ['SMOVE', '{t}a', '{t}b', '2'], ['EXISTS', '{t}a'],
      ['SMEMBERS', '{t}b'], ['SADD', '{t}c', 'x'], ['SMOVE', '{t}b', '{t}c', '2'], ['SMEMBERS', '{t}c'],
      ['SMOVE', '{t}missing', '{t}c', 'x'], ['SET', '{t}str', 'v'], ['SMOVE', '{t}missing', '{t}str', 'x'],
      ['SMOVE', '{t}c', '{t}str', 'x'], ['SMOVE', '{t}str', '{t}c', 'x'], ['SMOVE', '{t}c', '{t}c', 'x'],
      ['SADD', '{t}d', 'x'], ['SMOVE', '{t}c', '{t}d', 'x'], ['SMEMBERS', '{t}d'], ['EXISTS', '{t}c'],
    ]));

  it('SINTER, SUNION and SDIFF combine sets, a missing key being the empty set', () =>
    run([
      ['SADD', '{t}a', '1', '2', '3', '4', 'x'], ['SADD', '{t}b', '2', '3', '5'], ['SADD', '{t}c', '3', '4', '6'],
      ['SINTER', '{t}a', '{t}b'], ['SINTER', '{t}a', '{t}b', '{t}c'], ['SINTER', '{t}a', '{t}missing'],
      ['SINTER', '{t}a'], ['SINTER', '{t}missing'], ['SUNION', '{t}a', '{t}b', '{t}missing'], ['SUNION', '{t}missing'],
      ['SDIFF', '{t}a', '{t}b', '{t}c'], ['SDIFF', '{t}missing', '{t}a'], ['SDIFF', '{t}a', '{t}missing'],
      ['SDIFF', '{t}a', '{t}a'], ['SINTER', '{t}a', '{t}a'], ['SUNION', '{t}b', '{t}c'],
    ]));

  it('SINTER and friends check every key type, even after a missing key', () =>
    run([
      ['SADD', '{t}a', '1'], ['SET', '{t}str', 'v'], ['SINTER', '{t}missing', '{t}str'], ['SINTER', '{t}a', '{t}str'],
      ['SUNION', '{t}missing', '{t}str'], ['SDIFF', '{t}missing', '{t}str'], ['SDIFF', '{t}str', '{t}a'],
      ['SINTERSTORE', '{t}d', '{t}missing', '{t}str'], ['SUNIONSTORE', '{t}d', '{t}a', '{t}str'], ['EXISTS', '{t}d'],
    ]));

  it('the STORE forms replace a key of any type, clear its TTL, and delete it when the result is empty', () =>
    run([
      ['SADD', '{t}a', '1', '2', 'x'], ['SADD', '{t}b', '2', 'x', 'y'], ['SET', '{t}d', 'string'], ['EXPIRE', '{t}d', '100'],
      ['SINTERSTORE', '{t}d', '{t}a', '{t}b'], ['TYPE', '{t}d'], ['TTL', '{t}d'], ['SMEMBERS', '{t}d'],
      ['HSET', '{t}h', 'f', 'v'], ['SUNIONSTORE', '{t}h', '{t}a', '{t}b'], ['SMEMBERS', '{t}h'],
      ['SDIFFSTORE', '{t}d', '{t}a', '{t}b'], ['SMEMBERS', '{t}d'], ['SINTERSTORE', '{t}d', '{t}a', '{t}missing'],
      ['EXISTS', '{t}d'], ['SINTERSTORE', '{t}d', '{t}a', '{t}missing'], ['SUNIONSTORE', '{t}d', '{t}missing'],
      ['SDIFFSTORE', '{t}a', '{t}a', '{t}b'], ['SMEMBERS', '{t}a'], ['SUNIONSTORE', '{t}b', '{t}b', '{t}a'],
      ['SMEMBERS', '{t}b'], ['SADD', '{t}n', '3', '1'], ['SUNIONSTORE', '{t}u', '{t}n', '{t}n'], ['SMEMBERS', '{t}u'],
      ['SINTERSTORE', '{t}d'], ['SDIFFSTORE', '{t}d'],
    ]));

  it('SPOP and SRANDMEMBER whole-set and empty forms are deterministic', () =>
    run([
      ['SADD', 's', '3', '1', '2'], ['SRANDMEMBER', 's', '3'], ['SRANDMEMBER', 's', '10'], ['SRANDMEMBER', 's', '0'],
      ['SRANDMEMBER', 'missing'], ['SRANDMEMBER', 'missing', '3'], ['SRANDMEMBER', 'missing', '-3'],
      ['SPOP', 's', '0'], ['SPOP', 's', '3'], ['EXISTS', 's'], ['SPOP', 'missing'], ['SPOP', 'missing', '2'],
      ['SADD', 'one', 'm'], ['SPOP', 'one'], ['EXISTS', 'one'], ['SADD', 'one', 'm'], ['SRANDMEMBER', 'one'],
      ['SRANDMEMBER', 'one', '-3'], ['SRANDMEMBER', 'one', '1'], ['SPOP', 'one', '1'], ['EXISTS', 'one'],
      ['SADD', 'w', 'b', 'a'], unordered('SPOP', 'w', '5'), ['EXISTS', 'w'],
    ]));

  it('SPOP and SRANDMEMBER reject bad counts as Redis words them', () =>
    run([
      ['SADD', 's', 'a'], ['SPOP', 's', '-1'], ['SPOP', 's', 'x'], ['SPOP', 's', '1', '2'], ['SRANDMEMBER', 's', 'x'],
      ['SRANDMEMBER', 's', '1', '2'], ['SRANDMEMBER', 's', '-9223372036854775808'], ['SRANDMEMBER', 's', '1.5'],
      ['SPOP', 'missing', '-1'], ['SRANDMEMBER', 'missing', 'x'], ['SCARD', 's'],
    ]));

  it('SSCAN returns an intset whole with cursor 0 and filters by MATCH', () =>
    run([
      ['SADD', 's', '10', '1', '12', '-5', '2'], { cmd: ['SSCAN', 's', '0'], compare: exactBytes },
      { cmd: ['SSCAN', 's', '0', 'MATCH', '1*', 'COUNT', '1'], compare: exactBytes },
      { cmd: ['SSCAN', 's', '99', 'MATCH', '-*'], compare: exactBytes }, { cmd: ['SSCAN', 'missing', '0'], compare: exactBytes },
      { cmd: ['SSCAN', 's', 'x'], compare: exactBytes }, { cmd: ['SSCAN', 's', '0', 'COUNT', '0'], compare: exactBytes },
      { cmd: ['SSCAN', 's', '0', 'TYPE', 'set'], compare: exactBytes }, ['SADD', 'h', 'a', 'b', 'ab', ''],
      ['SSCAN', 'h', '0', 'MATCH', 'a*'], ['SSCAN', 'h', '0', 'MATCH', '*'],
    ]));

  it('every set command answers WRONGTYPE on a string, and string commands on a set', () =>
    run([
      ['SET', 'k', 'x'], ['SADD', 'k', 'm'], ['SREM', 'k', 'm'], ['SISMEMBER', 'k', 'm'], ['SMISMEMBER', 'k', 'm'],
      ['SCARD', 'k'], ['SMEMBERS', 'k'], ['SPOP', 'k'], ['SPOP', 'k', '0'], ['SRANDMEMBER', 'k'], ['SRANDMEMBER', 'k', '2'],
      ['SSCAN', 'k', '0'], ['SINTER', 'k'], ['SUNION', 'k'], ['SDIFF', 'k'], ['GET', 'k'],
      ['SADD', 's', 'm'], ['GET', 's'], ['INCR', 's'], ['HSET', 's', 'f', 'v'], ['HGET', 's', 'f'], ['TYPE', 's'],
    ]));

  it.each(SEEDS)('seed %i: a random set sequence gives the same replies', async (seed) => {
    s.d.setContext(`seed ${seed}; replay with SLOTKV_SEEDS=${seed}`);
    await run(randomSetCommands(seed, COMMANDS));
  });
});
