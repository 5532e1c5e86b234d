/**
 * The RESP2 request framer: turns a client's byte stream into commands (argv arrays), for
 * multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline (`GET k\r\n`) requests, and reports
 * protocol errors with Redis's exact texts. After an error the framer stops: the connection
 * answers the error and closes, as Redis does.
 *
 * It resumes where it stopped when a command is split across reads, so a huge command costs
 * one pass, not one pass per read: a partial bulk is copied once into a buffer of its size (lent
 * from a pool for the command's dispatch, below); only a partial header line (at most 64 KB) is
 * ever re-joined with the next read.
 * Arguments are views into the read: the connection reads every socket into one reused buffer,
 * so they are valid only while their command is being dispatched. A command found whole in one
 * read is handed over as offsets into it (framedCommand), with no view per argument; one that
 * straddles reads is handed over as argv.
 */
import { splitArgs } from '../util/split-args.ts';

const STAR = 0x2a; // '*'
const DOLLAR = 0x24; // '$'
const CR = 0x0d;
const LF = 0x0a;
/** Longest header or inline line Redis accepts without its newline (PROTO_INLINE_MAX_SIZE). */
const MAX_LINE = 64 * 1024;
const MAX_MULTIBULK = 0x7fffffff;
/** How far lineEnd looks by hand before asking indexOf. */
const SHORT_LINE = 24;
/** Argument offsets kept at first; grown for requests with more arguments. */
const INITIAL_OFFSETS = 64;
/** Before AUTH, Redis refuses large requests outright so strangers cannot make it allocate. */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;

/**
 * Buffers for bulks that straddle reads (large values), shared by the thread's connections and
 * reused from one command to the next. A new one per command was 64 KB outside the V8 heap per
 * 64 KB SET, which V8 frees only when a GC has collected the Buffer, so a stream of large SETs
 * kept the GC marking (with a copy into the value, ~3x Redis's CPU per SET). A buffer is lent
 * for one command: arguments are valid only while it is dispatched, and whatever outlives that
 * is copied (queued transactions, handlers that answer later, ring requests). Up to POOL_SIZE
 * buffers of POOL_MIN_BYTES to POOL_MAX_BYTES are kept, each its own memory (smaller Buffers are
 * slices of Node's shared slabs, cheap to make, and a pooled one would keep its slab alive).
 */
const POOL_SIZE = 64;
const POOL_MIN_BYTES = 4096;
const POOL_MAX_BYTES = 1024 * 1024;
const bulkPool: Buffer[] = [];

/** A pooled buffer of n to 2n bytes, or a new one of n. */
function takeBulk(n: number): Buffer {
  if (n < POOL_MIN_BYTES) return Buffer.allocUnsafe(n);
  for (let i = bulkPool.length - 1; i >= 0; i--) {
    const b = bulkPool[i]!;
    if (b.length >= n && b.length <= 2 * n) {
      bulkPool[i] = bulkPool[bulkPool.length - 1]!;
      bulkPool.pop();
      return b;
    }
  }
  return Buffer.allocUnsafeSlow(n);
}

function returnBulk(b: Buffer): void {
  if (b.length >= POOL_MIN_BYTES && b.length <= POOL_MAX_BYTES && bulkPool.length < POOL_SIZE) bulkPool.push(b);
}

/**
 * A complete command whose arguments all lie in one read: argument i is
 * data[starts[i], ends[i]). Valid only during the event.
 */
export interface FramedArgs {
  readonly data: Buffer;
  readonly argc: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /**
   * Counts this framer's commands, and its reads: two commands have consecutive values only
   * when the second was framed right after the first, in the same read.
   */
  readonly seq: number;
  /** The arguments as Buffer views, for paths that want argv. Allocates. */
  views(): Buffer[];
}

export interface FramerEvents {
  command(argv: Buffer[]): void;
  /**
   * A command found whole in one read, as offsets: routing it needs no Buffer view per
   * argument. Without this event such commands arrive through command() like the rest.
   */
  framedCommand?(cmd: FramedArgs): void;
  protocolError(message: string): void;
}

export class Framer implements FramedArgs {
  /** Set by the connection: limits that depend on config and on AUTH state. */
  maxBulkLen: number;
  authenticated: boolean;

  private readonly events: FramerEvents;
  private pendingLine: Buffer | null = null;
  private argv: Buffer[] = [];
  argc = 0;
  seq = 0;
  /**
   * True while every argument of the command being framed lies in `data`, tracked by offset
   * (the common case); it turns into argv views once the command straddles reads.
   */
  private inRead = false;
  data: Buffer = Buffer.alloc(0);
  starts = new Int32Array(INITIAL_OFFSETS);
  ends = new Int32Array(INITIAL_OFFSETS);
  /** argv[0, ownedArgs) are copies, not views into a read. */
  private ownedArgs = 0;
  private argsLeft = 0;
  private bulk: Buffer | null = null; // a bulk argument (plus its CRLF) being filled across reads
  /** Pool buffers holding bulks of the command being framed, returned once it is dispatched. */
  private readonly borrowed: Buffer[] = [];
  private bulkFill = 0;
  private failed = false;

  constructor(events: FramerEvents, maxBulkLen: number, authenticated: boolean) {
    this.events = events;
    this.maxBulkLen = maxBulkLen;
    this.authenticated = authenticated;
  }

  /**
   * Feeds one read; emits every complete command in it, in order. The chunk may be overwritten
   * once this returns: arguments of a command it completes are valid during the command event
   * only, and those of an incomplete command are copied here.
   */
  feed(chunk: Buffer): void {
    this.seq++;
    this.frame(chunk);
    if (this.inRead && this.argsLeft > 0) this.toViews();
    if (this.argc > this.ownedArgs) this.keepArgs();
  }

  views(): Buffer[] {
    const argv = new Array<Buffer>(this.argc);
    for (let i = 0; i < this.argc; i++) argv[i] = this.data.subarray(this.starts[i]!, this.ends[i]!);
    return argv;
  }

  /** From offsets to argv: the command goes on in another read, or in a buffer of its own. */
  private toViews(): void {
    this.argv = this.views();
    this.inRead = false;
  }

  /** Copies the arguments of the incomplete command that are still views into the read. */
  private keepArgs(): void {
    for (let i = this.ownedArgs; i < this.argc; i++) this.argv[i] = Buffer.from(this.argv[i]!);
    this.ownedArgs = this.argc;
  }

  private frame(chunk: Buffer): void {
    if (this.failed) return;
    let data = chunk;
    let pos = 0;
    if (this.bulk !== null) {
      pos = this.fillBulk(data, 0);
      if (this.bulk !== null) return;
      if (this.argsLeft === 0) this.emit();
    } else if (this.pendingLine !== null) {
      data = Buffer.concat([this.pendingLine, chunk]);
      this.pendingLine = null;
    }
    while (pos < data.length && !this.failed) {
      const next = this.argsLeft > 0 ? this.parseBulks(data, pos) : this.parseRequest(data, pos);
      if (next < 0) return; // waiting for more bytes (or failed)
      pos = next;
    }
  }

  /** Parses the start of a request at pos; returns where parsing continues, or -1. */
  private parseRequest(data: Buffer, pos: number): number {
    if (data[pos] !== STAR) return this.parseInline(data, pos);
    const lineEnd = this.lineEnd(data, pos, 'too big mbulk count string');
    if (lineEnd < 0) return -1;
    const count = parseDecimal(data, pos + 1, lineEnd);
    if (count === undefined || count > MAX_MULTIBULK) return this.fail('invalid multibulk length');
    if (!this.authenticated && count > UNAUTH_MAX_ARGS) return this.fail('unauthenticated multibulk length');
    pos = lineEnd + 2;
    if (count <= 0) return pos; // "*0" and "*-1" are empty requests: nothing to run
    this.argsLeft = count;
    this.argc = 0;
    this.ownedArgs = 0;
    this.inRead = true;
    this.data = data;
    if (count > this.starts.length) {
      this.starts = new Int32Array(count);
      this.ends = new Int32Array(count);
    }
    return this.parseBulks(data, pos);
  }

  /** Parses bulk arguments until the command is complete (then emits) or data runs out. */
  private parseBulks(data: Buffer, pos: number): number {
    while (this.argsLeft > 0) {
      if (pos >= data.length) return -1;
      if (data[pos] !== DOLLAR) {
        return this.fail(`expected '$', got '${String.fromCharCode(data[pos]!)}'`);
      }
      const lineEnd = this.lineEnd(data, pos, 'too big bulk count string');
      if (lineEnd < 0) return -1;
      const len = parseDecimal(data, pos + 1, lineEnd);
      if (len === undefined || len < 0 || len > this.maxBulkLen) return this.fail('invalid bulk length');
      if (!this.authenticated && len > UNAUTH_MAX_BULK) return this.fail('unauthenticated bulk length');
      pos = lineEnd + 2;
      if (data.length - pos >= len + 2) {
        if (this.inRead) {
          this.starts[this.argc] = pos;
          this.ends[this.argc] = pos + len;
          this.argc++;
        } else {
          this.argv[this.argc++] = data.subarray(pos, pos + len);
        }
        pos += len + 2;
        this.argsLeft--;
      } else {
        // The read ends inside this bulk: feed() turns the offsets so far into owned args.
        this.bulk = this.borrowBulk(len + 2);
        this.bulkFill = 0;
        this.fillBulk(data, pos);
        return -1;
      }
    }
    this.emit();
    return pos;
  }

  /** Copies what data holds of the current bulk; returns the position after what it used. */
  private fillBulk(data: Buffer, pos: number): number {
    const bulk = this.bulk!;
    const n = Math.min(bulk.length - this.bulkFill, data.length - pos);
    data.copy(bulk, this.bulkFill, pos, pos + n);
    this.bulkFill += n;
    if (this.bulkFill === bulk.length) {
      this.argv[this.argc++] = bulk.subarray(0, bulk.length - 2);
      // Not a view into a read: keepArgs() need not copy it if the command goes on past this read.
      if (this.ownedArgs === this.argc - 1) this.ownedArgs = this.argc;
      this.bulk = null;
      this.argsLeft--;
    }
    return pos + n;
  }

  private parseInline(data: Buffer, pos: number): number {
    const newline = data.indexOf(LF, pos);
    if (newline < 0) {
      if (data.length - pos > MAX_LINE) return this.fail('too big inline request');
      this.pendingLine = Buffer.from(data.subarray(pos));
      return -1;
    }
    const end = newline > pos && data[newline - 1] === CR ? newline - 1 : newline;
    const words = splitArgs(data.latin1Slice(pos, end));
    if (words === null) return this.fail('unbalanced quotes in request');
    if (words.length > 0) {
      this.argv = words.map((w) => Buffer.from(w, 'latin1'));
      this.emit();
    }
    return newline + 1;
  }

  /** Index of the CR of the line starting at pos, or -1 (keeping the partial line) if absent. */
  private lineEnd(data: Buffer, pos: number, tooBig: string): number {
    // Header lines are a few bytes: a loop finds their CR sooner than a native indexOf call.
    const near = Math.min(data.length - 1, pos + SHORT_LINE);
    for (let i = pos + 1; i < near; i++) if (data[i] === CR) return i;
    const cr = data.indexOf(CR, pos);
    if (cr >= 0 && cr + 1 < data.length) return cr;
    if (data.length - pos > MAX_LINE) return this.fail(tooBig);
    this.pendingLine = Buffer.from(data.subarray(pos));
    return -1;
  }

  private emit(): void {
    this.seq++;
    if (this.inRead) {
      this.inRead = false;
      if (this.events.framedCommand !== undefined) {
        this.events.framedCommand(this);
        this.argc = 0;
        return;
      }
      this.argv = this.views();
    }
    const argv = this.argv;
    this.argv = [];
    this.argc = 0;
    this.ownedArgs = 0;
    this.events.command(argv);
    // The command has been dispatched, and its arguments with it: its bulk buffers are free.
    for (const b of this.borrowed) returnBulk(b);
    this.borrowed.length = 0;
  }

  /** A buffer of n bytes for a bulk that straddles reads, from the thread's pool if it fits. */
  private borrowBulk(n: number): Buffer {
    const backing = takeBulk(n);
    this.borrowed.push(backing);
    return backing.length === n ? backing : backing.subarray(0, n);
  }

  private fail(message: string): number {
    this.failed = true;
    this.pendingLine = null;
    this.events.protocolError(`ERR Protocol error: ${message}`);
    return -1;
  }
}

/**
 * Parses a signed decimal in data[start, end) as Redis's string2ll does for protocol counts;
 * undefined when it is not one. Lengths above 2^53 are rejected by the callers' range checks.
 */
function parseDecimal(data: Buffer, start: number, end: number): number | undefined {
  if (start >= end || end - start > 20) return undefined;
  let i = start;
  const negative = data[i] === 0x2d; // '-'
  if (negative) i++;
  if (i >= end) return undefined;
  if (data[i] === 0x30 && (end - i > 1 || negative)) return undefined; // leading zero, "-0"
  let n = 0;
  for (; i < end; i++) {
    const digit = data[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}
