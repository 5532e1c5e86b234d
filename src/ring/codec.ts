/**
 * The payloads that cross the rings.
 *
 *   request  (connection thread -> shard)                  reply (shard -> connection thread)
 *   ┌───────┬────┬─────┬───────┬───────┬──────┬──────┐    ┌───────┬───────────────────┐
 *   │ reqId │ db │ pad │ cmdId │ slot1 │ argc │ args │    │ reqId │ RESP2 reply bytes │
 *   │ u32   │ u8 │ u8  │ u16   │ u16   │ u32  │ ...  │    │ u32   │                   │
 *   └───────┴────┴─────┴───────┴───────┴──────┴──────┘    └───────┴───────────────────┘
 *   each arg: [u32 length][bytes]; cmdId indexes the command table, so the shard does not look
 *   the name up again; slot1 is the slot of argument 1 when the sender hashed it to route the
 *   request (NO_SLOT otherwise), so the shard does not hash the key again.
 *
 *   write-log record (shard -> replicator, and on disk after a length and a CRC):
 *   ┌──────┬────┬─────┬──────┬──────┐
 *   │ kind │ db │ pad │ argc │ args │   kind LOG_COMMAND: the effect of one write, as a
 *   │ u8   │ u8 │ u16 │ u32  │ ...  │   deterministic command; other kinds are instructions
 *   └──────┴────┴─────┴──────┴──────┘   to the replicator and never reach the disk
 */
import type { ReplyWriter } from '../commands/replies.ts';
import { copyBytes, getU32, putU32 } from './bytes.ts';
import { latin1 } from '../util/latin1.ts';
import { slotOfBytes } from '../routing/slot.ts';

/** cmdId of a request that cancels the parked command with the same reqId (client gone). */
export const CANCEL_BLOCKED = 0xffff;

/** reqId, db, pad, cmdId, slot1: what precedes the args. */
export const REQUEST_HEADER_BYTES = 10;

/** slot1 of a request whose sender did not hash argument 1. */
export const NO_SLOT = 0xffff;

/** Appends argc and the args; strings are written as latin1 bytes. */
export function writeArgs(out: ReplyWriter, args: readonly (Uint8Array | string)[]): void {
  let size = 4;
  for (const a of args) size += 4 + a.length;
  out.ensure(size);
  const buf = out.buf;
  let p = out.len;
  putU32(buf, p, args.length);
  p += 4;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    putU32(buf, p, a.length);
    p += 4;
    if (typeof a === 'string') p += buf.latin1Write(a, p);
    else {
      copyBytes(a, 0, a.length, buf, p);
      p += a.length;
    }
  }
  out.len = p;
}

/** writeArgs for args held as src[starts[i], ends[i]), i < argc: no view per argument. */
export function writeArgRanges(out: ReplyWriter, src: Uint8Array, starts: Int32Array, ends: Int32Array, argc: number): void {
  let size = 4;
  for (let i = 0; i < argc; i++) size += 4 + ends[i]! - starts[i]!;
  out.ensure(size);
  const buf = out.buf;
  let p = out.len;
  putU32(buf, p, argc);
  p += 4;
  for (let i = 0; i < argc; i++) {
    const start = starts[i]!;
    const end = ends[i]!;
    putU32(buf, p, end - start);
    p += 4;
    copyBytes(src, start, end, buf, p);
    p += end - start;
  }
  out.len = p;
}

/**
 * Reads args written by writeArgs at buf[pos] into `into` (reused from call to call): views into
 * buf, valid while buf is (the log's readers; shards read requests through RequestArgs).
 */
export function readArgs(buf: Buffer, pos: number, into: Buffer[]): void {
  located.read(buf, pos);
  located.views(into);
}

/**
 * A request's arguments located where they lie (in the shard's inbox, or with inline-shard in
 * the connection's read), with no Buffer view per argument: the hot commands (GET, SET, INCR
 * ...) read their key and value in place through it. A view costs ~100 ns to make (it goes
 * through the C++ side for its ArrayBuffer) and a write barrier to store into a long-lived argv
 * array; at pipeline 16 those were a quarter of a shard's time. `views()` makes the argv array
 * the other handlers take.
 */
export class RequestArgs {
  buf: Buffer = Buffer.alloc(0);
  count = 0;
  /** Argument i is buf[starts[i], ends[i]). */
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);

  /** The slot of argument 1 when the request said it; NO_SLOT otherwise. */
  private slot1 = NO_SLOT;

  /** Locates the args written by writeArgs at buf[pos]; slot1 is the request header's. */
  read(buf: Buffer, pos: number, slot1 = NO_SLOT): void {
    const argc = getU32(buf, pos);
    pos += 4;
    this.reset(buf, argc, slot1);
    const { starts, ends } = this;
    for (let i = 0; i < argc; i++) {
      const len = getU32(buf, pos);
      pos += 4;
      starts[i] = pos;
      ends[i] = pos + len;
      pos += len;
    }
  }

  /** Locates args held as buf[starts[i], ends[i]), i < argc (a framed command). */
  locate(buf: Buffer, starts: Int32Array, ends: Int32Array, argc: number): void {
    this.reset(buf, argc, NO_SLOT);
    for (let i = 0; i < argc; i++) {
      this.starts[i] = starts[i]!;
      this.ends[i] = ends[i]!;
    }
  }

  private reset(buf: Buffer, argc: number, slot1: number): void {
    this.buf = buf;
    this.count = argc;
    this.slot1 = slot1;
    if (this.starts.length < argc) {
      this.starts = new Int32Array(argc);
      this.ends = new Int32Array(argc);
    }
  }

  length(i: number): number {
    return this.ends[i]! - this.starts[i]!;
  }

  /** Argument i is buf[start(i), end(i)). */
  start(i: number): number {
    return this.starts[i]!;
  }

  end(i: number): number {
    return this.ends[i]!;
  }

  /** The cluster slot of argument i as a key: from the request header when it came with one. */
  slotOf(i: number): number {
    if (i === 1 && this.slot1 !== NO_SLOT) return this.slot1;
    return slotOfBytes(this.buf, this.starts[i]!, this.ends[i]!);
  }

  /** Argument i as a latin1 string (a key, or a value to keep). */
  latin1(i: number): string {
    return latin1(this.buf, this.starts[i]!, this.ends[i]!);
  }

  /** Arguments from..count as latin1 strings (members, elements). */
  latin1From(from: number): string[] {
    const out: string[] = [];
    for (let i = from; i < this.count; i++) out.push(this.latin1(i));
    return out;
  }

  /** Appends argc and the args as writeArgs does (a write-log record of the request). */
  write(out: ReplyWriter): void {
    writeArgRanges(out, this.buf, this.starts, this.ends, this.count);
  }

  /**
   * Every argument as a view, in `into` (reused from call to call). The length is set only when
   * it changes: setting an array's length is a runtime call, and a run of commands mostly has
   * one arity.
   */
  views(into: Buffer[]): Buffer[] {
    const { buf, starts, ends, count } = this;
    if (into.length !== count) into.length = count;
    for (let i = 0; i < count; i++) into[i] = buf.subarray(starts[i]!, ends[i]!);
    return into;
  }
}

const located = new RequestArgs();

export function writeRequestHeader(out: ReplyWriter, reqId: number, db: number, cmdId: number, slot1 = NO_SLOT): void {
  out.ensure(REQUEST_HEADER_BYTES);
  const p = out.len;
  const buf = out.buf;
  putU32(buf, p, reqId);
  buf[p + 4] = db;
  buf[p + 5] = 0;
  buf[p + 6] = cmdId;
  buf[p + 7] = cmdId >>> 8;
  buf[p + 8] = slot1;
  buf[p + 9] = slot1 >>> 8;
  out.len += REQUEST_HEADER_BYTES;
}

/** The request header's fields, read in place (the shard's inbox). */
export function requestDb(buf: Uint8Array, start: number): number {
  return buf[start + 4]!;
}

export function requestCmdId(buf: Uint8Array, start: number): number {
  return buf[start + 6]! | (buf[start + 7]! << 8);
}

export function requestSlot1(buf: Uint8Array, start: number): number {
  return buf[start + 8]! | (buf[start + 9]! << 8);
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
