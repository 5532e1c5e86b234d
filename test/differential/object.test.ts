/**
 * OBJECT compared byte for byte with redis-server: string encodings after SET, APPEND,
 * SETRANGE, SETBIT and INCR, collection encodings, shared-integer reference counts, FREQ's
 * policy error, HELP, nil for missing keys and the subcommand errors, and IDLETIME after two
 * idle seconds and after a read.
 */
import { describe, expect, it } from 'vitest';
import { useDifferential, withinTolerance } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const enc = (key: string) => ['OBJECT', 'ENCODING', key];
const ref = (key: string) => ['OBJECT', 'REFCOUNT', key];

describe.each(SLOTKV_CONFIGS)('OBJECT matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('string encodings follow int, embstr and raw by content and length', () =>
    s.d.run([
      ['SET', 'i', '123'], enc('i'), ['SET', 'max', '9223372036854775807'], enc('max'),
      ['SET', 'min', '-9223372036854775808'], enc('min'), ['SET', 'big', '12345678901234567890'], enc('big'),
      ['SET', 'z', '0123'], enc('z'), ['SET', 'p', '+1'], enc('p'), ['SET', 'm0', '-0'], enc('m0'),
      ['SET', 'e', ''], enc('e'), ['SET', 'a44', 'a'.repeat(44)], enc('a44'), ['SET', 'a45', 'a'.repeat(45)], enc('a45'),
      ['MSET', 'm1', '5', 'm2', 'abc'], enc('m1'), enc('m2'), ['GETSET', 'g', '7'], ['GETSET', 'g', '8'], enc('g'),
      ['SETEX', 'x', '100', '4'], enc('x'), ['SET', 'f', '1.5'], enc('f'),
    ]));

  it('APPEND, SETRANGE and SETBIT make values raw and INCR makes them int again', () =>
    s.d.run([
      ['SET', 'a', '123'], ['APPEND', 'a', '4'], enc('a'), ref('a'), ['INCR', 'a'], enc('a'), ref('a'),
      ['SET', 'b', '5'], ['APPEND', 'b', ''], enc('b'), ['APPEND', 'c', '5'], enc('c'), ref('c'),
      ['APPEND', 'd', 'xx'], enc('d'), ['SETRANGE', 'r', '0', '5'], enc('r'), ref('r'),
      ['SETBIT', 'bits', '1', '1'], enc('bits'), ['INCR', 'n'], enc('n'), ref('n'),
      ['INCRBY', 'n2', '100000'], enc('n2'), ref('n2'), ['DECR', 'n3'], enc('n3'), ref('n3'),
    ]));

  it('collections report their small and big encodings', () =>
    s.d.run([
      ['SADD', 's', '1', '2'], enc('s'), ['SADD', 's', 'x'], enc('s'),
      ['HSET', 'h', 'f', 'v'], enc('h'), ['HSET', 'h', 'g', 'v'.repeat(65)], enc('h'),
      ['ZADD', 'z', '1', 'a'], enc('z'), ['ZADD', 'z', '2', 'b'.repeat(65)], enc('z'),
      ['RPUSH', 'l', '1', 'a'], enc('l'), ref('s'), ref('h'), ref('z'), ref('l'),
    ]));

  it('IDLETIME counts idle seconds, and a read resets it', async () => {
    await s.d.run([['SET', 'idle', 'v'], ['SET', 'read', 'v']]);
    await new Promise((r) => setTimeout(r, 2300));
    // Redis's LRU clock ticks with its cron (every 100 ms), so a second boundary may fall
    // differently for the two servers: allow one second either way, never for 0.
    const [ref, sub] = await s.d.check({ cmd: ['OBJECT', 'IDLETIME', 'idle'], compare: withinTolerance(1) });
    expect([ref.toString(), sub.toString()].every((r) => r === ':2\r\n' || r === ':3\r\n')).toBe(true);
    await s.d.run([['GET', 'read']]);
    // Reset by the read: 0, or 1 when a second boundary falls between the GET and this (as
    // right after a SET, below); the key had been idle for 2 or more.
    const [refRead, subRead] = await s.d.check({ cmd: ['OBJECT', 'IDLETIME', 'read'], compare: withinTolerance(1) });
    expect([refRead.toString(), subRead.toString()].every((r) => r === ':0\r\n' || r === ':1\r\n')).toBe(true);
  });

  it('reference counts are INT_MAX only for the shared integers 0..9999', () =>
    s.d.run([
      ['SET', 'a', '0'], ref('a'), ['SET', 'a', '9999'], ref('a'), ['SET', 'a', '10000'], ref('a'),
      ['SET', 'a', '-1'], ref('a'), ['SET', 'a', 'abc'], ref('a'), ['SET', 'a', '007'], ref('a'),
    ]));

  it('missing keys answer nil to every subcommand, and FREQ of a key is the no-LFU error', async () => {
    await s.d.run([
      enc('nokey'), ref('nokey'), ['OBJECT', 'IDLETIME', 'nokey'], ['OBJECT', 'FREQ', 'nokey'],
      ['SET', 'k', 'v'], ['OBJECT', 'FREQ', 'k'],
    ]);
    // A second boundary may fall between the SET and this, differently for the two servers
    // (see IDLETIME above): 0 or 1.
    await s.d.check({ cmd: ['OBJECT', 'IDLETIME', 'k'], compare: withinTolerance(1) });
    await s.d.run([['OBJECT', 'freq', 'k', 'x']]);
  });

  it('HELP, unknown subcommands and wrong argument counts answer as Redis 7.0 does', () =>
    s.d.run([
      ['OBJECT', 'HELP'], ['object', 'help'], ['OBJECT', 'help', 'x'], ['OBJECT'], ['OBJECT', 'foo'],
      ['OBJECT', 'foo', 'k'], ['OBJECT', 'ENCODING'], ['OBJECT', 'encoding', 'a', 'b'], ['OBJECT', 'refcount'],
    ]));
});
