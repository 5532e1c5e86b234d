/**
 * The one table of configuration directives: name, default, and how to read a value. Every
 * directive can come from a redis.conf-style file, a `--name value` flag, or CONFIG SET later.
 * Directives Redis has but slotkv does not act on yet are still accepted (so a redis.conf from
 * an existing deployment loads), and listed with `inert: true`.
 *
 * `runtime` says what CONFIG SET does with a directive (src/config/runtime.ts): 'threads'
 * applies it on every connection thread, 'shards' on every shard, 'stored' only records it (an
 * inert one, as at startup). A directive without it is fixed while the server runs, and CONFIG
 * SET answers Redis's immutable-config error.
 */

export type Kind = 'int' | 'bytes' | 'bool' | 'string' | 'enum' | 'list';

export interface Directive {
  readonly name: string;
  readonly kind: Kind;
  readonly default: string;
  readonly values?: readonly string[]; // for 'enum'
  readonly inert?: boolean; // accepted for compatibility, no effect yet
  readonly min?: number;
  readonly runtime?: 'threads' | 'shards' | 'stored';
  /** CONFIG SET's bounds for an int or a size, as Redis 7.0 states them in its error. */
  readonly range?: readonly [string, string];
}

const INT_MAX = '2147483647';
const LONG_MAX = '9223372036854775807';

const d = (name: string, kind: Kind, def: string, extra: Partial<Directive> = {}): Directive => ({
  name,
  kind,
  default: def,
  ...extra,
});

export const DIRECTIVES: readonly Directive[] = [
  d('port', 'int', '6379', { min: 0 }),
  d('bind', 'list', '127.0.0.1'),
  d('shards', 'int', '0', { min: 0 }), // 0: half the cores, at least one (config.ts defaultThreads)
  d('io-threads', 'int', '-1', { min: -1 }), // -1: chosen from the core count
  // yes: the one shard runs on the main thread, no shard worker (needs shards 1, io-threads 0);
  // auto: yes when shards and io-threads are left to their defaults on 2 cores or fewer
  d('inline-shard', 'enum', 'auto', { values: ['auto', 'yes', 'no'] }),
  d('requirepass', 'string', '', { runtime: 'threads' }),
  d('instance-id', 'string', ''),
  d('dir', 'string', './data'),
  d('databases', 'int', '16', { min: 1 }),
  d('proto-max-bulk-len', 'bytes', '32mb', { min: 1024 * 1024 }),
  d('client-query-buffer-limit', 'bytes', '1gb', { inert: true, runtime: 'stored', range: ['1048576', LONG_MAX] }),
  d('client-output-buffer-limit', 'string', 'normal 256mb 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60'),
  d('maxclients', 'int', '10000', { min: 1, runtime: 'threads', range: ['1', '4294967295'] }),
  d('timeout', 'int', '0', { min: 0, runtime: 'threads', range: ['0', INT_MAX] }),
  d('tcp-backlog', 'int', '511', { min: 0 }),
  d('tcp-keepalive', 'int', '300', { inert: true, runtime: 'stored', range: ['0', INT_MAX] }),
  d('hz', 'int', '10', { min: 1 }),
  d('loglevel', 'enum', 'notice', { values: ['debug', 'verbose', 'notice', 'warning'], inert: true, runtime: 'stored' }),
  d('logfile', 'string', '', { inert: true }),
  d('daemonize', 'bool', 'no', { inert: true }),
  d('pidfile', 'string', '', { inert: true }),
  d('protected-mode', 'bool', 'no', { inert: true, runtime: 'stored' }),
  d('appendonly', 'bool', 'yes'),
  d('appendfsync', 'enum', 'everysec', { values: ['always', 'everysec', 'no'] }),
  d('appendfilename', 'string', 'appendonly.aof', { inert: true }),
  d('save', 'string', '3600 1 300 100 60 10000'),
  d('backup-retention', 'int', '7', { min: 0 }), // backup sets kept; 0 keeps all
  d('dbfilename', 'string', 'dump.rdb', { inert: true }),
  // maxmemory, maxmemory-policy and notify-keyspace-events are not settable at runtime: a client
  // that sets them expects eviction or notifications, which slotkv does not do.
  d('maxmemory', 'bytes', '0', { inert: true }),
  d('maxmemory-policy', 'enum', 'noeviction', {
    values: ['volatile-lru', 'allkeys-lru', 'volatile-lfu', 'allkeys-lfu', 'volatile-random', 'allkeys-random', 'volatile-ttl', 'noeviction'],
    inert: true,
  }),
  d('slowlog-log-slower-than', 'int', '10000', { min: -1, runtime: 'shards', range: ['-1', LONG_MAX] }),
  d('slowlog-max-len', 'int', '128', { min: 0, runtime: 'shards', range: ['0', LONG_MAX] }),
  d('lua-time-limit', 'int', '5000', { inert: true, runtime: 'stored', range: ['0', LONG_MAX] }),
  d('notify-keyspace-events', 'string', '', { inert: true }),
  d('stop-writes-on-bgsave-error', 'bool', 'yes', { inert: true, runtime: 'stored' }),
  d('rdbcompression', 'bool', 'yes', { inert: true, runtime: 'stored' }),
  d('rdbchecksum', 'bool', 'yes', { inert: true, runtime: 'stored' }),
  d('supervised', 'enum', 'no', { values: ['no', 'upstart', 'systemd', 'auto'], inert: true }),
  d('always-show-logo', 'bool', 'no', { inert: true }),
  // DEBUG: refused (no, Redis 7.0's default), allowed (yes), or allowed from loopback (local).
  d('enable-debug-command', 'enum', 'no', { values: ['no', 'yes', 'local'] }),
];

export const DIRECTIVE_BY_NAME = new Map(DIRECTIVES.map((x) => [x.name, x]));
