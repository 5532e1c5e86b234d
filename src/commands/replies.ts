/**
 * Every constant reply as prebuilt bytes, byte-exact with the reference redis-server, the few
 * formatted errors as small functions, and ReplyWriter: the growable buffer that handlers write
 * RESP2 replies into. A shard writes straight into the batch it will push to a reply ring, so a
 * reply is copied once on its way to the socket.
 */
import { copyBytes } from '../ring/bytes.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

export const OK = b('+OK\r\n');
export const PONG = b('+PONG\r\n');
export const QUEUED = b('+QUEUED\r\n');
export const ZERO = b(':0\r\n');
export const ONE = b(':1\r\n');
export const NULL_BULK = b('$-1\r\n');
export const NULL_ARRAY = b('*-1\r\n');
export const EMPTY_ARRAY = b('*0\r\n');

export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
export const ERR_NOAUTH = 'NOAUTH Authentication required.';
export const ERR_INVALID_PASSWORD = 'ERR invalid password';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
export const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
export const ERR_STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const ERR_OFFSET_RANGE = 'ERR offset is out of range';
export const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
export const ERR_INCR_NAN = 'ERR increment would produce NaN or Infinity';

export const errWrongArgs = (name: string): string =>
  `ERR wrong number of arguments for '${name.toLowerCase()}' command`;

export const errUnknownCommand = (name: string, args: readonly Buffer[]): string => {
  // Redis 7 echoes the first arguments back, each quoted, capped at 128 characters in all.
  let shown = '';
  for (const a of args) {
    if (shown.length >= 128) break;
    shown += `'${a.toString('latin1').slice(0, 128 - shown.length)}' `;
  }
  return `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${shown}`;
};

export const errInvalidExpire = (cmd: string): string =>
  `ERR invalid expire time in '${cmd.toLowerCase()}' command`;

export const errUnknownSubcommand = (sub: string, cmd: string): string =>
  `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${cmd.toUpperCase()} HELP.`;

/** A subcommand given arguments it does not take, or none that exists (Redis 7's wording). */
export const errSubcommandSyntax = (sub: string, cmd: string): string =>
  `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${cmd.toUpperCase()} HELP.`;

const INITIAL_CAPACITY = 16 * 1024;
/** type byte + up to 10 digits (a u32) + CRLF: what header()'s fast path writes at most. */
const MAX_HEADER_BYTES = 13;
/** Strings up to this long are written by a JS loop rather than latin1Write (see bulkLatin1). */
const SHORT_STRING = 8;

/**
 * A growable byte buffer for RESP2 replies. `len` is the write cursor; nothing is ever handed
 * out that a later write could overwrite (take() copies, view() is for immediate use only).
 */
export class ReplyWriter {
  buf: Buffer;
  len = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for n more bytes. Allocates when the buffer has to grow. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  reset(): void {
    this.len = 0;
  }

  /**
   * Hands out the written bytes for good (to a socket write) and continues in the unused rest
   * of the same allocation, so nothing handed out is ever overwritten and small writes share
   * one allocation. Allocates when the rest is small.
   */
  takeChunk(): Buffer {
    const chunk = this.buf.subarray(0, this.len);
    const rest = this.buf.length - this.len;
    this.buf = rest >= 1024 ? this.buf.subarray(this.len) : Buffer.allocUnsafe(Math.max(INITIAL_CAPACITY, this.buf.length));
    this.len = 0;
    return chunk;
  }

  /** The written bytes; valid until the next write or reset. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /**
   * src[start, end), without making a view of it: most replies are a few bytes, for which a
   * loop beats creating a subarray for TypedArray.set.
   */
  rawRange(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    copyBytes(src, start, end, this.buf, this.len);
    this.len += n;
  }

  ok(): void {
    this.raw(OK);
  }

  nullBulk(): void {
    this.raw(NULL_BULK);
  }

  nullArray(): void {
    this.raw(NULL_ARRAY);
  }

  /** `+text\r\n`; text must not contain CR or LF. */
  simple(text: string): void {
    this.ensure(text.length + 3);
    this.buf[this.len++] = 0x2b; // '+'
    this.len += this.buf.latin1Write(text, this.len);
    this.crlf();
  }

  /** `-message\r\n`; the message carries its own prefix (ERR, WRONGTYPE, ...). */
  error(message: string): void {
    // Redis turns CR and LF inside an error into spaces so one error is always one line.
    if (/[\r\n]/.test(message)) message = message.replace(/[\r\n]/g, ' ');
    this.ensure(message.length + 3);
    this.buf[this.len++] = 0x2d; // '-'
    this.len += this.buf.latin1Write(message, this.len);
    this.crlf();
  }

  integer(n: number | bigint): void {
    this.header(0x3a, n); // ':'
  }

  arrayHeader(count: number): void {
    this.header(0x2a, count); // '*'
  }

  /** A bulk string from bytes, or the null bulk for null. */
  bulk(value: Uint8Array | null): void {
    if (value === null) return this.raw(NULL_BULK);
    this.bulkRange(value, 0, value.length);
  }

  /** A bulk string of src[start, end), without a view of it. */
  bulkRange(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n + MAX_HEADER_BYTES + 2);
    this.header(0x24, n); // '$'
    copyBytes(src, start, end, this.buf, this.len);
    this.len += n;
    this.crlf();
  }

  /**
   * A bulk string from a binary (latin1) JS string: one char per byte. Short ones are copied
   * char by char: latin1Write is a call into C++ (~22 ns), a loop over 3 chars ~6 ns.
   */
  bulkLatin1(value: string): void {
    const n = value.length;
    this.header(0x24, n);
    this.ensure(n + 2);
    if (n <= SHORT_STRING) {
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[this.len + i] = value.charCodeAt(i);
      this.len += n;
    } else {
      this.len += this.buf.latin1Write(value, this.len);
    }
    this.crlf();
  }

  /** An array of bulk strings. */
  bulkArray(values: readonly (Uint8Array | null)[]): void {
    this.arrayHeader(values.length);
    for (const v of values) this.bulk(v);
  }

  /** An array of latin1 JS strings (keys, members), each as a bulk string. */
  latin1Array(values: readonly string[]): void {
    this.arrayHeader(values.length);
    for (const v of values) this.bulkLatin1(v);
  }

  /** type, n in decimal, CRLF. Small non-negative counts (most of them) skip String(n). */
  private header(type: number, n: number | bigint): void {
    if (typeof n !== 'number' || n < 0 || n > 0xffffffff || n !== Math.floor(n)) {
      const digits = String(n);
      this.ensure(digits.length + 3);
      this.buf[this.len++] = type;
      this.len += this.buf.latin1Write(digits, this.len);
      this.crlf();
      return;
    }
    this.ensure(MAX_HEADER_BYTES);
    const buf = this.buf;
    buf[this.len] = type;
    let width = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) width++;
    let p = this.len + width;
    for (let rest = n; p > this.len; rest = Math.floor(rest / 10)) buf[p--] = 0x30 + (rest % 10);
    this.len += width + 1;
    buf[this.len++] = 0x0d;
    buf[this.len++] = 0x0a;
  }

  /** Every caller reserved the two bytes with what precedes them. */
  private crlf(): void {
    this.buf[this.len++] = 0x0d;
    this.buf[this.len++] = 0x0a;
  }
}
