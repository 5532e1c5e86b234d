/**
 * Sorted set handlers run without sockets: replies, what reaches the write log, key deletion
 * when a set empties, and the key positions ZUNIONSTORE/ZINTERSTORE give the router.
 */
import { describe, expect, it } from 'vitest';
import { decodeReply, fakeShard } from '../../helpers/exec-ctx.ts';
import { lookupCommand } from '../../../src/commands/index.ts';
import { forEachKeyIndex } from '../../../src/commands/table.ts';
import { ZSet } from '../../../src/shard/types/zset.ts';

function shard() {
  const s = fakeShard();
  const run = (...args: string[]) => decodeReply(s.run(lookupCommand(args[0]!)!.handler!, args));
  return { s, run };
}

describe('sorted set commands', () => {
  it('ZADD creates the key only when something was added, and logs only changes', () => {
    const { s, run } = shard();
    expect(run('ZADD', 'z', 'XX', '1', 'a')).toBe(0);
    expect(s.dbs[0]!.data.has('z')).toBe(false);
    expect(run('ZADD', 'z', '1', 'a', '2', 'b')).toBe(2);
    expect(s.dbs[0]!.data.get('z')).toBeInstanceOf(ZSet);
    expect(run('ZADD', 'z', '1', 'a')).toBe(0);
    expect(s.log).toEqual([['ZADD', 'z', '1', 'a', '2', 'b']]);
  });

  it('ZADD INCR and ZINCRBY reply with the new score, or nil when a condition skips it', () => {
    const { run } = shard();
    expect(run('ZINCRBY', 'z', '0.1', 'a')).toBe('0.10000000000000001');
    expect(run('ZADD', 'z', 'INCR', '0.2', 'a')).toBe('0.30000000000000004');
    expect(run('ZADD', 'z', 'NX', 'INCR', '1', 'a')).toBeNull();
    expect(run('ZADD', 'z', 'INCR', 'inf', 'a')).toBe('inf');
    expect(run('ZINCRBY', 'z', '-inf', 'a')).toEqual({ error: 'ERR resulting score is not a number (NaN)' });
  });

  it('ZREM and ZREMRANGEBYSCORE delete the key once the set is empty', () => {
    const { s, run } = shard();
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(run('ZREM', 'z', 'a', 'x')).toBe(1);
    expect(run('ZREMRANGEBYSCORE', 'z', '-inf', '(3')).toBe(1);
    expect(run('ZREMRANGEBYLEX', 'z', '-', '+')).toBe(1);
    expect(s.dbs[0]!.data.has('z')).toBe(false);
  });

  it('ZRANGE reads ranks, scores and lex ranges in both directions', () => {
    const { run } = shard();
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['a', '1', 'b', '2', 'c', '3']);
    expect(run('ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '5')).toEqual(['c']);
    expect(run('ZRANGE', 'z', '[c', '-', 'BYLEX', 'REV')).toEqual(['c', 'b', 'a']);
    expect(run('ZREVRANGEBYSCORE', 'z', '2', '-inf')).toEqual(['b', 'a']);
    expect(run('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1')).toEqual({
      error: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX' });
    expect(run('ZCOUNT', 'z', 'x', '1')).toEqual({ error: 'ERR min or max is not a float' });
    expect(run('ZLEXCOUNT', 'z', 'a', '+')).toEqual({ error: 'ERR min or max not valid string range item' });
  });

  it('ZUNIONSTORE weighs and aggregates, and an empty result deletes the destination', () => {
    const { s, run } = shard();
    run('ZADD', 'a', '1', 'x', '2', 'y');
    run('ZADD', 'b', '10', 'y');
    expect(run('ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '2', '1')).toBe(2);
    expect(run('ZRANGE', 'd', '0', '-1', 'WITHSCORES')).toEqual(['x', '2', 'y', '14']);
    expect(run('ZINTERSTORE', 'd', '2', 'a', 'b', 'AGGREGATE', 'MIN')).toBe(1);
    expect(run('ZRANGE', 'd', '0', '-1', 'WITHSCORES')).toEqual(['y', '2']);
    expect(run('ZINTERSTORE', 'd', '2', 'a', 'missing')).toBe(0);
    expect(s.dbs[0]!.data.has('d')).toBe(false);
    expect(run('ZUNIONSTORE', 'd', '0', 'a')).toEqual({ error: "ERR at least 1 input key is needed for 'zunionstore' command" });
  });

  it('ZUNIONSTORE and ZINTERSTORE name their keys through numkeys', () => {
    const keys = (...args: string[]): string[] => {
      const argv = args.map((a) => Buffer.from(a));
      const found: string[] = [];
      forEachKeyIndex(lookupCommand(args[0]!)!, argv.length, (i) => found.push(args[i]!), argv);
      return found;
    };
    expect(keys('ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2')).toEqual(['d', 'a', 'b']);
    expect(keys('ZINTERSTORE', 'd', '1', 'a', 'AGGREGATE', 'MAX')).toEqual(['d', 'a']);
    expect(keys('ZUNIONSTORE', 'd', '5', 'a')).toEqual(['d']);
  });

  it('ZSCAN answers a small set in one call and pages a large one by rank', () => {
    const { run } = shard();
    run('ZADD', 'z', '1', 'a', '-0', 'b');
    expect(run('ZSCAN', 'z', '0', 'COUNT', '1')).toEqual(['0', ['b', '0', 'a', '1']]);
    const args = ['ZADD', 'big'];
    for (let i = 0; i < 200; i++) args.push(String(i), `m${i}`);
    run(...args);
    expect(run('ZSCAN', 'big', '0', 'COUNT', '5')).toEqual(['5', ['m0', '0', 'm1', '1', 'm2', '2', 'm3', '3', 'm4', '4']]);
    expect(run('ZSCAN', 'big', '198', 'COUNT', '5')).toEqual(['0', ['m198', '198', 'm199', '199']]);
  });
});
