/**
 * Backup sets: a directory per backup under `<dir>/backups/`, holding every shard's snapshot
 * (gzipped) and `backup.json` (time, shard count, per file its size and SHA-256). A set is
 * verified when it is made (each file re-read, checksummed, decompressed, every record checked)
 * and older sets beyond `backup-retention` are pruned. A set can roll the running instance back
 * (restore) or become the data directory of a new instance (clone); either way it is checked
 * again and extracted with the manifest a data directory needs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Piscina } from 'piscina';
import type { BackupTask, FileDigest } from './backup-worker.ts';
import { decodeSegmentHeader, SNAPSHOT_MAGIC } from './record.ts';
import { writeFileDurably, writeManifest, type Manifest } from './manifest.ts';

export interface BackupFile extends FileDigest {
  /** The snapshot's own file name; stored as `<name>.gz`. */
  name: string;
  /** The shard that wrote it, and the count of its layout. */
  shard: number;
}

export interface BackupInfo {
  id: string;
  createdAt: string;
  shardCount: number;
  bytes: number;
  files: BackupFile[];
}

let pool: Piscina | null = null;

function tasks(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./backup-worker.ts', import.meta.url).href,
    maxThreads: 2,
    idleTimeout: 5000,
  });
  return pool;
}

export async function closeBackupPool(): Promise<void> {
  await pool?.destroy();
  pool = null;
}

const run = <T>(task: BackupTask): Promise<T> => tasks().run(task) as Promise<T>;

export const backupRoot = (dir: string): string => join(dir, 'backups');
/** Where shards hard-link their snapshots for a backup being made. */
export const incomingDir = (dir: string): string => join(backupRoot(dir), 'incoming');

/** A sortable id from the time: 20261121-221834-123. */
function newId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${p(now.getUTCMilliseconds(), 3)}`;
}

/**
 * Makes a backup set from snapshot files the shards have just hard-linked into the incoming
 * directory: compresses, verifies, records, prunes. Returns the set's description.
 */
export async function createBackupSet(dir: string, linked: string[], shardCount: number, retention: number): Promise<BackupInfo> {
  let id = newId();
  while (existsSync(join(backupRoot(dir), id))) id = newId(new Date(Date.now() + 1));
  const target = join(backupRoot(dir), `${id}.tmp`);
  mkdirSync(target, { recursive: true });
  const files = await Promise.all(
    linked.map(async (path) => {
      const name = basename(path);
      const header = decodeSegmentHeader(readFileSync(path).subarray(0, 32), SNAPSHOT_MAGIC);
      const digest = await run<FileDigest>({ op: 'compress', from: path, to: join(target, `${name}.gz`) });
      rmSync(path, { force: true });
      return { name, shard: header?.shard ?? -1, ...digest };
    }),
  );
  files.sort((a, b) => a.shard - b.shard);
  const info: BackupInfo = { id, createdAt: new Date().toISOString(), shardCount, bytes: files.reduce((n, f) => n + f.bytes, 0), files };
  await verifyFiles(target, info);
  writeFileDurably(target, 'backup.json', JSON.stringify(info, null, 1) + '\n');
  renameSync(target, join(backupRoot(dir), id));
  prune(dir, retention);
  return info;
}

async function verifyFiles(setDir: string, info: BackupInfo): Promise<void> {
  await Promise.all(info.files.map((f) => run({ op: 'verify', path: join(setDir, `${f.name}.gz`), sha256: f.sha256 })));
}

export function listBackups(dir: string): BackupInfo[] {
  const root = backupRoot(dir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'backup.json')))
    .map((name) => JSON.parse(readFileSync(join(root, name, 'backup.json'), 'utf8')) as BackupInfo)
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function readBackup(dir: string, id: string): BackupInfo {
  if (!/^[\w.-]+$/.test(id)) throw new Error(`invalid backup id '${id}'`);
  const path = join(backupRoot(dir), id, 'backup.json');
  if (!existsSync(path)) throw new Error(`no backup '${id}' in ${backupRoot(dir)}`);
  return JSON.parse(readFileSync(path, 'utf8')) as BackupInfo;
}

/** Keeps the newest `retention` sets (0: keep all), and clears leftovers of interrupted runs. */
function prune(dir: string, retention: number): void {
  const root = backupRoot(dir);
  for (const name of readdirSync(root)) if (name.endsWith('.tmp')) rmSync(join(root, name), { recursive: true, force: true });
  if (retention <= 0) return;
  const sets = listBackups(dir);
  for (const old of sets.slice(0, Math.max(0, sets.length - retention))) rmSync(join(root, old.id), { recursive: true, force: true });
}

/**
 * Writes a set out as a data directory (snapshots plus a manifest) in `to`, checking every file
 * on the way: the directory a clone starts from, or what a restore loads.
 */
export async function extractBackup(dir: string, id: string, to: string): Promise<Manifest> {
  const info = readBackup(dir, id);
  mkdirSync(to, { recursive: true });
  if (readdirSync(to).some((f) => f === 'manifest.json')) throw new Error(`${to} already holds a data set`);
  const setDir = join(backupRoot(dir), id);
  // Every extraction settles before a failure is reported: the caller then removes `to`, which
  // must not race with workers still writing into it (that turned the checksum error into
  // ENOTEMPTY).
  const results = await Promise.allSettled(
    info.files.map((f) => run({ op: 'extract', from: join(setDir, `${f.name}.gz`), to: join(to, f.name), sha256: f.sha256 })),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const manifest: Manifest = {
    version: 1,
    shardCount: info.shardCount,
    shards: info.files.map((f) => ({ snapshot: f.name, snapshotOffset: 0, segments: [] })),
  };
  writeManifest(to, manifest);
  return manifest;
}

