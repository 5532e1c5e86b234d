/**
 * piscina tasks for backups: the CPU-heavy parts (gzip, SHA-256, checking every record) run
 * here, in pool threads, so that neither shards nor connection threads stall on them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeSegmentHeader, scanRecords, SEGMENT_HEADER_BYTES, SNAPSHOT_MAGIC } from './record.ts';

export type BackupTask =
  | { op: 'compress'; from: string; to: string }
  | { op: 'verify'; path: string; sha256: string }
  | { op: 'extract'; from: string; to: string; sha256: string };

export interface FileDigest {
  rawBytes: number;
  bytes: number;
  sha256: string;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Checks a snapshot's bytes record by record; throws what is wrong. */
function checkSnapshot(raw: Buffer, what: string): void {
  if (decodeSegmentHeader(raw, SNAPSHOT_MAGIC) === undefined) throw new Error(`${what}: not a slotkv snapshot`);
  const scan = scanRecords(raw, SEGMENT_HEADER_BYTES);
  if (scan.status === 'bad') throw new Error(`${what}: ${scan.reason} at offset ${scan.validEnd}`);
}

export default function run(task: BackupTask): FileDigest | true {
  switch (task.op) {
    case 'compress': {
      const raw = readFileSync(task.from);
      checkSnapshot(raw, task.from);
      const gz = gzipSync(raw);
      writeFileSync(task.to, gz);
      return { rawBytes: raw.length, bytes: gz.length, sha256: sha256(gz) };
    }
    case 'verify': {
      const gz = readFileSync(task.path);
      if (sha256(gz) !== task.sha256) throw new Error(`${task.path}: checksum mismatch`);
      checkSnapshot(gunzipSync(gz), task.path);
      return true;
    }
    case 'extract': {
      const gz = readFileSync(task.from);
      if (sha256(gz) !== task.sha256) throw new Error(`${task.from}: checksum mismatch`);
      const raw = gunzipSync(gz);
      checkSnapshot(raw, task.from);
      writeFileSync(task.to, raw);
      return true;
    }
  }
}
