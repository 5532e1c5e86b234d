/**
 * Server commands that are not about keys: COMMAND (from the table itself), TIME, INFO.
 * INFO runs on every shard (each reports its own figures) and the connection thread merges them
 * with its own sections. Keyspace-wide commands (DBSIZE, FLUSHALL ...) live in keys.ts.
 */
import { memoryUsage } from 'node:process';
import { isMainThread } from 'node:worker_threads';
import { stringMatch } from '../shard/glob.ts';
import { errUnknownSubcommand, ReplyWriter } from './replies.ts';
import {
  arityOk,
  NOSCRIPT,
  cmd,
  connCmd,
  FLAG_NAMES,
  forEachKeyIndex,
  INTERNAL,
  LOADING,
  Merge,
  RANDOM,
  RunsOn,
  STALE,
  FAST,
  type CommandSpec,
  type ConnCtx,
  type ExecCtx,
} from './table.ts';

function writeCommandInfo(out: ReplyWriter, spec: CommandSpec | undefined): void {
  if (spec === undefined) return out.nullArray();
  out.arrayHeader(6);
  out.bulkLatin1(spec.name);
  out.integer(spec.arity);
  const flags = FLAG_NAMES.filter(([bit]) => (spec.flags & bit) !== 0);
  out.arrayHeader(flags.length);
  for (const [, name] of flags) out.simple(name);
  out.integer(spec.firstKey);
  out.integer(spec.lastKey);
  out.integer(spec.step);
}

// COMMAND [COUNT | INFO name ... | GETKEYS cmd arg ...]
function commandCommand(c: ConnCtx, argv: Buffer[]): void {
  const table = c.server.commandTable().filter((spec) => (spec.flags & INTERNAL) === 0);
  if (argv.length === 1) {
    c.out.arrayHeader(table.length);
    for (const spec of table) writeCommandInfo(c.out, spec);
    return;
  }
  const sub = argv[1]!.toString('latin1');
  switch (sub.toLowerCase()) {
    case 'count':
      if (argv.length !== 2) break;
      return c.out.integer(table.length);
    case 'info':
      c.out.arrayHeader(argv.length - 2);
      for (const name of argv.slice(2)) writeCommandInfo(c.out, visible(c.server.lookup(name.toString('latin1'))));
      return;
    case 'getkeys':
      if (argv.length < 3) break;
      return getkeys(c, argv.slice(2));
  }
  if (['count', 'getkeys'].includes(sub.toLowerCase())) {
    return c.out.error(`ERR wrong number of arguments for 'command|${sub.toLowerCase()}' command`);
  }
  c.out.error(errUnknownSubcommand(sub, 'command'));
}

/** INTERNAL rows do not exist as far as clients can tell. */
const visible = (spec: CommandSpec | undefined) => (spec && (spec.flags & INTERNAL) === 0 ? spec : undefined);

function getkeys(c: ConnCtx, args: Buffer[]): void {
  const spec = visible(c.server.lookup(args[0]!.toString('latin1')));
  if (spec === undefined) return c.out.error('ERR Invalid command specified');
  if (!arityOk(spec, args.length)) return c.out.error('ERR Invalid number of arguments specified for command');
  if (spec.firstKey === 0) return c.out.error('ERR The command has no key arguments');
  const keys: Buffer[] = [];
  forEachKeyIndex(spec, args.length, (i) => keys.push(args[i]!), args);
  c.out.bulkArray(keys);
}

// ROLE: slotkv has no replication yet, so every instance is a master with no slaves.
function roleCommand(c: ConnCtx): void {
  c.out.arrayHeader(3);
  c.out.bulkLatin1('master');
  c.out.integer(0);
  c.out.arrayHeader(0);
}

// TIME
function timeCommand(c: ConnCtx): void {
  const micros = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
  c.out.arrayHeader(2);
  c.out.bulkLatin1(String(micros / 1_000_000n));
  c.out.bulkLatin1(String(micros % 1_000_000n));
}

/**
 * This thread's memory: its JS heap, and its ArrayBuffers, which hold the keyspace's short keys
 * and values (key-table.ts) besides I/O buffers and rings.
 */
function threadMemory(): number {
  const m = memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs on each shard: its own figures as `name:value` lines, for the merge below. */
function infoShardCommand(x: ExecCtx): void {
  const lines = [
    // An inline shard shares the main thread's heap, which the merge below adds once.
    `used_memory:${isMainThread ? 0 : threadMemory()}`,
    `commands:${x.stats.commandsProcessed}`,
    `expired_keys:${x.stats.expiredKeys}`,
    `keyspace_hits:${x.dbs.reduce((n, db) => n + db.hits, 0)}`,
    `keyspace_misses:${x.dbs.reduce((n, db) => n + db.misses, 0)}`,
    `log_offset:${x.persistence.logOffset()}`,
    `saving:${x.persistence.saving() ? 1 : 0}`,
    `last_save:${Math.floor(x.persistence.lastSaveMs() / 1000)}`,
  ];
  x.dbs.forEach((db, i) => {
    if (db.size > 0) lines.push(`db${i}:${db.size},${db.expires.size}`);
  });
  x.out.bulkLatin1(lines.join('\n'));
}

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace', 'shards'];

// INFO [section]
function infoCommand(c: ConnCtx, argv: Buffer[]): void {
  const wanted = argv.length > 1 ? argv[1]!.toString('latin1').toLowerCase() : 'default';
  const shards = (c.shardReplies ?? []).map(parseShardInfo);
  const sum = (field: string) => shards.reduce((n, s) => n + (s.get(field) ?? 0), 0);
  const sections = c.server.infoSections();
  sections.set('memory', `used_memory:${sum('used_memory') + threadMemory()}\r\nused_memory_rss:${memoryUsage().rss}`);
  const stats = sections.get('stats') ?? '';
  sections.set('stats', [
    stats,
    `total_commands_processed:${sum('commands')}`,
    `expired_keys:${sum('expired_keys')}`,
    `keyspace_hits:${sum('keyspace_hits')}`,
    `keyspace_misses:${sum('keyspace_misses')}`,
  ].join('\r\n'));
  const config = c.server.config;
  sections.set('persistence', [
    'loading:0',
    `rdb_bgsave_in_progress:${sum('saving') > 0 ? 1 : 0}`,
    `rdb_last_save_time:${Math.min(...shards.map((s) => s.get('last_save') ?? 0))}`,
    `aof_enabled:${config.get('appendonly') === 'yes' ? 1 : 0}`,
    `aof_fsync:${config.get('appendfsync')}`,
  ].join('\r\n'));
  sections.set('replication', ['role:master', 'connected_slaves:0', `master_repl_offset:${sum('log_offset')}`].join('\r\n'));
  const cpu = process.cpuUsage();
  sections.set('cpu', `used_cpu_sys:${(cpu.system / 1e6).toFixed(6)}\r\nused_cpu_user:${(cpu.user / 1e6).toFixed(6)}`);
  const keyspace: string[] = [];
  for (let db = 0; db < c.server.databases; db++) {
    const keys = sum(`db${db}.keys`);
    if (keys > 0) keyspace.push(`db${db}:keys=${keys},expires=${sum(`db${db}.expires`)},avg_ttl=0`);
  }
  sections.set('keyspace', keyspace.join('\r\n'));
  sections.set(
    'shards',
    shards
      .map((s, i) => `shard${i}:keys=${s.get('keys') ?? 0},commands=${s.get('commands') ?? 0},used_memory=${s.get('used_memory') ?? 0},log_offset=${s.get('log_offset') ?? 0}`)
      .join('\r\n'),
  );
  const names = wanted === 'default' || wanted === 'all' || wanted === 'everything' ? DEFAULT_SECTIONS : [wanted];
  const text = names
    .filter((n) => sections.has(n))
    .map((n) => `# ${n[0]!.toUpperCase()}${n.slice(1)}\r\n${sections.get(n)}${sections.get(n) ? '\r\n' : ''}`)
    .join('\r\n');
  c.out.bulkLatin1(text);
}

function parseShardInfo(reply: Buffer): Map<string, number> {
  const text = reply.toString('latin1', reply.indexOf('\r\n') + 2, reply.length - 2);
  const fields = new Map<string, number>();
  let keys = 0;
  for (const line of text.split('\n')) {
    const [name, value] = line.split(':') as [string, string];
    if (/^db\d+$/.test(name)) {
      const [k, e] = value.split(',').map(Number) as [number, number];
      fields.set(`${name}.keys`, k);
      fields.set(`${name}.expires`, e);
      keys += k;
    } else fields.set(name, Number(value));
  }
  fields.set('keys', keys);
  return fields;
}

export const SERVER_COMMANDS: readonly CommandSpec[] = [
  //      name        arity flags                 handler
  connCmd('command',    -1, LOADING | STALE,      commandCommand),
  connCmd('role',        1, NOSCRIPT | LOADING | STALE | FAST, roleCommand),
  connCmd('time',        1, RANDOM | FAST | STALE | LOADING, timeCommand),
  cmd('info',           -1, LOADING | STALE, 0, 0, 0, infoShardCommand, { runsOn: RunsOn.ALL, merge: Merge.CUSTOM, connHandler: infoCommand }),
];
