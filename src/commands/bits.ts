/**
 * Bitmap commands (Redis bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
 * BITFIELD_RO, on string values. Bit 0 is the most significant bit of the first byte. Writes
 * turn the value into a StringBuf (shard/types/string.ts) so that it can change in place.
 *
 * Nothing here is rewritten for the log: every write is deterministic given the data (BITFIELD
 * overflow handling included), so the command as received is its own effect.
 */
import { ERR_BIT_OFFSET, ERR_BIT_VALUE, ERR_SYNTAX, ERR_WRONGTYPE, type ReplyWriter } from './replies.ts';
import { cmd, DENYOOM, FAST, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { keyString } from '../shard/keyspace.ts';
import { lookupString, Status, stringBytes, stringForBits, stringLength, string2ll, valueFromBytes,
  type Int64, type StringBuf, type StringValue } from '../shard/types/string.ts';
import { argIs, int64OrReply, replyStatus } from './strings.ts';

const ERR_BIT_ARG = 'ERR The bit argument must be 1 or 0.';
const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';
const ERR_BITFIELD_TYPE =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const ERR_OVERFLOW_TYPE = 'ERR Invalid OVERFLOW type specified';
const ERR_BITFIELD_RO = 'ERR BITFIELD_RO only supports the GET subcommand';

export const BIT_COMMANDS: readonly CommandSpec[] = [
  //   name           arity flags                    first last step handler
  cmd('SETBIT',          4, WRITE | DENYOOM,           1,    1,   1,   setbitCommand),
  cmd('GETBIT',          3, READONLY | FAST,           1,    1,   1,   getbitCommand),
  cmd('BITCOUNT',       -2, READONLY,                  1,    1,   1,   bitcountCommand),
  cmd('BITPOS',         -3, READONLY,                  1,    1,   1,   bitposCommand),
  cmd('BITOP',          -4, WRITE | DENYOOM,           2,   -1,   1,   bitopCommand),
  cmd('BITFIELD',       -2, WRITE | DENYOOM,           1,    1,   1,   bitfieldCommand),
  cmd('BITFIELD_RO',    -2, READONLY | FAST,           1,    1,   1,   bitfieldroCommand),
];

// ---------------------------------------------------------------------------------------------
// Reading bits of either encoding without copying the value
// ---------------------------------------------------------------------------------------------

/** Byte i of v, 0 past its end. */
function byteAt(v: StringValue, i: number): number {
  if (typeof v === 'string') return i < v.length ? v.charCodeAt(i) : 0;
  return i < v.len ? v.buf[i]! : 0;
}

/** Bit i of v. Bit indexes pass 2^31, so they are divided, never shifted. */
function bitAt(v: StringValue, i: number): number {
  return (byteAt(v, Math.floor(i / 8)) >> (7 - (i & 7))) & 1;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/** Set bits in [from, to]. */
function countBits(v: StringValue, from: number, to: number): number {
  let count = 0;
  let i = from;
  for (; i <= to && (i & 7) !== 0; i++) count += bitAt(v, i);
  for (; i + 7 <= to; i += 8) count += POPCOUNT[byteAt(v, Math.floor(i / 8))]!;
  for (; i <= to; i++) count += bitAt(v, i);
  return count;
}

/** The first bit in [from, to] equal to bit, or -1. */
function findBit(v: StringValue, from: number, to: number, bit: number): number {
  const boring = bit === 1 ? 0x00 : 0xff; // a whole byte that cannot hold the answer
  for (let i = from; i <= to;) {
    if ((i & 7) === 0 && i + 7 <= to && byteAt(v, Math.floor(i / 8)) === boring) {
      i += 8;
      continue;
    }
    if (bitAt(v, i) === bit) return i;
    i++;
  }
  return -1;
}

/**
 * A bit offset argument, or writes the error. With hash, "#n" means n * bits (BITFIELD). The
 * limit keeps the string within proto-max-bulk-len (2^32 - 1 bits by default).
 */
function bitOffsetOrReply(ctx: ExecCtx, arg: Buffer, hash = false, bits = 0): number | undefined {
  const useHash = hash && bits > 0 && arg[0] === 0x23; // '#'
  let n: Int64 | undefined = string2ll(useHash ? arg.subarray(1) : arg);
  if (n !== undefined && useHash) n = typeof n === 'number' ? n * bits : n * BigInt(bits);
  if (n === undefined || n < 0 || n >= ctx.config.protoMaxBulkLen * 8) {
    ctx.out.error(ERR_BIT_OFFSET);
    return undefined;
  }
  return Number(n);
}

/** The bit range [from, to] of v that start/end (bytes, or bits when isBit) select. */
function bitRange(len: number, start: Int64, end: Int64, isBit: boolean): [number, number] {
  const total = isBit ? len * 8 : len;
  // Indexes beyond ±2^53 only ever clamp, so Number() loses nothing that matters.
  let s = Number(start);
  let e = Number(end);
  if (s < 0) s = Math.max(total + s, 0);
  if (e < 0) e = Math.max(total + e, 0);
  if (e >= total) e = total - 1;
  return isBit ? [s, e] : [s * 8, e * 8 + 7];
}

/** BYTE or BIT, or writes a syntax error. */
function unitOrReply(out: ReplyWriter, arg: Buffer): boolean | undefined {
  if (argIs(arg, 'bit')) return true;
  if (argIs(arg, 'byte')) return false;
  out.error(ERR_SYNTAX);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

// SETBIT key offset value
function setbitCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const offset = bitOffsetOrReply(ctx, argv[2]!);
  if (offset === undefined) return;
  const on = int64OrReply(ctx.out, argv[3]!, ERR_BIT_VALUE);
  if (on === undefined) return;
  if (on !== 0 && on !== 1) return ctx.out.error(ERR_BIT_VALUE);
  const sb = stringForBits(ctx.db, keyString(argv[1]!), Math.floor(offset / 8) + 1);
  if (sb === Status.WRONGTYPE) return replyStatus(ctx.out, sb);
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset & 7));
  const old = sb.buf[byte]! & mask;
  sb.buf[byte] = on === 1 ? sb.buf[byte]! | mask : sb.buf[byte]! & ~mask;
  ctx.dirty++;
  ctx.out.integer(old === 0 ? 0 : 1);
}

// GETBIT key offset
function getbitCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const offset = bitOffsetOrReply(ctx, argv[2]!);
  if (offset === undefined) return;
  const v = lookupString(ctx.db, keyString(argv[1]!));
  if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
  ctx.out.integer(v === undefined ? 0 : bitAt(v, offset));
}

// BITCOUNT key [start end [BYTE|BIT]]
function bitcountCommand(ctx: ExecCtx, argv: Buffer[]): void {
  // Redis 7.0 looks the key up before it reads the range, so a missing key answers 0 whatever
  // the arguments.
  const v = lookupString(ctx.db, keyString(argv[1]!));
  if (v === undefined) return ctx.out.integer(0);
  if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
  const len = stringLength(v);
  let from = 0;
  let to = len * 8 - 1;
  if (argv.length === 4 || argv.length === 5) {
    const start = int64OrReply(ctx.out, argv[2]!);
    if (start === undefined) return;
    const end = int64OrReply(ctx.out, argv[3]!);
    if (end === undefined) return;
    if (start < 0 && end < 0 && start > end) return ctx.out.integer(0);
    const isBit = argv.length === 5 ? unitOrReply(ctx.out, argv[4]!) : false;
    if (isBit === undefined) return;
    [from, to] = bitRange(len, start, end, isBit);
  } else if (argv.length !== 2) {
    return ctx.out.error(ERR_SYNTAX);
  }
  ctx.out.integer(from > to ? 0 : countBits(v, from, to));
}

// BITPOS key bit [start [end [BYTE|BIT]]]
function bitposCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const bit = int64OrReply(ctx.out, argv[2]!);
  if (bit === undefined) return;
  if (bit !== 0 && bit !== 1) return ctx.out.error(ERR_BIT_ARG);
  // A missing key is an endless run of zeros.
  const v = lookupString(ctx.db, keyString(argv[1]!));
  if (v === undefined) return ctx.out.integer(bit === 1 ? -1 : 0);
  if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
  const len = stringLength(v);
  let from = 0;
  let to = len * 8 - 1;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = int64OrReply(ctx.out, argv[3]!);
    if (start === undefined) return;
    // Redis reads the unit before the end, which decides which error a bad call gets.
    const isBit = argv.length === 6 ? unitOrReply(ctx.out, argv[5]!) : false;
    if (isBit === undefined) return;
    let end: Int64 | undefined = len - 1;
    if (argv.length >= 5) {
      end = int64OrReply(ctx.out, argv[4]!);
      if (end === undefined) return;
      endGiven = true;
    }
    [from, to] = bitRange(len, start, end, isBit);
  } else if (argv.length !== 3) {
    return ctx.out.error(ERR_SYNTAX);
  }
  if (from > to) return ctx.out.integer(-1);
  const pos = findBit(v, from, to, bit);
  // Looking for a 0 with no end given, the string counts as padded with zeros on the right.
  if (pos === -1 && bit === 0 && !endGiven) return ctx.out.integer(to + 1);
  ctx.out.integer(pos);
}

const BITOP_AND = 0;
const BITOP_OR = 1;
const BITOP_XOR = 2;
const BITOP_NOT = 3;
const BITOP_NAMES = ['and', 'or', 'xor', 'not'];

// BITOP AND|OR|XOR|NOT destkey srckey [srckey ...]
function bitopCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const op = BITOP_NAMES.findIndex((name) => argIs(argv[1]!, name));
  if (op === -1) return ctx.out.error(ERR_SYNTAX);
  if (op === BITOP_NOT && argv.length !== 4) return ctx.out.error(ERR_BITOP_NOT);
  const sources: Uint8Array[] = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = lookupString(ctx.db, keyString(argv[j]!));
    if (v === Status.WRONGTYPE) return replyStatus(ctx.out, v);
    // A missing key is an empty string; the copy a latin1 value needs is fine for an O(N) op.
    const bytes = v === undefined ? new Uint8Array(0) : stringBytes(v);
    sources.push(bytes);
    if (bytes.length > maxLen) maxLen = bytes.length;
  }
  const dest = keyString(argv[2]!);
  if (maxLen === 0) {
    // An empty result deletes the destination instead of storing "".
    if (ctx.db.delete(dest)) ctx.dirty++;
    return ctx.out.integer(0);
  }
  const res = Buffer.alloc(maxLen);
  const first = sources[0]!;
  for (let i = 0; i < maxLen; i++) {
    let out = i < first.length ? first[i]! : 0;
    if (op === BITOP_NOT) out = ~out & 0xff;
    for (let k = 1; k < sources.length; k++) {
      const src = sources[k]!;
      const byte = i < src.length ? src[i]! : 0;
      if (op === BITOP_AND) out &= byte;
      else if (op === BITOP_OR) out |= byte;
      else out ^= byte;
    }
    res[i] = out;
  }
  ctx.db.set(dest, valueFromBytes(res));
  ctx.dirty++;
  ctx.out.integer(maxLen);
}

// ---------------------------------------------------------------------------------------------
// BITFIELD
// ---------------------------------------------------------------------------------------------

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;
const OVERFLOW_WRAP = 0; // keep the low bits, as C integer arithmetic does
const OVERFLOW_SAT = 1; // clamp to the type's minimum or maximum
const OVERFLOW_FAIL = 2; // change nothing and answer nil
const OVERFLOW_NAMES = ['wrap', 'sat', 'fail'];

interface FieldOp {
  op: number;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
}

/** The unsigned value of `bits` bits at offset (at most 64), zero past the end. */
function readField(v: StringValue | undefined, offset: number, bits: number): bigint {
  if (v === undefined) return 0n;
  let acc = 0n;
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  for (let b = first; b <= last; b++) acc = (acc << 8n) | BigInt(byteAt(v, b));
  return BigInt.asUintN(bits, acc >> BigInt(7 - ((offset + bits - 1) & 7)));
}

/** Writes the low `bits` bits of value at offset; the buffer is already long enough. */
function writeField(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const lo = Number(value & 0xffffffffn);
  const hi = Number((value >> 32n) & 0xffffffffn);
  for (let j = 0; j < bits; j++) {
    const k = bits - 1 - j; // which bit of value lands at offset + j
    const bit = k >= 32 ? (hi >>> (k - 32)) & 1 : (lo >>> k) & 1;
    const i = offset + j;
    const mask = 1 << (7 - (i & 7));
    const byte = Math.floor(i / 8);
    buf[byte] = bit === 1 ? buf[byte]! | mask : buf[byte]! & ~mask;
  }
}

/** "i<1..64>" or "u<1..63>" (u64 cannot be replied as a RESP integer), or writes the error. */
function fieldTypeOrReply(out: ReplyWriter, arg: Buffer): [boolean, number] | undefined {
  const signed = arg[0] === 0x69; // 'i'
  const bits = arg.length > 0 && (signed || arg[0] === 0x75) ? string2ll(arg.subarray(1)) : undefined;
  if (bits === undefined || bits < 1 || bits > (signed ? 64 : 63)) {
    out.error(ERR_BITFIELD_TYPE);
    return undefined;
  }
  return [signed, Number(bits)];
}

/** The new raw field value for a SET or INCRBY, or undefined when FAIL refuses it. */
function applyOverflow(f: FieldOp, old: bigint): bigint | undefined {
  const { bits, signed } = f;
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  let next: bigint;
  if (f.op === OP_INCRBY) next = (signed ? BigInt.asIntN(bits, old) : old) + f.value;
  else next = signed ? f.value : BigInt.asUintN(64, f.value); // unsigned SET sees -1 as 2^64-1
  if (next >= min && next <= max) return next;
  if (f.overflow === OVERFLOW_FAIL) return undefined;
  if (f.overflow === OVERFLOW_SAT) return next > max ? max : min;
  return signed ? BigInt.asIntN(bits, next) : BigInt.asUintN(bits, next);
}

function bitfieldGeneric(ctx: ExecCtx, argv: Buffer[], readOnlyCommand: boolean): void {
  const ops: FieldOp[] = [];
  let overflow = OVERFLOW_WRAP;
  let highestWriteBit = -1;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j]!;
    let op: number;
    if (argIs(sub, 'get') && remaining >= 2) op = OP_GET;
    else if (argIs(sub, 'set') && remaining >= 3) op = OP_SET;
    else if (argIs(sub, 'incrby') && remaining >= 3) op = OP_INCRBY;
    else if (argIs(sub, 'overflow') && remaining >= 1) {
      overflow = OVERFLOW_NAMES.findIndex((name) => argIs(argv[j + 1]!, name));
      if (overflow === -1) return ctx.out.error(ERR_OVERFLOW_TYPE);
      j++;
      continue;
    } else {
      return ctx.out.error(ERR_SYNTAX);
    }
    const type = fieldTypeOrReply(ctx.out, argv[j + 1]!);
    if (type === undefined) return;
    const [signed, bits] = type;
    const offset = bitOffsetOrReply(ctx, argv[j + 2]!, true, bits);
    if (offset === undefined) return;
    let value = 0n;
    if (op !== OP_GET) {
      highestWriteBit = Math.max(highestWriteBit, offset + bits - 1);
      const n = int64OrReply(ctx.out, argv[j + 3]!);
      if (n === undefined) return;
      value = BigInt(n);
    }
    ops.push({ op, signed, bits, offset, value, overflow });
    j += op === OP_GET ? 2 : 3;
  }
  // Redis 7.0 parses every operation first, so a malformed one answers a syntax error instead.
  if (highestWriteBit >= 0 && readOnlyCommand) return ctx.out.error(ERR_BITFIELD_RO);
  const key = keyString(argv[1]!);
  // Any write sizes the string for the farthest bit first, even if every write then fails.
  let v = lookupString(ctx.db, key);
  if (v === Status.WRONGTYPE) return ctx.out.error(ERR_WRONGTYPE);
  let sb: StringBuf | undefined;
  if (highestWriteBit >= 0) {
    const oldLen = v === undefined ? -1 : stringLength(v);
    v = sb = stringForBits(ctx.db, key, Math.floor(highestWriteBit / 8) + 1) as StringBuf;
    // Creating or padding the string is a change even when OVERFLOW FAIL refuses every write
    // (Redis 7.0 forgets to count it, so its replicas can miss the key).
    if (sb.len !== oldLen) ctx.dirty++;
  }
  ctx.out.arrayHeader(ops.length);
  for (const f of ops) {
    const old = readField(v, f.offset, f.bits);
    if (f.op === OP_GET) {
      ctx.out.integer(f.signed ? BigInt.asIntN(f.bits, old) : old);
      continue;
    }
    const next = applyOverflow(f, old);
    if (next === undefined) {
      ctx.out.nullBulk();
      continue;
    }
    ctx.dirty++;
    writeField((sb as StringBuf).buf, f.offset, f.bits, next);
    const reply = f.op === OP_SET ? old : next;
    ctx.out.integer(f.signed ? BigInt.asIntN(f.bits, reply) : BigInt.asUintN(f.bits, reply));
  }
}

// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
//   [OVERFLOW WRAP|SAT|FAIL] ...
function bitfieldCommand(ctx: ExecCtx, argv: Buffer[]): void {
  bitfieldGeneric(ctx, argv, false);
}

// BITFIELD_RO key [GET type offset ...]
function bitfieldroCommand(ctx: ExecCtx, argv: Buffer[]): void {
  bitfieldGeneric(ctx, argv, true);
}
