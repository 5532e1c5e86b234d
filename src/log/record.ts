/**
 * Log records on disk. A segment file is a header, then records:
 *
 *   header  "SLOTKVLOG1\n" (11 bytes) | u8 shard | u8 pad | u16 shard count | u64 base offset
 *           (a snapshot file has the same layout with "SLOTKVSNP1\n" and the offset it matches,
 *           its records recreate every key, and a LOG_SNAPSHOT_END record closes it)
 *   record  ┌────────────┬──────────────┬──────────────────────────────────────────┐
 *           │ u32 length │ u32 crc32    │ payload: a write-log record (codec.ts)   │
 *           └────────────┴──────────────┴──────────────────────────────────────────┘
 *
 * A record's offset is its position in the concatenation of one shard's segments, so the base
 * offset of a segment plus a position in it names a record. The CRC covers the payload; a record
 * that is short or fails its CRC at the very end of the newest segment is a write cut by a crash
 * (dropped on repair); anywhere else it is corruption.
 */
import { crc32 } from 'node:zlib';
import type { ReplyWriter } from '../commands/replies.ts';

export const SEGMENT_MAGIC = Buffer.from('SLOTKVLOG1\n', 'latin1');
export const SNAPSHOT_MAGIC = Buffer.from('SLOTKVSNP1\n', 'latin1');
export const SEGMENT_HEADER_BYTES = SEGMENT_MAGIC.length + 1 + 1 + 2 + 8;
export const RECORD_HEADER_BYTES = 8;
/** A length beyond this cannot be a record of ours (bulks are capped far below). */
const MAX_RECORD_BYTES = 1 << 30;

export interface SegmentHeader {
  shard: number;
  shardCount: number;
  baseOffset: number;
}

export function encodeSegmentHeader(h: SegmentHeader, magic = SEGMENT_MAGIC): Buffer {
  const buf = Buffer.alloc(SEGMENT_HEADER_BYTES);
  magic.copy(buf, 0);
  let p = SEGMENT_MAGIC.length;
  buf[p++] = h.shard;
  buf[p++] = 0;
  buf.writeUInt16LE(h.shardCount, p);
  p += 2;
  buf.writeBigUInt64LE(BigInt(h.baseOffset), p);
  return buf;
}

export function decodeSegmentHeader(buf: Buffer, magic = SEGMENT_MAGIC): SegmentHeader | undefined {
  if (buf.length < SEGMENT_HEADER_BYTES || !buf.subarray(0, magic.length).equals(magic)) return undefined;
  const p = SEGMENT_MAGIC.length;
  return { shard: buf[p]!, shardCount: buf.readUInt16LE(p + 2), baseOffset: Number(buf.readBigUInt64LE(p + 4)) };
}

/** Appends one record's on-disk bytes (length, CRC, payload) to out. */
export function appendRecordBytes(out: ReplyWriter, payload: Uint8Array): void {
  out.ensure(RECORD_HEADER_BYTES + payload.length);
  out.buf.writeUInt32LE(payload.length, out.len);
  out.buf.writeUInt32LE(crc32(payload), out.len + 4);
  out.len += RECORD_HEADER_BYTES;
  out.raw(payload);
}

export type ScanResult =
  | { status: 'ok'; end: number }
  /** Bytes from `validEnd` on do not form a whole, intact record. */
  | { status: 'bad'; validEnd: number; reason: string; tornTail: boolean };

/**
 * Walks the records of buf from `start`, calling onRecord(payloadStart, payloadEnd) for each
 * intact one. A bad record followed by nothing but bad bytes is a torn tail; a bad record with
 * an intact record somewhere after it means the middle of the file is corrupt.
 */
export function scanRecords(buf: Buffer, start: number, onRecord?: (from: number, to: number) => void): ScanResult {
  let pos = start;
  while (pos < buf.length) {
    const why = checkRecord(buf, pos);
    if (why !== undefined) {
      return { status: 'bad', validEnd: pos, reason: why, tornTail: !hasIntactRecordAfter(buf, pos + 1) };
    }
    const len = buf.readUInt32LE(pos);
    onRecord?.(pos + RECORD_HEADER_BYTES, pos + RECORD_HEADER_BYTES + len);
    pos += RECORD_HEADER_BYTES + len;
  }
  return { status: 'ok', end: pos };
}

function checkRecord(buf: Buffer, pos: number): string | undefined {
  if (buf.length - pos < RECORD_HEADER_BYTES) return 'record header cut short';
  const len = buf.readUInt32LE(pos);
  if (len > MAX_RECORD_BYTES) return `impossible record length ${len}`;
  if (buf.length - pos - RECORD_HEADER_BYTES < len) return 'record cut short';
  const payload = buf.subarray(pos + RECORD_HEADER_BYTES, pos + RECORD_HEADER_BYTES + len);
  if (crc32(payload) !== buf.readUInt32LE(pos + 4)) return 'checksum mismatch';
  return undefined;
}

/**
 * True when some intact record starts after pos. Scans byte by byte, so only used on the error
 * path; a torn tail is at most one record long, so this is quick in the common case.
 */
function hasIntactRecordAfter(buf: Buffer, pos: number): boolean {
  for (let p = pos; p + RECORD_HEADER_BYTES <= buf.length; p++) {
    const len = buf.readUInt32LE(p);
    if (len === 0 || len > buf.length - p - RECORD_HEADER_BYTES) continue;
    if (checkRecord(buf, p) === undefined) return true;
  }
  return false;
}
