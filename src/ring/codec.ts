/**
 * The payloads that cross the rings.
 *
 *   request  (connection thread -> shard)          reply (shard -> connection thread)
 *   ┌───────┬────┬─────┬───────┬──────┬──────┐    ┌───────┬───────────────────┐
 *   │ reqId │ db │ pad │ cmdId │ argc │ args │    │ reqId │ RESP2 reply bytes │
 *   │ u32   │ u8 │ u8  │ u16   │ u32  │ ...  │    │ u32   │                   │
 *   └───────┴────┴─────┴───────┴──────┴──────┘    └───────┴───────────────────┘
 *   each arg: [u32 length][bytes]; cmdId indexes the command table, so the shard does not look
 *   the name up again.
 *
 *   write-log record (shard -> replicator, and on disk after a length and a CRC):
 *   ┌──────┬────┬─────┬──────┬──────┐
 *   │ kind │ db │ pad │ argc │ args │   kind LOG_COMMAND: the effect of one write, as a
 *   │ u8   │ u8 │ u16 │ u32  │ ...  │   deterministic command; other kinds are instructions
 *   └──────┴────┴─────┴──────┴──────┘   to the replicator and never reach the disk
 */
import type { ReplyWriter } from '../commands/replies.ts';

/** cmdId of a request that cancels the parked command with the same reqId (client gone). */
export const CANCEL_BLOCKED = 0xffff;

/** reqId, db, pad, cmdId: what precedes the args. */
export const REQUEST_HEADER_BYTES = 8;

/** Appends argc and the args; strings are written as latin1 bytes. */
export function writeArgs(out: ReplyWriter, args: readonly (Uint8Array | string)[]): void {
  let size = 4;
  for (const a of args) size += 4 + a.length;
  out.ensure(size);
  const buf = out.buf;
  let p = out.len;
  buf.writeUInt32LE(args.length, p);
  p += 4;
  for (const a of args) {
    buf.writeUInt32LE(a.length, p);
    p += 4;
    if (typeof a === 'string') p += buf.latin1Write(a, p);
    else {
      buf.set(a, p);
      p += a.length;
    }
  }
  out.len = p;
}

/** Reads args written by writeArgs at buf[pos]: views into buf, valid while buf is. */
export function readArgs(buf: Buffer, pos: number, into: Buffer[]): void {
  const argc = buf.readUInt32LE(pos);
  pos += 4;
  into.length = 0;
  for (let i = 0; i < argc; i++) {
    const len = buf.readUInt32LE(pos);
    pos += 4;
    into.push(buf.subarray(pos, pos + len));
    pos += len;
  }
}

export function writeRequestHeader(out: ReplyWriter, reqId: number, db: number, cmdId: number): void {
  out.ensure(REQUEST_HEADER_BYTES);
  const p = out.len;
  out.buf.writeUInt32LE(reqId, p);
  out.buf[p + 4] = db;
  out.buf[p + 5] = 0;
  out.buf.writeUInt16LE(cmdId, p + 6);
  out.len += REQUEST_HEADER_BYTES;
}

/** Write-log record kinds. Stable numbers: records of kind LOG_COMMAND live on disk. */
export const LOG_COMMAND = 0;
/** Start a new log segment at this offset (a snapshot begins here). */
export const LOG_ROTATE = 1;
/** args: [snapshot file name, offset]: the snapshot for that offset is complete and durable. */
export const LOG_SNAPSHOT_DONE = 2;
/** Closes a snapshot file; args: [number of records before it]. Never in the log ring. */
export const LOG_SNAPSHOT_END = 3;
/** Bytes before argc in a write-log record. */
export const LOG_HEADER_BYTES = 4;

export function writeLogHeader(out: ReplyWriter, kind: number, db: number): void {
  out.ensure(LOG_HEADER_BYTES);
  out.buf.writeUInt32LE(kind | (db << 8), out.len);
  out.len += LOG_HEADER_BYTES;
}
