/**
 * Every command Redis 3.2 has, by family (as redis.io groups them), plus UNLINK and SWAPDB
 * (Redis 4.0, but CKV's tables list them), and which of them CKV supports (from ../shared/seeds: the cluster edition's tables). The reference list that
 * docs/compatibility.md is checked against; slotkv's own table says what it supports.
 */

export const REDIS_32_FAMILIES: Record<string, readonly string[]> = {
  connection: ['auth', 'echo', 'ping', 'quit', 'select', 'swapdb'],
  strings: [
    'append', 'bitcount', 'bitfield', 'bitop', 'bitpos', 'decr', 'decrby', 'get', 'getbit', 'getrange', 'getset',
    'incr', 'incrby', 'incrbyfloat', 'mget', 'mset', 'msetnx', 'psetex', 'set', 'setbit', 'setex', 'setnx',
    'setrange', 'strlen', 'substr',
  ],
  keys: [
    'del', 'dump', 'exists', 'expire', 'expireat', 'keys', 'migrate', 'move', 'object', 'persist', 'pexpire',
    'pexpireat', 'pttl', 'randomkey', 'rename', 'renamenx', 'restore', 'scan', 'sort', 'touch', 'ttl', 'type',
    'unlink', 'wait',
  ],
  hashes: [
    'hdel', 'hexists', 'hget', 'hgetall', 'hincrby', 'hincrbyfloat', 'hkeys', 'hlen', 'hmget', 'hmset', 'hscan',
    'hset', 'hsetnx', 'hstrlen', 'hvals',
  ],
  lists: [
    'blpop', 'brpop', 'brpoplpush', 'lindex', 'linsert', 'llen', 'lpop', 'lpush', 'lpushx', 'lrange', 'lrem',
    'lset', 'ltrim', 'rpop', 'rpoplpush', 'rpush', 'rpushx',
  ],
  sets: [
    'sadd', 'scard', 'sdiff', 'sdiffstore', 'sinter', 'sinterstore', 'sismember', 'smembers', 'smove', 'spop',
    'srandmember', 'srem', 'sscan', 'sunion', 'sunionstore',
  ],
  'sorted sets': [
    'zadd', 'zcard', 'zcount', 'zincrby', 'zinterstore', 'zlexcount', 'zrange', 'zrangebylex', 'zrangebyscore',
    'zrank', 'zrem', 'zremrangebylex', 'zremrangebyrank', 'zremrangebyscore', 'zrevrange', 'zrevrangebylex',
    'zrevrangebyscore', 'zrevrank', 'zscan', 'zscore', 'zunionstore',
  ],
  hyperloglog: ['pfadd', 'pfcount', 'pfmerge'],
  geo: ['geoadd', 'geodist', 'geohash', 'geopos', 'georadius', 'georadiusbymember'],
  'pub/sub': ['psubscribe', 'publish', 'pubsub', 'punsubscribe', 'subscribe', 'unsubscribe'],
  transactions: ['discard', 'exec', 'multi', 'unwatch', 'watch'],
  scripting: ['eval', 'evalsha', 'script'],
  server: [
    'bgrewriteaof', 'bgsave', 'client', 'command', 'config', 'dbsize', 'debug', 'flushall', 'flushdb', 'info',
    'lastsave', 'monitor', 'role', 'save', 'shutdown', 'slaveof', 'slowlog', 'sync', 'time',
  ],
  cluster: ['cluster', 'readonly', 'readwrite'],
};

/** Commands the CKV cluster edition lists as supported. */
export const CKV_SUPPORTED = new Set([
  'auth', 'echo', 'ping', 'quit', 'select',
  'geoadd', 'geohash', 'geopos', 'geodist', 'georadius', 'georadiusbymember',
  'hdel', 'hexists', 'hget', 'hgetall', 'hincrby', 'hincrbyfloat', 'hkeys', 'hlen', 'hmget', 'hmset', 'hset',
  'hsetnx', 'hstrlen', 'hvals', 'hscan',
  'pfadd', 'pfcount', 'pfmerge',
  'del', 'exists', 'expire', 'expireat', 'type', 'ttl', 'persist', 'pexpire', 'pexpireat', 'pttl', 'rename',
  'renamenx', 'sort',
  'lindex', 'linsert', 'llen', 'lpop', 'lpush', 'lpushx', 'lrange', 'lrem', 'lset', 'ltrim', 'rpop', 'rpoplpush',
  'rpush', 'rpushx',
  'psubscribe', 'pubsub', 'publish', 'punsubscribe', 'subscribe', 'unsubscribe', 'time',
  'sadd', 'scard', 'sdiff', 'sdiffstore', 'sinter', 'sinterstore', 'sismember', 'smembers', 'smove', 'spop',
  'srandmember', 'srem', 'sscan', 'sunion', 'sunionstore',
  'zadd', 'zcard', 'zcount', 'zincrby', 'zinterstore', 'zlexcount', 'zrange', 'zrangebylex', 'zrangebyscore',
  'zrank', 'zrem', 'zremrangebylex', 'zremrangebyrank', 'zremrangebyscore', 'zrevrange', 'zrevrangebylex',
  'zrevrangebyscore', 'zrevrank', 'zscan', 'zscore', 'zunionstore',
  'append', 'bitcount', 'bitop', 'bitpos', 'decr', 'decrby', 'get', 'getbit', 'getrange', 'getset', 'incr',
  'incrby', 'incrbyfloat', 'mget', 'mset', 'msetnx', 'psetex', 'set', 'setbit', 'setex', 'setnx', 'setrange',
  'strlen',
  'discard', 'exec', 'multi', 'unwatch', 'watch',
  'command', 'dbsize',
]);
