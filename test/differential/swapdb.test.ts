/**
 * SWAPDB and ROLE compared byte for byte with redis-server: values, TTLs, types and sizes
 * change places across every shard; bad indexes answer Redis's errors.
 */
import { describe, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

describe.each(SLOTKV_CONFIGS)('SWAPDB matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('swaps whole databases, TTLs included', () =>
    s.d.run([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['SET', 'ttl', 'x', 'EX', '100'], ['RPUSH', 'l', 'x'],
      ['SELECT', '1'], ['SET', 'a', 'one'], ['SADD', 'only1', 'm'],
      ['SWAPDB', '0', '1'], ['MGET', 'a', 'b', 'c', 'ttl'], ['TTL', 'ttl'], ['TYPE', 'l'], ['DBSIZE'],
      ['SELECT', '0'], ['MGET', 'a', 'b', 'only1'], ['TYPE', 'only1'], ['DBSIZE'],
      ['SWAPDB', '1', '1'], ['SWAPDB', '0', '1'], ['DBSIZE'], ['GET', 'a'],
    ]));

  it('answers Redis errors for bad indexes, and ROLE says master', () =>
    s.d.run([
      ['SWAPDB', '0', '16'], ['SWAPDB', 'a', '1'], ['SWAPDB', '0', 'b'], ['SWAPDB', '-1', '0'], ['SWAPDB', '0'],
      ['ROLE'],
    ]));
});
