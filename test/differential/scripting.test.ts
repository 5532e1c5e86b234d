/**
 * EVAL, EVALSHA and SCRIPT compared byte for byte with redis-server: Lua values to replies and
 * back, redis.call and pcall, error_reply and status_reply, Redis 7.0's error texts, the script
 * cache. Keys share a hash tag: slotkv, like Redis Cluster, runs a script on its keys' slot.
 */
import { describe, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const evalOf = (body: string, ...keysThenArgs: [number, ...string[]]) => ['EVAL', body, String(keysThenArgs[0]), ...keysThenArgs.slice(1)] as string[];

describe.each(SLOTKV_CONFIGS)('scripting matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('converts Lua values to replies as Redis does', () =>
    s.d.run([
      evalOf('return 1', 0), evalOf("return 'a'", 0), evalOf("return {1,'b',{3,{}}}", 0), evalOf('return 3.9', 0),
      evalOf('return -3.9', 0), evalOf('return true', 0), evalOf('return false', 0), evalOf('return nil', 0),
      evalOf('return {1,nil,3}', 0), evalOf("return {ok='fine'}", 0), evalOf("return {err='x y'}", 0),
      evalOf("return redis.status_reply('FINE')", 0), evalOf("return redis.error_reply('MY err')", 0),
      evalOf("return redis.error_reply('nocode')", 0), evalOf('return 10/3', 0), evalOf('return 2^53', 0),
      evalOf('return unpack({1,2})', 0), evalOf('return tostring(0.1)', 0), evalOf("return string.format('%d', 7)", 0),
      evalOf("return redis.sha1hex('abc')", 0), evalOf('return #KEYS + #ARGV', 2, '{t}a', '{t}b', 'c', 'd'),
      evalOf("return 'bin\\0ary\\255'", 0),
    ]));

  it('runs commands with redis.call and pcall, their replies as Lua values', () =>
    s.d.run([
      evalOf("return redis.call('set', KEYS[1], ARGV[1])", 1, '{t}k', 'v'),
      evalOf("return redis.call('get', KEYS[1]) .. 'z'", 1, '{t}k'),
      evalOf("return redis.call('rpush', KEYS[1], 'a', 'b', 'c')", 1, '{t}l'),
      evalOf("return redis.call('lrange', KEYS[1], 0, -1)", 1, '{t}l'),
      evalOf("redis.call('hset', KEYS[1], 'f', 1) return redis.call('hgetall', KEYS[1])", 1, '{t}h'),
      evalOf("return redis.call('incrby', KEYS[1], 5)", 1, '{t}n'),
      evalOf("return redis.call('type', KEYS[1])['ok']", 1, '{t}k'),
      evalOf("return redis.call('exists', KEYS[1], KEYS[2])", 2, '{t}l', '{t}none'),
      evalOf("return redis.call('mget', KEYS[1], KEYS[2])", 2, '{t}l', '{t}k'),
      evalOf("return type(redis.call('get', KEYS[1]))", 1, '{t}none'),
      evalOf("return redis.call('blpop', KEYS[1], 0)", 1, '{t}empty'),
      evalOf("for i = 1, 3 do redis.call('incr', KEYS[1]) end return redis.call('get', KEYS[1])", 1, '{t}c'),
      ['GET', '{t}c'], ['LRANGE', '{t}l', '0', '-1'],
    ]));

  it('has cjson and bit as Redis does, and passes numbers to redis.call in its format', () =>
    s.d.run([
      ...[
        'cjson.encode({1,2,3})', 'cjson.encode({a={b={1}}})', 'cjson.encode({})', "cjson.encode('a/b\"c\\\\d\\n\\1')",
        'cjson.encode(0.1)', 'cjson.encode(1/3)', 'cjson.encode(1e14)', 'cjson.encode(2^53)', 'cjson.encode(0.00001)',
        'cjson.encode({1,nil,3})', 'cjson.encode({[1]=1,[3]=3,[10]=10})', 'cjson.encode(cjson.null)', 'cjson.encode(true)',
        "cjson.decode('[1,2,{\"a\":\"b\"}]')[3].a", "cjson.decode('{\"a\":[1,2.5]}').a[2]", "tostring(cjson.decode('7'))",
        "cjson.decode('null') == cjson.null", "cjson.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\"')",
        "cjson.encode(cjson.decode('{\"k\":[1,{\"x\":\"y\"}]}'))", "cjson.decode('[1,')", "cjson.decode('x')",
        "cjson.decode('{\"a\":1,}')", "cjson.decode('[1 2]')", "cjson.decode('1 2')", 'cjson.encode(function() end)',
        'cjson.encode({[true]=1})', 'cjson.encode({1,2,[20]=3})',
        'bit.band(0xff, 0x0f)', 'bit.bor(1,2,4)', 'bit.bxor(5,3)', 'bit.bnot(0)', 'bit.lshift(1, 31)', 'bit.rshift(-1, 28)',
        'bit.arshift(-256, 4)', 'bit.rol(0x12345678, 8)', 'bit.ror(0x12345678, 8)', 'bit.tohex(255)', 'bit.tohex(-1, -4)',
        'bit.tobit(4294967297)', 'bit.bswap(0x12345678)',
      ].map((expr) => evalOf(`return ${expr}`, 0)),
      ...['3000000000', '2.5', '4/2', '1e20', '1/3', '0.00001'].flatMap((n) => [
        evalOf(`return redis.call('set', KEYS[1], ${n})`, 1, '{t}num'), ['GET', '{t}num'],
      ]),
      evalOf("return redis.call('incrby', KEYS[1], 3000000000)", 1, '{t}big'),
      // Numbers print as Lua 5.1's do, and a counter past 2^31 does not wrap.
      evalOf('return tostring(4/2)', 0), evalOf('return tostring(10/4)', 0), evalOf('return tostring(1e15)', 0),
      evalOf('return tostring(2^53)', 0), evalOf("return 'item:' .. redis.call('incr', KEYS[1])", 1, '{t}id'),
      evalOf("return tostring(redis.call('incrby', KEYS[1], 2147483647) + 1)", 1, '{t}wide'),
    ]));

  it("answers a script's errors with Redis 7.0's texts", () =>
    s.d.run([
      ['SET', '{t}s', 'x'],
      evalOf("return redis.call('incr', KEYS[1])", 1, '{t}s'),
      evalOf("return redis.pcall('incr', KEYS[1])", 1, '{t}s'),
      evalOf("return redis.call('nosuch')", 0), evalOf("return redis.pcall('nosuch')", 0),
      evalOf("return redis.call('get')", 0), evalOf('return redis.call()', 0), evalOf("return redis.call('monitor')", 0),
      evalOf('return x.y', 0), evalOf('x = 5', 0), evalOf('return (', 0), evalOf('error("boom")', 0),
      ['EVAL', 'return 1', 'x'], ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', '2', 'a'], ['EVAL', 'return 1'],
    ]));

  it('keeps scripts for EVALSHA and SCRIPT EXISTS until SCRIPT FLUSH', () =>
    s.d.run([
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      evalOf('return 1', 0),
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0'],
      ['SCRIPT', 'LOAD', "return 'loaded'"],
      ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'nosuch', '5b6f1cd1f7bc2dd6fd2f2fc0f2b0ba54e5ea0d34'],
      ['SCRIPT', 'LOAD', 'return ('], ['SCRIPT', 'KILL'], ['SCRIPT', 'FLUSH', 'x'], ['SCRIPT', 'NOSUCH'], ['SCRIPT', 'EXISTS'],
      ['SCRIPT', 'FLUSH'],
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'],
      ['SCRIPT', 'FLUSH', 'ASYNC'],
    ]));
});
