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
 *   write-log record (shard -> replicator): [db u8][pad 3][argc u32][args]: the effect of one
 *   write, as a deterministic command.
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

/** The db-and-padding word that starts a write-log record. */
export function writeLogHeader(out: ReplyWriter, db: number): void {
  out.ensure(4);
  out.buf.writeUInt32LE(db, out.len);
  out.len += 4;
}
