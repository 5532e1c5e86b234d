/**
 * Checking a data directory before it is used (at startup, and by slotkv-check): every file the
 * manifest names must exist and read back intact. The one damage that is repaired without
 * asking is a torn tail: a partial record at the end of a shard's newest segment, left by a
 * crash mid-write; it is dropped, with a log line. Anything else stops the start with a message
 * naming the file and offset (slotkv-check --fix truncates there, losing what follows).
 */
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError } from '../errors.ts';
import { LOG_SNAPSHOT_END } from '../ring/codec.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { decodeSegmentHeader, scanRecords, SEGMENT_HEADER_BYTES, SNAPSHOT_MAGIC } from './record.ts';

export interface FileCheck {
  file: string;
  records: number;
  bytes: number;
  problem?: string;
  repaired?: boolean;
}

export interface CheckResult {
  manifest: Manifest | null;
  files: FileCheck[];
  /** Per shard of the manifest: the offset just past its last record (where writing resumes). */
  endOffsets: number[];
}

export interface CheckOptions {
  /** Drop a torn tail of the newest segment (startup does). */
  repairTornTail: boolean;
  /** Truncate at the first bad record whatever follows (slotkv-check --fix). */
  truncateCorruption: boolean;
  log?: (line: string) => void;
}

export function checkDataDir(dir: string, opts: CheckOptions): CheckResult {
  const manifest = readManifest(dir);
  const files: FileCheck[] = [];
  const endOffsets: number[] = [];
  if (manifest === null) return { manifest, files, endOffsets };
  manifest.shards.forEach((shard, id) => {
    if (shard.snapshot !== null) files.push(checkSnapshot(dir, shard.snapshot, opts));
    let end = shard.snapshotOffset;
    shard.segments.forEach((name, i) => {
      const newest = i === shard.segments.length - 1;
      const check = checkSegment(dir, name, newest, opts);
      files.push(check.file);
      end = check.endOffset;
    });
    endOffsets[id] = end;
  });
  return { manifest, files, endOffsets };
}

function readOrFail(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch (e) {
    throw new DataDirError(`${join(dir, name)}: named in the manifest but cannot be read: ${(e as Error).message}`);
  }
}

function checkSegment(dir: string, name: string, newest: boolean, opts: CheckOptions): { file: FileCheck; endOffset: number } {
  const path = join(dir, name);
  const buf = readOrFail(dir, name);
  const header = decodeSegmentHeader(buf);
  if (header === undefined) throw new DataDirError(`${path}: not a slotkv log segment (bad header)`);
  let records = 0;
  const scan = scanRecords(buf, SEGMENT_HEADER_BYTES, () => records++);
  const file: FileCheck = { file: name, records, bytes: buf.length };
  if (scan.status === 'ok') return { file, endOffset: header.baseOffset + scan.end - SEGMENT_HEADER_BYTES };
  const where = `${path} at offset ${scan.validEnd}: ${scan.reason}`;
  file.problem = where;
  const repairable = (scan.tornTail && newest && opts.repairTornTail) || opts.truncateCorruption;
  if (!repairable) {
    throw new DataDirError(
      scan.tornTail && newest
        ? `${where} (a write cut short by a crash)`
        : `corrupt log: ${where}; run slotkv-check --fix to truncate the log there`,
    );
  }
  truncateSync(path, scan.validEnd);
  file.repaired = true;
  opts.log?.(`slotkv: ${path}: dropped ${buf.length - scan.validEnd} bytes of a partial record at offset ${scan.validEnd} (${scan.reason})`);
  return { file, endOffset: header.baseOffset + scan.validEnd - SEGMENT_HEADER_BYTES };
}

function checkSnapshot(dir: string, name: string, opts: CheckOptions): FileCheck {
  const path = join(dir, name);
  const buf = readOrFail(dir, name);
  if (decodeSegmentHeader(buf, SNAPSHOT_MAGIC) === undefined) throw new DataDirError(`${path}: not a slotkv snapshot (bad header)`);
  let records = 0;
  let ended = false;
  const scan = scanRecords(buf, SEGMENT_HEADER_BYTES, (from) => {
    records++;
    if (buf[from] === LOG_SNAPSHOT_END) ended = true;
  });
  const file: FileCheck = { file: name, records, bytes: buf.length };
  if (scan.status === 'bad') file.problem = `${path} at offset ${scan.validEnd}: ${scan.reason}`;
  else if (!ended) file.problem = `${path}: snapshot has no end record (incomplete)`;
  if (file.problem !== undefined) {
    // A snapshot is renamed into place only once complete, so damage here is never a crash.
    if (!opts.truncateCorruption) throw new DataDirError(`corrupt snapshot: ${file.problem}`);
  }
  return file;
}
