/**
 * Snapshot commands: SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE. Every shard snapshots its own data
 * (src/shard/snapshot.ts); a snapshot also ends the log before it, so BGREWRITEAOF is the same
 * operation as BGSAVE. The connection thread merges the shards' answers.
 */
import { ERR_SYNTAX } from './replies.ts';
import { ADMIN, cmd, Merge, NOSCRIPT, RANDOM, RunsOn, FAST, LOADING, STALE, type CommandSpec, type ExecCtx } from './table.ts';

const ALL_FIRST = { runsOn: RunsOn.ALL, merge: Merge.FIRST } as const;

// SAVE
function saveCommand(x: ExecCtx): void {
  if (x.persistence.saving()) return x.out.error('ERR Background save already in progress');
  if (x.persistence.save()) x.out.ok();
  else x.out.error('ERR');
}

// BGSAVE [SCHEDULE]
function bgsaveCommand(x: ExecCtx, argv: Buffer[]): void {
  if (argv.length === 2 && argv[1]!.toString('latin1').toLowerCase() !== 'schedule') return x.out.error(ERR_SYNTAX);
  if (x.persistence.bgsave()) x.out.simple('Background saving started');
  else x.out.error('ERR Background save already in progress');
}

// BGREWRITEAOF
function bgrewriteaofCommand(x: ExecCtx): void {
  // A snapshot already under way ends the log where it began: the rewrite is then just that.
  x.persistence.bgsave();
  x.out.simple('Background append only file rewriting started');
}

// LASTSAVE: the oldest of the shards' last snapshots, so "everything is saved since then".
function lastsaveCommand(x: ExecCtx): void {
  x.out.integer(Math.floor(x.persistence.lastSaveMs() / 1000));
}

export const PERSISTENCE_COMMANDS: readonly CommandSpec[] = [
  //   name            arity flags                       keys     handler
  cmd('save',              1, ADMIN | NOSCRIPT,            0, 0, 0, saveCommand, ALL_FIRST),
  cmd('bgsave',           -1, ADMIN,                       0, 0, 0, bgsaveCommand, ALL_FIRST),
  cmd('bgrewriteaof',      1, ADMIN,                       0, 0, 0, bgrewriteaofCommand, ALL_FIRST),
  cmd('lastsave',          1, RANDOM | FAST | LOADING | STALE, 0, 0, 0, lastsaveCommand, { runsOn: RunsOn.ALL, merge: Merge.MIN }),
];
