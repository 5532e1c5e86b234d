/**
 * BACKUP CREATE | LIST | RESTORE id: backup sets over RESP (the slotkv-backup tool calls these).
 * The connection thread drives them: it asks every shard for a fresh snapshot (an INTERNAL
 * command that parks until the shard's snapshot completes, then hard-links it for the backup),
 * then compresses and verifies the files in a piscina pool (src/log/backup.ts). RESTORE checks
 * and extracts a set, then has every shard replace its data with the set's.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { backupRoot, createBackupSet, extractBackup, incomingDir, listBackups } from '../log/backup.ts';
import { errUnknownSubcommand } from './replies.ts';
import {
  ADMIN,
  cmd,
  connCmd,
  INTERNAL,
  NOSCRIPT,
  RunsOn,
  SNAPSHOT_DONE_KEY,
  type CommandSpec,
  type ConnCtx,
  type ExecCtx,
} from './table.ts';

const MINUS = 0x2d; // '-'

/** Parts that are error replies, as text. */
function failures(parts: readonly Buffer[]): string[] {
  return parts.filter((p) => p[0] === MINUS).map((p) => p.toString('latin1', 1, p.length - 2));
}

const bulkText = (reply: Buffer): string => reply.toString('latin1', reply.indexOf('\r\n') + 2, reply.length - 2);

// BACKUP CREATE | LIST | RESTORE id
async function backupCommand(c: ConnCtx, argv: Buffer[]): Promise<void> {
  const sub = argv[1]!.toString('latin1').toLowerCase();
  const dir = c.server.config.get('dir')!;
  if (sub === 'create' && argv.length === 2) {
    const parts = await c.fanOut(['slotkv-backup-snapshot', incomingDir(dir)]);
    const failed = failures(parts);
    if (failed.length > 0) return c.out.error(`ERR backup failed: ${failed[0]}`);
    const retention = Number(c.server.config.get('backup-retention'));
    const info = await createBackupSet(dir, parts.map(bulkText), c.server.shardCount, retention);
    return c.out.bulkLatin1(info.id);
  }
  if (sub === 'list' && argv.length === 2) {
    const sets = listBackups(dir);
    c.out.arrayHeader(sets.length);
    for (const s of sets) {
      c.out.latin1Array(['id', s.id, 'created', s.createdAt, 'shards', String(s.shardCount), 'bytes', String(s.bytes)]);
    }
    return;
  }
  if (sub === 'restore' && argv.length === 3) {
    const id = argv[2]!.toString('latin1');
    const staging = join(backupRoot(dir), `.restore-${process.pid}-${Date.now()}`);
    try {
      await extractBackup(dir, id, staging);
      const failed = failures(await c.fanOut(['slotkv-backup-load', staging]));
      if (failed.length > 0) return c.out.error(`ERR restore failed: ${failed[0]}`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return c.out.ok();
  }
  if (['create', 'list', 'restore'].includes(sub)) return c.out.error(`ERR wrong number of arguments for 'backup|${sub}' command`);
  c.out.error(errUnknownSubcommand(argv[1]!.toString('latin1'), 'backup'));
}

/** Per parked request: the snapshot count it waits for (its argv array is kept across runs). */
const waitingFor = new WeakMap<Buffer[], number>();

// slotkv-backup-snapshot dir: a snapshot begun after this request, hard-linked into dir.
function backupSnapshotCommand(x: ExecCtx, argv: Buffer[]): void {
  const p = x.persistence;
  let target = waitingFor.get(argv);
  if (target === undefined) {
    // A snapshot already running began before this request: wait for the next one to begin.
    target = p.started() + 1;
    waitingFor.set(argv, target);
  }
  if (p.finished() >= target) {
    waitingFor.delete(argv);
    try {
      return x.out.bulkLatin1(p.linkLastSnapshot(argv[1]!.toString('latin1')));
    } catch (e) {
      return x.out.error(`ERR ${(e as Error).message}`);
    }
  }
  if (!p.saving()) p.bgsave();
  x.block([SNAPSHOT_DONE_KEY], 0);
}

// slotkv-backup-load dir: replace this shard's data with the data set extracted in dir.
function backupLoadCommand(x: ExecCtx, argv: Buffer[]): void {
  try {
    x.persistence.restoreFrom(argv[1]!.toString('latin1'));
    x.out.ok();
  } catch (e) {
    x.out.error(`ERR ${(e as Error).message}`);
  }
}

export const BACKUP_COMMANDS: readonly CommandSpec[] = [
  connCmd('backup', -2, ADMIN | NOSCRIPT, backupCommand),
  cmd('slotkv-backup-snapshot', 2, ADMIN | INTERNAL, 0, 0, 0, backupSnapshotCommand, { runsOn: RunsOn.ALL }),
  cmd('slotkv-backup-load', 2, ADMIN | INTERNAL, 0, 0, 0, backupLoadCommand, { runsOn: RunsOn.ALL }),
];
