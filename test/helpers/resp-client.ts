/**
 * A raw RESP2 client for tests: writes arbitrary bytes and hands back replies as the exact
 * bytes the server sent, so differential tests compare servers byte for byte.
 *
 * It knows RESP2 framing (simple string, error, integer, bulk incl. $-1, array incl. nested
 * and *-1) only to cut the byte stream into complete replies; it never re-encodes. Bytes the
 * server sends that are not valid RESP2 fail the read with the bytes shown escaped.
 */
import { createConnection, type Socket } from 'node:net';

const SIMPLE = 0x2b; // '+'
const ERROR = 0x2d; // '-'
const INTEGER = 0x3a; // ':'
const BULK = 0x24; // '$'
const ARRAY = 0x2a; // '*'
const CR = 0x0d;
const LF = 0x0a;

const DEFAULT_TIMEOUT_MS = 10_000;

export type Arg = string | Buffer | number;

/** Encodes one command as a RESP multibulk (strings as UTF-8). */
export function encodeCommand(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RespFramingError extends Error {}

/** Index just past the CRLF that ends the line starting at `start`, or -1 if not buffered. */
function lineEnd(buf: Buffer, start: number): number {
  const lf = buf.indexOf(LF, start);
  if (lf === -1) return -1;
  if (lf === start || buf[lf - 1] !== CR) {
    throw new RespFramingError(`bare LF in reply line: ${escapeBytes(buf.subarray(start, lf + 1))}`);
  }
  return lf + 1;
}

/** Parses the decimal length/count between the type byte and CRLF. */
function lineInt(buf: Buffer, start: number, end: number): number {
  const text = buf.toString('latin1', start + 1, end - 2);
  if (!/^-?\d+$/.test(text)) {
    throw new RespFramingError(`bad length in reply: ${escapeBytes(buf.subarray(start, end))}`);
  }
  return Number(text);
}

/**
 * Returns the index just past the one complete reply starting at `start`, or -1 if the
 * buffer does not hold all of it yet. Throws RespFramingError on bytes that are not RESP2.
 */
export function replyEnd(buf: Buffer, start = 0): number {
  if (start >= buf.length) return -1;
  const end = lineEnd(buf, start);
  if (end === -1) return -1;
  switch (buf[start]) {
    case SIMPLE:
    case ERROR:
      return end;
    case INTEGER:
      lineInt(buf, start, end);
      return end;
    case BULK: {
      const len = lineInt(buf, start, end);
      if (len === -1) return end;
      if (len < 0) throw new RespFramingError(`negative bulk length: ${escapeBytes(buf.subarray(start, end))}`);
      if (buf.length < end + len + 2) return -1;
      if (buf[end + len] !== CR || buf[end + len + 1] !== LF) {
        throw new RespFramingError(`bulk of ${len} bytes not followed by CRLF`);
      }
      return end + len + 2;
    }
    case ARRAY: {
      const count = lineInt(buf, start, end);
      if (count === -1) return end;
      if (count < 0) throw new RespFramingError(`negative array length: ${escapeBytes(buf.subarray(start, end))}`);
      let pos = end;
      for (let i = 0; i < count; i++) {
        pos = replyEnd(buf, pos);
        if (pos === -1) return -1;
      }
      return pos;
    }
    default:
      throw new RespFramingError(`unknown reply type byte: ${escapeBytes(buf.subarray(start, Math.min(end, start + 80)))}`);
  }
}

/** Cuts as many complete replies as are buffered, up to `max`; returns them and the rest. */
export function splitReplies(buf: Buffer, max = Infinity): { replies: Buffer[]; rest: Buffer } {
  const replies: Buffer[] = [];
  let pos = 0;
  while (replies.length < max) {
    const end = replyEnd(buf, pos);
    if (end === -1) break;
    replies.push(buf.subarray(pos, end));
    pos = end;
  }
  return { replies, rest: buf.subarray(pos) };
}

/** A decoded RESP2 value, for the few checks that need values (TTL tolerance, SCAN). */
export type RespValue = string | bigint | Buffer | null | { error: string } | RespValue[];

/** Decodes one complete reply (simple strings as latin1 string, integers as bigint). */
export function decodeReply(buf: Buffer): RespValue {
  const [value, end] = decodeAt(buf, 0);
  if (end !== buf.length) throw new RespFramingError(`trailing bytes after reply: ${escapeBytes(buf)}`);
  return value;
}

function decodeAt(buf: Buffer, start: number): [RespValue, number] {
  const end = lineEnd(buf, start);
  if (end === -1) throw new RespFramingError(`incomplete reply: ${escapeBytes(buf)}`);
  const line = buf.toString('latin1', start + 1, end - 2);
  switch (buf[start]) {
    case SIMPLE:
      return [line, end];
    case ERROR:
      return [{ error: line }, end];
    case INTEGER:
      return [BigInt(line), end];
    case BULK: {
      const len = lineInt(buf, start, end);
      if (len === -1) return [null, end];
      return [buf.subarray(end, end + len), end + len + 2];
    }
    case ARRAY: {
      const count = lineInt(buf, start, end);
      if (count === -1) return [null, end];
      const items: RespValue[] = [];
      let pos = end;
      for (let i = 0; i < count; i++) {
        const [v, next] = decodeAt(buf, pos);
        items.push(v);
        pos = next;
      }
      return [items, pos];
    }
    default:
      throw new RespFramingError(`unknown reply type byte: ${escapeBytes(buf.subarray(start, end))}`);
  }
}

/** Shows bytes readably: printable ASCII as is, \r \n \0 \t and others as escapes, long tails cut. */
export function escapeBytes(buf: Buffer, limit = 300): string {
  let s = '';
  const n = Math.min(buf.length, limit);
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x00) s += '\\0';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  const tail = buf.length > limit ? `...(${buf.length} bytes in all)` : '';
  return `"${s}"${tail}`;
}

interface PendingRead {
  count: number;
  resolve: (replies: Buffer[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RespClient {
  readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private pending: PendingRead | undefined;
  private closedFlag = false;
  private closeWaiters: (() => void)[] = [];
  private socketError: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.tryResolve();
    });
    // A reset after the server closed (e.g. it closed with our bytes unread) is still a close.
    socket.on('error', (err) => {
      this.socketError = err;
    });
    socket.on('close', () => {
      this.closedFlag = true;
      for (const w of this.closeWaiters.splice(0)) w();
      const p = this.pending;
      if (p !== undefined) {
        this.pending = undefined;
        clearTimeout(p.timer);
        p.reject(
          new Error(
            `connection closed while waiting for ${p.count} replies; unframed bytes: ${escapeBytes(this.buf)}` +
              (this.socketError ? ` (${this.socketError.message})` : ''),
          ),
        );
      }
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port, host });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** True once the server (or we) closed the connection. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Writes raw bytes (a string is sent as latin1, so '\x00'..'\xff' map to single bytes). */
  write(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Writes one command as a multibulk without waiting for its reply. */
  send(...args: Arg[]): Promise<void> {
    return this.write(encodeCommand(args));
  }

  /** Sends one command and returns its raw reply. */
  async call(...args: Arg[]): Promise<Buffer> {
    await this.send(...args);
    return (await this.read(1))[0]!;
  }

  /** Sends several commands in one write and returns their raw replies in order. */
  async pipeline(commands: readonly (readonly Arg[])[]): Promise<Buffer[]> {
    await this.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
    return this.read(commands.length);
  }

  /** Resolves with exactly `count` complete replies, each as its raw bytes. */
  read(count = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer[]> {
    if (this.pending !== undefined) throw new Error('RespClient: only one read at a time');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${count} replies; buffered: ${escapeBytes(this.buf)}`),
        );
      }, timeoutMs);
      this.pending = { count, resolve, reject, timer };
      this.tryResolve();
      if (this.pending !== undefined && this.closedFlag) {
        this.pending = undefined;
        clearTimeout(timer);
        reject(new Error(`connection already closed; unframed bytes: ${escapeBytes(this.buf)}`));
      }
    });
  }

  /** Everything the server sends from now (plus what is buffered) until it closes the connection. */
  readUntilClose(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
    if (this.pending !== undefined) throw new Error('RespClient: only one read at a time');
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        const all = this.buf;
        this.buf = Buffer.alloc(0);
        resolve(all);
      };
      const timer = setTimeout(() => {
        this.closeWaiters = this.closeWaiters.filter((w) => w !== done);
        reject(new Error(`server did not close the connection within ${timeoutMs} ms; got: ${escapeBytes(this.buf)}`));
      }, timeoutMs);
      if (this.closedFlag) done();
      else this.closeWaiters.push(done);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private tryResolve(): void {
    const p = this.pending;
    if (p === undefined) return;
    let split: { replies: Buffer[]; rest: Buffer };
    try {
      // Count first so a partly received pipeline is not copied out reply by reply.
      let pos = 0;
      let n = 0;
      while (n < p.count) {
        const end = replyEnd(this.buf, pos);
        if (end === -1) return;
        pos = end;
        n++;
      }
      split = splitReplies(this.buf, p.count);
    } catch (err) {
      this.pending = undefined;
      clearTimeout(p.timer);
      p.reject(err as Error);
      return;
    }
    this.pending = undefined;
    clearTimeout(p.timer);
    // Copy out so later appends never alias bytes a test still holds.
    const replies = split.replies.map((r) => Buffer.from(r));
    this.buf = Buffer.from(split.rest);
    p.resolve(replies);
  }
}
