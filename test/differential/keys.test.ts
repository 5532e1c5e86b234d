/**
 * Key commands compared byte for byte with redis-server: DEL/EXISTS across slots, expiry set,
 * read and lapsing, TYPE, RENAME, DBSIZE, SELECT'd databases, FLUSHDB, KEYS and SCAN. Also the
 * one place slotkv must differ from standalone Redis: multi-key commands outside
 * MGET/MSET/DEL/EXISTS/TOUCH/UNLINK answer CROSSSLOT when their keys span slots.
 */
import { describe, expect, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { escapeBytes } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const CROSSSLOT = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(SLOTKV_CONFIGS)('key commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('DEL and EXISTS count keys across slots, duplicates included', () =>
    s.d.run([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['EXISTS', 'a', 'b', 'c', 'missing'], ['EXISTS', 'a', 'a', 'a'],
      ['DEL', 'a', 'a'], ['EXISTS', 'a'], ['DEL', 'b', 'c', 'missing'], ['DEL', 'missing'], ['EXISTS', 'b', 'c'],
      ['DEL'], ['EXISTS'],
    ]));

  it('TOUCH and UNLINK work across slots', () =>
    s.d.run([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['TOUCH', 'a', 'b', 'missing'], ['UNLINK', 'a', 'c', 'missing'],
      ['EXISTS', 'a', 'b', 'c'], ['DBSIZE'],
    ]));

  it('TYPE names every type and none for a missing key', () =>
    s.d.run([
      ['SET', 's', 'v'], ['SADD', 'set', 'm'], ['HSET', 'h', 'f', 'v'], ['RPUSH', 'l', 'x'], ['ZADD', 'z', '1', 'm'],
      ['TYPE', 's'], ['TYPE', 'set'], ['TYPE', 'h'], ['TYPE', 'l'], ['TYPE', 'z'], ['TYPE', 'missing'], ['TYPE'],
    ]));

  it('EXPIRE, PEXPIRE, TTL, PTTL and PERSIST set, read and clear the expiry', () =>
    s.d.run([
      ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRE', 'k', '100'], ['SET', 'k', 'v'], ['TTL', 'k'], ['PTTL', 'k'],
      ['EXPIRE', 'k', '100'], ['TTL', 'k'], ['PTTL', 'k'], ['PEXPIRE', 'k', '200000'], ['TTL', 'k'], ['PTTL', 'k'],
      ['PERSIST', 'k'], ['PERSIST', 'k'], ['TTL', 'k'], ['PERSIST', 'missing'],
      ['EXPIRE', 'k', 'x'], ['EXPIRE', 'k', '1.5'], ['EXPIRE', 'k'], ['PEXPIRE', 'k', ''],
      ['EXPIRE', 'k', '9223372036854775807'], ['PEXPIRE', 'k', '9223372036854775807'],
      ['EXPIRE', 'k', '-9223372036854775808'], ['TTL', 'k'],
    ]));

  it('EXPIRE NX, XX, GT and LT only change the expiry when their condition holds', () =>
    s.d.run([
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '100', 'XX'], ['EXPIRE', 'k', '100', 'GT'], ['EXPIRE', 'k', '100', 'LT'],
      ['TTL', 'k'], ['EXPIRE', 'k', '200', 'NX'], ['EXPIRE', 'k', '300', 'XX'], ['TTL', 'k'],
      ['EXPIRE', 'k', '200', 'GT'], ['EXPIRE', 'k', '400', 'GT'], ['EXPIRE', 'k', '500', 'LT'], ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'NX', 'XX'], ['EXPIRE', 'k', '100', 'GT', 'LT'], ['EXPIRE', 'k', '100', 'BOGUS'],
      ['PEXPIRE', 'k', '100000', 'lt'], ['PTTL', 'k'],
    ]));

  it('a zero or negative expiry deletes the key at once', () =>
    s.d.run([
      ['SET', 'a', '1'], ['EXPIRE', 'a', '0'], ['EXISTS', 'a'], ['SET', 'b', '1'], ['EXPIRE', 'b', '-10'],
      ['GET', 'b'], ['SET', 'c', '1'], ['PEXPIRE', 'c', '-1'], ['TTL', 'c'], ['DBSIZE'],
    ]));

  it('writes keep or drop the expiry as Redis does', () =>
    s.d.run([
      ['SET', 'k', '1', 'EX', '100'], ['INCR', 'k'], ['TTL', 'k'], ['APPEND', 'k', '0'], ['TTL', 'k'],
      ['SETRANGE', 'k', '0', '9'], ['TTL', 'k'], ['SETBIT', 'k', '0', '1'], ['TTL', 'k'],
      ['INCRBYFLOAT', 'k', '1'], ['TTL', 'k'], ['SET', 'k', '2'], ['TTL', 'k'],
      ['SET', 'm', '1', 'PX', '100000'], ['MSET', 'm', '2'], ['TTL', 'm'],
      ['SET', 'g', '1', 'EX', '100'], ['GETSET', 'g', '2'], ['TTL', 'g'],
    ]));

  it('keys with an elapsed expiry are gone for every command', async () => {
    await s.d.run([
      ['SET', 'px', 'v', 'PX', '50'], ['SET', 'ex', 'v'], ['PEXPIRE', 'ex', '50'], ['SET', 'keep', 'v'],
      ['MSET', '{k}1', 'a', '{k}2', 'b'], ['PEXPIRE', '{k}1', '50'], ['DBSIZE'],
    ]);
    await sleep(200);
    await s.d.run([
      ['GET', 'px'], ['EXISTS', 'px', 'ex', 'keep'], ['TTL', 'ex'], ['PTTL', 'px'], ['TYPE', 'ex'], ['STRLEN', 'px'],
      ['APPEND', 'px', 'new'], ['TTL', 'px'], ['INCR', 'ex'], ['TTL', 'ex'], ['MGET', '{k}1', '{k}2'],
      ['RENAME', '{k}1', '{k}3'], ['SETNX', '{k}1', 'z'], ['KEYS', '*'], ['DBSIZE'],
    ]);
  });

  it('RENAME and RENAMENX move the value and its expiry', () =>
    s.d.run([
      ['RENAME', '{k}1', '{k}2'], ['SET', '{k}1', 'v', 'EX', '100'], ['RENAME', '{k}1', '{k}2'], ['GET', '{k}1'],
      ['GET', '{k}2'], ['TTL', '{k}2'], ['RENAME', '{k}2', '{k}2'], ['GET', '{k}2'], ['SET', '{k}3', 'w'],
      ['RENAMENX', '{k}2', '{k}3'], ['RENAMENX', '{k}2', '{k}4'], ['RENAMENX', '{k}2', '{k}4'],
      ['RENAMENX', '{k}4', '{k}4'], ['SADD', '{k}s', 'm'], ['RENAME', '{k}s', '{k}3'], ['TYPE', '{k}3'],
      ['TTL', '{k}4'], ['RENAME', '{k}1'], ['DBSIZE'],
    ]));

  it('SELECT keeps databases apart and FLUSHDB empties only the current one', () =>
    s.d.run([
      ['SET', 'k', 'db0'], ['SELECT', '1'], ['GET', 'k'], ['SET', 'k', 'db1'], ['SET', 'only1', 'x'], ['DBSIZE'],
      ['SELECT', '15'], ['SET', 'k', 'db15'], ['SELECT', '0'], ['GET', 'k'], ['DBSIZE'], ['SELECT', '1'],
      ['GET', 'k'], ['FLUSHDB'], ['DBSIZE'], ['GET', 'k'], ['SELECT', '15'], ['GET', 'k'], ['SELECT', '0'],
      ['GET', 'k'], ['EXISTS', 'only1'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'], ['SELECT'],
      ['GET', 'k'],
    ]));

  it('FLUSHDB and FLUSHALL empty the keyspace, ASYNC and SYNC included', () =>
    s.d.run([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['DBSIZE'], ['FLUSHDB'], ['DBSIZE'], ['MSET', 'a', '1', 'b', '2'],
      ['FLUSHDB', 'ASYNC'], ['DBSIZE'], ['SET', 'a', '1'], ['FLUSHDB', 'SYNC'], ['FLUSHDB', 'BOGUS'],
      ['SELECT', '2'], ['SET', 'x', '1'], ['SELECT', '0'], ['SET', 'y', '1'], ['FLUSHALL'], ['DBSIZE'],
      ['SELECT', '2'], ['DBSIZE'],
    ]));

  it('DBSIZE counts keys of every type across shards', () =>
    s.d.run([
      ['DBSIZE'], ...Array.from({ length: 50 }, (_, i) => ['SET', `key:${i}`, String(i)]), ['DBSIZE'],
      ['SADD', 'set', 'm'], ['DBSIZE'], ['DEL', 'key:1', 'key:2', 'key:49'], ['DBSIZE'], ['DBSIZE', 'extra'],
    ]));

  it('KEYS matches patterns across shards (order ignored)', () =>
    s.d.run([
      ...Array.from({ length: 40 }, (_, i) => ['SET', `user:${i}`, 'x']), ['SET', 'other', 'y'], ['SET', 'h\\llo', 'z'],
      ['KEYS', '*'], ['KEYS', 'user:1*'], ['KEYS', 'user:?'], ['KEYS', 'user:[1-3]'], ['KEYS', 'nomatch*'],
      ['KEYS', 'h\\\\llo'], ['KEYS', 'o*r'],
    ]));

  it('SCAN visits every key once a full iteration ends (MATCH, COUNT and TYPE included)', () =>
    s.d.run([
      ...Array.from({ length: 120 }, (_, i) => ['SET', `s:${i}`, 'x']), ['SADD', 'aset', 'm'],
      ['SCAN', '0'], ['SCAN', '0', 'COUNT', '7'], ['SCAN', '0', 'MATCH', 's:1*', 'COUNT', '5'],
      ['SCAN', '0', 'TYPE', 'set'], ['SCAN', '0', 'TYPE', 'string', 'COUNT', '1000'], ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', 'notacursor'],
    ]));
});

describe.each(SLOTKV_CONFIGS)('multi-key commands across slots ($name)', (config) => {
  const s = useDifferential(config);

  it('RENAME, MSETNX and BITOP across slots answer CROSSSLOT', async () => {
    // a, b and c hash to slots 15495, 3300 and 7365.
    await s.d.sub.call('MSET', 'a', '1', 'b', '2');
    for (const cmd of [
      ['RENAME', 'a', 'b'],
      ['RENAMENX', 'a', 'c'],
      ['MSETNX', 'a', '1', 'c', '2'],
      ['BITOP', 'AND', 'c', 'a', 'b'],
      ['BITOP', 'OR', '{k}dest', 'a'],
    ]) {
      const reply = await s.d.sub.call(...cmd);
      expect(reply.toString('latin1'), `${cmd.join(' ')} got ${escapeBytes(reply)}`).toBe(CROSSSLOT);
    }
    // Nothing moved or was written.
    expect((await s.d.sub.call('MGET', 'a', 'b', 'c')).toString()).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n');
    expect((await s.d.sub.call('EXISTS', '{k}dest')).toString()).toBe(':0\r\n');
  });

  it('the same commands within one hash tag work as in Redis', () =>
    s.d.run([
      ['MSET', '{u}a', '1', '{u}b', '2'], ['RENAME', '{u}a', '{u}c'], ['MSETNX', '{u}a', '1', '{u}d', '2'],
      ['BITOP', 'AND', '{u}e', '{u}b', '{u}c'], ['MGET', '{u}a', '{u}b', '{u}c', '{u}d', '{u}e'],
    ]));
});
