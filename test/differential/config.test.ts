/**
 * CONFIG SET and GET compared byte for byte with redis-server: Redis 7.0's error for every kind
 * of bad call, all-or-nothing for several pairs, values shown by GET in Redis's normalized form.
 * Directives slotkv fixes at startup (appendonly, port ...) are left out, since Redis changes
 * those at runtime; integration/config.test.ts checks that the runtime ones take effect.
 */
import { describe, expect, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

/** RANDOMKEY picks at random: any bulk reply will do. */
const anyKey = (_ref: Buffer, sub: Buffer) => (sub[0] === 0x24 ? undefined : 'not a bulk reply');

describe.each(SLOTKV_CONFIGS)('CONFIG matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('answers Redis 7.0 errors for unknown, immutable, duplicate and odd arguments', () =>
    s.d.run([
      ['CONFIG', 'SET', 'no-such-thing', '1'],
      ['CONFIG', 'SET', 'NO-SUCH', '1', 'timeout', '1'],
      ['CONFIG', 'SET', 'databases', '4'],
      ['CONFIG', 'SET', 'DataBases', '4'],
      ['CONFIG', 'SET', 'io-threads', '2'],
      ['CONFIG', 'SET', 'daemonize', 'yes'],
      ['CONFIG', 'SET', 'timeout', 'abc', 'databases', '1'],
      ['CONFIG', 'SET', 'timeout', '1', 'timeout', '2'],
      ['CONFIG', 'SET', 'timeout', '1', 'TIMEOUT', '2'],
      ['CONFIG', 'SET', 'timeout'],
      ['CONFIG', 'SET'],
      ['CONFIG', 'SET', 'timeout', '1', 'maxclients'],
      ['CONFIG', 'GET', 'timeout'],
    ]));

  it('reads values as Redis does: integers, ranges, sizes, yes/no, enums', () =>
    s.d.run([
      ['CONFIG', 'SET', 'timeout', 'abc'],
      ['CONFIG', 'SET', 'timeout', '05'],
      ['CONFIG', 'SET', 'timeout', '+5'],
      ['CONFIG', 'SET', 'timeout', '-0'],
      ['CONFIG', 'SET', 'timeout', ''],
      ['CONFIG', 'SET', 'timeout', '5.0'],
      ['CONFIG', 'SET', 'timeout', '-1'],
      ['CONFIG', 'SET', 'timeout', '2147483648'],
      ['CONFIG', 'SET', 'maxclients', '0'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '-2'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '99999999999999999999'],
      ['CONFIG', 'SET', 'slowlog-max-len', '-1'],
      ['CONFIG', 'SET', 'lua-time-limit', '-1'],
      ['CONFIG', 'SET', 'client-query-buffer-limit', '1000'],
      ['CONFIG', 'SET', 'client-query-buffer-limit', '2gbx'],
      ['CONFIG', 'SET', 'client-query-buffer-limit', '-1'],
      ['CONFIG', 'SET', 'rdbcompression', '1'],
      ['CONFIG', 'SET', 'loglevel', 'loud'],
      ['CONFIG', 'SET', 'LogLevel', 'loud'],
    ]));

  it('applies every pair or none, and GET shows the values normalized', () =>
    s.d.run([
      ['CONFIG', 'SET', 'TIMEOUT', '7', 'maxclients', '50'],
      ['CONFIG', 'GET', 'timeout'],
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'SET', 'maxclients', '60', 'timeout', 'abc'],
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'SET', 'client-query-buffer-limit', '2MB', 'rdbcompression', 'NO', 'loglevel', 'WARNING'],
      ['CONFIG', 'GET', 'client-query-buffer-limit'],
      ['CONFIG', 'GET', 'rdbcompression'],
      ['CONFIG', 'GET', 'loglevel'],
      ['CONFIG', 'SET', 'slowlog-max-len', '5', 'slowlog-log-slower-than', '20000'],
      ['CONFIG', 'GET', 'slowlog-max-len'],
      ['CONFIG', 'GET', 'slowlog-log-slower-than'],
      // Back to the defaults, for the tests that share these servers.
      ['CONFIG', 'SET', 'timeout', '0', 'maxclients', '10000', 'client-query-buffer-limit', '1gb', 'rdbcompression', 'yes'],
      ['CONFIG', 'SET', 'loglevel', 'notice', 'slowlog-max-len', '128', 'slowlog-log-slower-than', '10000'],
      ['CONFIG', 'GET', 'timeout'],
    ]));

  it('CONFIG RESETSTAT zeroes the keyspace hits and misses, which count read-only lookups as Redis does', async () => {
    await s.d.run([
      ['CONFIG', 'RESETSTAT', 'x'],
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'a', '1'], ['RPUSH', 'l', 'x'], ['SADD', '{l}s', 'm'],
      ['GET', 'a'], ['GET', 'nosuch'], ['MGET', 'a', 'b', 'c'], ['EXISTS', 'a', 'nosuch'], ['TYPE', 'a'], ['TYPE', 'nosuch'],
      ['TTL', 'nosuch'], ['STRLEN', 'a'], ['HGET', 'h', 'f'], ['LRANGE', 'l', '0', '-1'], ['SCARD', '{l}s'],
      ['SISMEMBER', '{l}s', 'm'], ['GET', 'l'], ['INCR', 'a'], ['DEL', 'nosuch'], ['DBSIZE'],
      { cmd: ['RANDOMKEY'], compare: anyKey },
    ]);
    const [ref, sub] = await s.d.check({ cmd: ['INFO', 'stats'], compare: () => undefined }); // fields compared below
    const field = (info: Buffer, name: string) => new RegExp(`\\r\\n${name}:(\\d+)\\r\\n`).exec(info.toString())?.[1];
    for (const name of ['keyspace_hits', 'keyspace_misses']) {
      expect(field(sub, name), name).toBe(field(ref, name));
      expect(field(ref, name), name).toBeDefined();
    }
    expect(field(ref, 'keyspace_hits')).not.toBe('0');
  });
});
