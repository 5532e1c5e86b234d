/**
 * CONFIG GET | SET | RESETSTAT. GET answers from the connection thread's copy of every
 * directive. SET checks all its pairs first (src/config/runtime.ts), then applies them
 * everywhere they act: shards (the slow log's limits) through an internal command every shard
 * runs, every connection thread (requirepass, timeout, maxclients, and each thread's copy for
 * GET) through the thread bus; it answers OK once all have. RESETSTAT zeroes INFO's counters;
 * REWRITE is not supported.
 */
import { parseConfigSet } from '../config/runtime.ts';
import { stringMatch } from '../shard/glob.ts';
import { errUnknownSubcommand, errWrongArgs } from './replies.ts';
import { ADMIN, cmd, connCmd, INTERNAL, LOADING, NOSCRIPT, RunsOn, STALE, type CommandSpec, type ConnCtx, type ExecCtx } from './table.ts';

// CONFIG GET pattern [pattern ...] | SET name value [name value ...] | RESETSTAT
function configCommand(c: ConnCtx, argv: Buffer[]): void | Promise<void> {
  const sub = argv[1]!.toString('latin1').toLowerCase();
  if (sub === 'get') return configGet(c, argv);
  if (sub === 'set') return configSet(c, argv);
  if (sub === 'resetstat') return resetStat(c, argv);
  if (sub === 'rewrite') return c.out.error('ERR CONFIG REWRITE is not supported by slotkv');
  c.out.error(errUnknownSubcommand(argv[1]!.toString('latin1'), 'config'));
}

function configGet(c: ConnCtx, argv: Buffer[]): void {
  if (argv.length < 3) return c.out.error(errWrongArgs('config|get'));
  const found = new Map<string, string>();
  for (const arg of argv.slice(2)) {
    const pattern = arg.toString('latin1').toLowerCase();
    for (const [name, value] of c.server.config) if (stringMatch(pattern, name, true)) found.set(name, value);
  }
  c.out.arrayHeader(found.size * 2);
  for (const [name, value] of found) {
    c.out.bulkLatin1(name);
    c.out.bulkLatin1(value);
  }
}

async function configSet(c: ConnCtx, argv: Buffer[]): Promise<void> {
  if (argv.length < 4) return c.out.error(errWrongArgs('config|set'));
  const changes = parseConfigSet(argv.slice(2).map((a) => a.toString('latin1')));
  if (typeof changes === 'string') return c.out.error(changes);
  const forShards = changes.filter((ch) => ch.where === 'shards');
  if (forShards.length > 0) await c.fanOut(['slotkv-config-set', ...forShards.flatMap((ch) => [ch.name, ch.value])]);
  await c.reconfigure(changes);
  c.out.ok();
}

// CONFIG RESETSTAT: INFO's counters back to 0, on every shard and for the connections.
async function resetStat(c: ConnCtx, argv: Buffer[]): Promise<void> {
  if (argv.length !== 2) return c.out.error(errWrongArgs('config|resetstat'));
  await c.fanOut(['slotkv-resetstat']);
  c.server.resetStats();
  c.out.ok();
}

// slotkv-resetstat: this shard's part of CONFIG RESETSTAT.
function resetStatShardCommand(x: ExecCtx): void {
  x.stats.commandsProcessed = 0;
  x.stats.expiredKeys = 0;
  for (const db of x.dbs) db.hits = db.misses = 0;
  x.out.ok();
}

// slotkv-config-set name value [name value ...]: CONFIG SET's changes that shards act on.
function configSetShardCommand(x: ExecCtx, argv: Buffer[]): void {
  let threshold = x.slowlog.thresholdUs;
  let maxLen = x.slowlog.maxLen;
  for (let i = 1; i + 1 < argv.length; i += 2) {
    const value = Number(argv[i + 1]!.toString('latin1'));
    switch (argv[i]!.toString('latin1')) {
      case 'slowlog-log-slower-than':
        threshold = value;
        break;
      case 'slowlog-max-len':
        maxLen = value;
        break;
    }
  }
  x.slowlog.configure(threshold, maxLen);
  x.out.ok();
}

export const CONFIG_COMMANDS: readonly CommandSpec[] = [
  connCmd('config', -2, ADMIN | NOSCRIPT | LOADING | STALE, configCommand),
  cmd('slotkv-config-set', -3, ADMIN | INTERNAL, 0, 0, 0, configSetShardCommand, { runsOn: RunsOn.ALL }),
  cmd('slotkv-resetstat', 1, ADMIN | INTERNAL, 0, 0, 0, resetStatShardCommand, { runsOn: RunsOn.ALL }),
];
