/**
 * The string type API (Redis t_string.c's "API" half): how a string value is stored, read,
 * parsed as a number and changed in place. Command handlers (commands/strings.ts, bits.ts) go
 * through these functions and never touch an encoding directly. Ops return a value or a Status
 * and never write replies.
 *
 * Encodings of a string value:
 *  - a latin1 JS string (one char per byte): what SET stores; compact and immutable;
 *  - a StringBuf: a growable Buffer, taken on by a value the first time APPEND, SETRANGE,
 *    SETBIT or BITFIELD changes it, so that repeated appends cost amortized O(1).
 * A StringBuf is owned by exactly one key: never store the same instance twice.
 *
 * Numbers inside strings follow Redis exactly: integers are parsed as string2ll does, and
 * INCRBYFLOAT works in x87 80-bit long double (64-bit mantissa), which JS has no type for, so
 * it is emulated below with BigInt: parse like glibc strtold, add, print like "%.17Lf".
 */
import type { Db, TypedValue, Value } from '../keyspace.ts';
import { latin1 } from '../../util/latin1.ts';

const WRONGTYPE: unique symbol = Symbol('WRONGTYPE');
const NOT_INTEGER: unique symbol = Symbol('NOT_INTEGER');
const NOT_FLOAT: unique symbol = Symbol('NOT_FLOAT');
const OVERFLOW: unique symbol = Symbol('OVERFLOW');
const NAN_OR_INF: unique symbol = Symbol('NAN_OR_INF');
const TOO_LONG: unique symbol = Symbol('TOO_LONG');
/** Why an op did nothing. Symbols, so `typeof r === 'symbol'` tells a status from a result. */
export const Status = { WRONGTYPE, NOT_INTEGER, NOT_FLOAT, OVERFLOW, NAN_OR_INF, TOO_LONG } as const;
export type Status = (typeof Status)[keyof typeof Status];

export function isStatus(r: unknown): r is Status {
  return typeof r === 'symbol';
}

// ---------------------------------------------------------------------------------------------
// StringBuf and value access
// ---------------------------------------------------------------------------------------------

const GROW_LINEAR = 1024 * 1024; // past 1 MB grow by 1 MB at a time, as sds does
/**
 * Values longer than this are stored as StringBufs, their bytes outside the V8 heap, rather than
 * as latin1 strings. V8 puts a string under 128 KB in the young generation and copies it each
 * time it survives a scavenge, twice on its way to the old generation; under a stream of 64 KB
 * SETs those copies were a third of the server's CPU. A Buffer's bytes never move. (Redis too
 * treats arguments from 32 KB on apart: PROTO_MBULK_BIG_ARG. V8 also caps strings near 2^29
 * chars, and proto-max-bulk-len allows 512 MB.)
 */
export const BIG_VALUE = 16 * 1024;

export class StringBuf implements TypedValue {
  readonly type = 'string' as const;
  /** Bytes past `len` are always zero, so growing never has to clear them. */
  buf: Buffer;
  len = 0;

  /** A zeroed buffer of `capacity` bytes unless given one (whose bytes must follow the rule above). */
  constructor(capacity: number, buf = Buffer.alloc(capacity)) {
    this.buf = buf;
  }

  /** A StringBuf holding a copy of bytes, with room to grow. Allocates. */
  static from(bytes: Uint8Array, extra = 0): StringBuf {
    // Not Buffer.alloc: only the room past the copy needs zeroing, not the whole of a big value.
    // Not allocUnsafe either: below 32 KB that is a slice of a 64 KB slab shared with other
    // Buffers, which one long-lived value would keep alive.
    const buf = Buffer.allocUnsafeSlow(bytes.length + extra);
    buf.set(bytes, 0);
    buf.fill(0, bytes.length);
    const sb = new StringBuf(buf.length, buf);
    sb.len = bytes.length;
    return sb;
  }

  /** The value's bytes; valid until the next change. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Makes the value at least n bytes long, zero padded. */
  growZero(n: number): void {
    if (n <= this.len) return;
    if (n > this.buf.length) {
      const cap = n < GROW_LINEAR ? n * 2 : n + GROW_LINEAR;
      const next = Buffer.alloc(cap);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.len = n;
  }

  /** Replaces the value with bytes, which must fit the buffer (zeroing what it leaves behind). */
  overwrite(bytes: Uint8Array): void {
    this.buf.set(bytes, 0);
    if (this.len > bytes.length) this.buf.fill(0, bytes.length, this.len);
    this.len = bytes.length;
  }

  append(bytes: Uint8Array): void {
    const at = this.len;
    this.growZero(at + bytes.length);
    this.buf.set(bytes, at);
  }

  /** Overwrites bytes at offset, zero padding any gap first. */
  write(offset: number, bytes: Uint8Array): void {
    this.growZero(offset + bytes.length);
    this.buf.set(bytes, offset);
  }
}

export type StringValue = string | StringBuf;

export function isString(v: Value): v is StringValue {
  return typeof v === 'string' || v.type === 'string';
}

export function stringLength(v: StringValue): number {
  return typeof v === 'string' ? v.length : v.len;
}

/** The bytes of a value. Allocates for the latin1 encoding; a StringBuf's view is not a copy. */
export function stringBytes(v: StringValue): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v.view();
}

/** The stored form of an argument's bytes (a copy): latin1, or a StringBuf when huge. */
export function valueFromBytes(bytes: Uint8Array): StringValue {
  if (bytes.length > BIG_VALUE) return StringBuf.from(bytes);
  return latin1(bytes);
}

/**
 * db.set(key, valueFromBytes(bytes), keepTtl), except that a big value is written into the
 * key's current StringBuf when that has the room and not twice as much: overwriting big values
 * of about one size then allocates nothing. A new Buffer per SET kept the GC busy, since it
 * frees a Buffer's bytes only once it has collected the Buffer (a 64 KB SET spent a third of
 * the server's CPU in mark-compact). No two keys ever share a value object (RENAME, MOVE and
 * SWAPDB move theirs), and the set comes first, so a snapshot in progress saves the old bytes.
 */
export function setStringBytes(db: Db, key: string, bytes: Uint8Array, keepTtl: boolean): void {
  if (bytes.length > BIG_VALUE) {
    const old = db.raw(key);
    if (old instanceof StringBuf && old.buf.length >= bytes.length && old.buf.length <= 2 * bytes.length) {
      db.set(key, old, keepTtl);
      old.overwrite(bytes);
      return;
    }
  }
  db.set(key, valueFromBytes(bytes), keepTtl);
}

/** The value of key when it is a string; undefined when absent (or expired). */
export function lookupString(db: Db, key: string): StringValue | undefined | typeof WRONGTYPE {
  const v = db.lookup(key);
  if (v === undefined) return undefined;
  return isString(v) ? v : WRONGTYPE;
}

/** The key's value as a StringBuf, converting it in place (keeping its TTL) if needed. */
function mutableString(db: Db, key: string, v: StringValue, extra: number): StringBuf {
  if (typeof v !== 'string') return v;
  const sb = StringBuf.from(Buffer.from(v, 'latin1'), extra);
  db.set(key, sb, true);
  return sb;
}

// ---------------------------------------------------------------------------------------------
// Integers: string2ll
// ---------------------------------------------------------------------------------------------

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export type Int64 = number | bigint;

/**
 * The whole of s as a signed 64-bit integer, exactly as Redis's string2ll accepts it: no sign
 * but a leading '-', no spaces, no leading zeros, not "-0". A number when it is a safe integer
 * (up to 15 digits are decided without BigInt), otherwise a bigint; undefined when invalid.
 */
export function string2ll(s: string | Uint8Array): Int64 | undefined {
  const str = typeof s === 'string';
  const len = s.length;
  if (len === 0 || len > 20) return undefined;
  const at = (i: number): number => (str ? (s as string).charCodeAt(i) : (s as Uint8Array)[i]!);
  if (len === 1 && at(0) === 0x30) return 0;
  const neg = at(0) === 0x2d; // '-'
  let i = neg ? 1 : 0;
  if (i === len) return undefined;
  const first = at(i);
  if (first < 0x31 || first > 0x39) return undefined; // 1-9
  let n = 0;
  for (; i < len; i++) {
    const c = at(i) - 0x30;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  const digits = neg ? len - 1 : len;
  if (digits <= 15) return neg ? -n : n;
  const text = str ? (s as string) : latin1(s, 0, len);
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  return narrow(big);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A number when the value fits one exactly, so the common case stays off BigInt. */
function narrow(n: bigint): Int64 {
  return n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n;
}

/** a + b, or undefined when the sum leaves int64. */
export function addInt64(a: Int64, b: Int64): Int64 | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r < INT64_MIN || r > INT64_MAX) return undefined;
  return narrow(r);
}

// ---------------------------------------------------------------------------------------------
// Long double (x87 80-bit) emulation
// ---------------------------------------------------------------------------------------------

/** ±m·2^e with m < 2^64; e === Infinity marks infinity. */
export interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
}

const MANT_BITS = 64;
const E_MIN = -16445; // exponent of the smallest subnormal, 2^-16445
const E_MAX = 16384 - MANT_BITS; // largest finite is (2^64-1)·2^16320
const TWO64 = 1n << 64n;
/** strtold gives up on longer input (Redis's MAX_LONG_DOUBLE_CHARS buffer). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/** Bits needed to write n >= 0 in binary. */
function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0]!, 16));
}

/** num/den·2^e2 rounded to nearest-even long double; m === 0n on underflow, e = Infinity on overflow. */
function roundToLongDouble(neg: boolean, num: bigint, den: bigint, e2: number): LongDouble {
  if (num === 0n) return { neg, m: 0n, e: 0 };
  let s = MANT_BITS - (bitLength(num) - bitLength(den));
  for (;;) {
    if (e2 - s < E_MIN) s = e2 - E_MIN;
    let q: bigint;
    let twiceRem: bigint;
    let d: bigint;
    if (s >= 0) {
      const n = num << BigInt(s);
      q = n / den;
      twiceRem = (n - q * den) * 2n;
      d = den;
    } else {
      d = den << BigInt(-s);
      q = num / d;
      twiceRem = (num - q * d) * 2n;
    }
    if (q >= TWO64) {
      s--; // the estimate was one bit too many
      continue;
    }
    if (twiceRem > d || (twiceRem === d && (q & 1n) === 1n)) q++;
    let e = e2 - s;
    if (q === TWO64) {
      q >>= 1n;
      e++;
    }
    if (q === 0n) return { neg, m: 0n, e: 0 };
    if (e > E_MAX) return { neg, m: 1n, e: Infinity };
    return { neg, m: q, e };
  }
}

const DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

/**
 * The whole of s as a long double, as Redis's string2ld accepts it: strtold's syntax (decimal,
 * hex, inf) with nothing before or after, rejecting NaN, overflow and underflow to zero.
 */
export function string2ld(s: string | Uint8Array): LongDouble | undefined {
  const text = typeof s === 'string' ? s : latin1(s);
  if (text.length === 0 || text.length >= MAX_LONG_DOUBLE_CHARS) return undefined;
  let r: LongDouble;
  let m = DECIMAL.exec(text);
  if (m !== null) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? m[4] ?? '';
    const digits = (intPart + frac).replace(/^0+/, '');
    if (digits === '') return { neg: m[1] === '-', m: 0n, e: 0 };
    const exp = Number(m[5] ?? '0') - frac.length; // decimal exponent of the last digit
    const magnitude = exp + digits.length; // value < 10^magnitude
    if (magnitude - 1 > 4932) return undefined; // >= 10^4933: overflow
    if (magnitude < -4951) return undefined; // < 10^-4952: rounds to zero
    const d = BigInt(digits);
    r = exp >= 0
      ? roundToLongDouble(m[1] === '-', d * 10n ** BigInt(exp), 1n, 0)
      : roundToLongDouble(m[1] === '-', d, 10n ** BigInt(-exp), 0);
  } else if ((m = HEX.exec(text)) !== null) {
    const frac = m[3] ?? m[4] ?? '';
    const h = BigInt('0x' + (m[2] ?? '0') + frac);
    if (h === 0n) return { neg: m[1] === '-', m: 0n, e: 0 };
    const exp = Number(m[5] ?? '0') - 4 * frac.length;
    const top = exp + bitLength(h); // value < 2^top
    if (top > 16384) return undefined;
    if (top < E_MIN - 1) return undefined; // below half the smallest subnormal
    r = roundToLongDouble(m[1] === '-', h, 1n, exp);
  } else if ((m = INF.exec(text)) !== null) {
    return { neg: m[1] === '-', m: 1n, e: Infinity };
  } else {
    return undefined;
  }
  if (r.m === 0n || r.e === Infinity) return undefined; // ERANGE
  return r;
}

/** a + b rounded to long double; undefined for NaN (inf - inf). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | undefined {
  if (a.e === Infinity || b.e === Infinity) {
    if (a.e === Infinity && b.e === Infinity && a.neg !== b.neg) return undefined;
    return a.e === Infinity ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const sa = (a.m << BigInt(a.e - e)) * (a.neg ? -1n : 1n);
  const sb = (b.m << BigInt(b.e - e)) * (b.neg ? -1n : 1n);
  const sum = sa + sb;
  return roundToLongDouble(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

const FRAC_DIGITS = 17n;
const TEN17 = 10n ** FRAC_DIGITS;

/**
 * Redis's ld2string in LD_STR_HUMAN mode: printf("%.17Lf") (exact value, rounded half-even),
 * then trailing zeros and a bare '.' removed, and "-0" printed as "0". The value is finite.
 */
export function formatLongDouble(v: LongDouble): string {
  let q: bigint;
  if (v.e >= 0) q = (v.m << BigInt(v.e)) * TEN17;
  else {
    const shift = BigInt(-v.e);
    const n = v.m * TEN17;
    q = n >> shift;
    const twiceRem = (n - (q << shift)) << 1n;
    const d = 1n << shift;
    if (twiceRem > d || (twiceRem === d && (q & 1n) === 1n)) q++;
  }
  const intPart = (q / TEN17).toString();
  const frac = (q % TEN17).toString().padStart(17, '0').replace(/0+$/, '');
  const text = frac === '' ? intPart : `${intPart}.${frac}`;
  return v.neg && text !== '0' ? `-${text}` : text;
}

// ---------------------------------------------------------------------------------------------
// Ops
// ---------------------------------------------------------------------------------------------

/** INCRBY and friends: the new value, stored in place of the old one (keeping its TTL). */
export function incrBy(db: Db, key: string, by: Int64): Int64 | Status {
  return incrLookedUp(db, db.lookup(key), by, () => key);
}

/**
 * incrBy() for a value the caller just looked up in db (v; undefined when the key is absent),
 * storing the result over it without a second lookup; keyIfNew names a key that is absent.
 */
export function incrLookedUp(db: Db, v: Value | undefined, by: Int64, keyIfNew: () => string): Int64 | Status {
  if (v !== undefined && !isString(v)) return WRONGTYPE;
  let old: Int64 | undefined = 0;
  if (v !== undefined) {
    old = string2ll(typeof v === 'string' ? v : v.view());
    if (old === undefined) return NOT_INTEGER;
  }
  const r = addInt64(old, by);
  if (r === undefined) return OVERFLOW;
  if (v === undefined) db.set(keyIfNew(), String(r), true);
  else db.replaceLookedUp(String(r));
  return r;
}

/** INCRBYFLOAT: the new value as Redis prints it, stored in place of the old one. */
export function incrByFloat(db: Db, key: string, by: LongDouble): string | Status {
  const v = lookupString(db, key);
  if (v === WRONGTYPE) return WRONGTYPE;
  let old: LongDouble | undefined = { neg: false, m: 0n, e: 0 };
  if (v !== undefined) {
    old = string2ld(typeof v === 'string' ? v : v.view());
    if (old === undefined) return NOT_FLOAT;
  }
  const r = addLongDouble(old, by);
  if (r === undefined || r.e === Infinity) return NAN_OR_INF;
  const text = formatLongDouble(r);
  db.set(key, text, true);
  return text;
}

/** APPEND: the new length. An absent key is created with a copy of bytes. */
export function append(db: Db, key: string, bytes: Uint8Array, maxLen: number): number | Status {
  const v = lookupString(db, key);
  if (v === WRONGTYPE) return WRONGTYPE;
  if (v === undefined) {
    db.set(key, valueFromBytes(bytes));
    return bytes.length;
  }
  const len = stringLength(v);
  if (len + bytes.length > maxLen) return TOO_LONG;
  const sb = mutableString(db, key, v, bytes.length);
  sb.append(bytes);
  return sb.len;
}

/** SETRANGE with a non-empty bytes: the new length. */
export function setRange(db: Db, key: string, offset: number, bytes: Uint8Array, maxLen: number): number | Status {
  const v = lookupString(db, key);
  if (v === WRONGTYPE) return WRONGTYPE;
  if (offset + bytes.length > maxLen) return TOO_LONG;
  let sb: StringBuf;
  if (v === undefined) {
    sb = new StringBuf(offset + bytes.length);
    db.set(key, sb);
  } else {
    sb = mutableString(db, key, v, 0);
  }
  sb.write(offset, bytes);
  return sb.len;
}

/**
 * The key's value as a StringBuf at least `bytes` long (created or zero padded), for the bit
 * commands that write. Redis's lookupStringForBitCommand.
 */
export function stringForBits(db: Db, key: string, bytes: number): StringBuf | typeof WRONGTYPE {
  const v = lookupString(db, key);
  if (v === WRONGTYPE) return WRONGTYPE;
  let sb: StringBuf;
  if (v === undefined) {
    sb = new StringBuf(bytes);
    db.set(key, sb);
  } else {
    sb = mutableString(db, key, v, 0);
  }
  sb.growZero(bytes);
  return sb;
}
