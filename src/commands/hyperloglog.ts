/**
 * HyperLogLog commands (Redis hyperloglog.c): PFADD, PFCOUNT, PFMERGE, over string values in
 * Redis's own HLL representation (shard/types/hyperloglog.ts), so GET of an HLL gives the
 * bytes Redis would, and an HLL taken from Redis with GET can be SET here and counted.
 *
 * Nothing is rewritten for the log: every change is deterministic given the data. PFCOUNT of
 * one key is a write when it refreshes the cached cardinality (Redis counts it as dirty and
 * propagates it as received); the readonly flag is what Redis 7.0's COMMAND prints for it.
 */
import { ERR_WRONGTYPE } from './replies.ts';
import { cmd, DENYOOM, FAST, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { keyString, type Db, type Value } from '../shard/keyspace.ts';
import { isString, StringBuf, stringBytes, type StringValue } from '../shard/types/string.ts';
import { cachedCard, hllAdd, hllCount, hllCountRaw, hllCreate, hllEncoding, hllMerge, hllSetRegister, invalidateCache,
  isHll, sparseToDense, storeCard, HLL_DENSE, HLL_REGISTERS } from '../shard/types/hyperloglog.ts';

export const ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
export const ERR_INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

export const HLL_COMMANDS: readonly CommandSpec[] = [
  //   name           arity flags                    first last step handler
  cmd('PFADD',          -2, WRITE | DENYOOM | FAST,    1,    1,   1,   pfaddCommand),
  cmd('PFCOUNT',        -2, READONLY,                  1,   -1,   1,   pfcountCommand),
  cmd('PFMERGE',        -2, WRITE | DENYOOM,           1,   -1,   1,   pfmergeCommand),
];

/** The value's bytes when it is a valid HLL, or writes the error and returns undefined. */
function hllBytesOrReply(ctx: ExecCtx, v: Value): Uint8Array | undefined {
  if (!isString(v)) {
    ctx.out.error(ERR_WRONGTYPE);
    return undefined;
  }
  const bytes = stringBytes(v);
  if (!isHll(bytes)) {
    ctx.out.error(ERR_NOT_HLL);
    return undefined;
  }
  return bytes;
}

/** The key's value as a StringBuf that can change in place, keeping its TTL. */
function hllForWrite(db: Db, key: string, v: StringValue): StringBuf {
  if (typeof v !== 'string') return v;
  const sb = StringBuf.from(Buffer.from(v, 'latin1'));
  db.set(key, sb, true);
  return sb;
}

/** A fresh empty HLL stored under key. */
function createHll(db: Db, key: string): StringBuf {
  const sb = new StringBuf(32);
  hllCreate(sb);
  db.set(key, sb);
  return sb;
}

/** Replies a cardinality as Redis does: an unsigned 64-bit count sent as a signed integer. */
function replyCard(ctx: ExecCtx, card: number | bigint): void {
  if (typeof card === 'number' && card < 2 ** 53) return ctx.out.integer(card);
  ctx.out.integer(BigInt.asIntN(64, BigInt(card)));
}

// PFADD key [element [element ...]]
function pfaddCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const key = keyString(argv[1]!);
  const v = ctx.db.lookup(key);
  let updated = 0;
  let sb: StringBuf;
  if (v === undefined) {
    sb = createHll(ctx.db, key);
    updated++;
  } else {
    if (hllBytesOrReply(ctx, v) === undefined) return;
    sb = hllForWrite(ctx.db, key, v as StringValue);
  }
  let corrupt = false;
  for (let i = 2; i < argv.length; i++) {
    const r = hllAdd(sb, argv[i]!);
    if (r === 1) updated++;
    else if (r === -1) {
      corrupt = true;
      break;
    }
  }
  // Registers changed before a corrupt opcode was met stay changed, as in Redis; logging the
  // command keeps a replay in step, since it meets the same corruption at the same element.
  if (updated > 0) {
    invalidateCache(sb.buf);
    ctx.dirty += updated;
  }
  if (corrupt) return ctx.out.error(ERR_INVALID_HLL);
  ctx.out.integer(updated > 0 ? 1 : 0);
}

// PFCOUNT key [key ...]
function pfcountCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (argv.length > 2) return pfcountUnion(ctx, argv);
  const key = keyString(argv[1]!);
  const v = ctx.db.lookup(key);
  if (v === undefined) return ctx.out.integer(0);
  const bytes = hllBytesOrReply(ctx, v);
  if (bytes === undefined) return;
  const cached = cachedCard(bytes);
  if (cached !== undefined) return replyCard(ctx, cached);
  const card = hllCount(bytes);
  if (card === undefined) return ctx.out.error(ERR_INVALID_HLL);
  // Caching the count changes the value's bytes: a write, as Redis counts it.
  const sb = hllForWrite(ctx.db, key, v as StringValue);
  storeCard(sb.buf, card);
  ctx.dirty++;
  replyCard(ctx, card);
}

/** PFCOUNT of several keys: the cardinality of their union, changing none of them. */
function pfcountUnion(ctx: ExecCtx, argv: Buffer[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  for (let i = 1; i < argv.length; i++) {
    const v = ctx.db.lookup(keyString(argv[i]!));
    if (v === undefined) continue;
    const bytes = hllBytesOrReply(ctx, v);
    if (bytes === undefined) return;
    if (!hllMerge(max, bytes)) return ctx.out.error(ERR_INVALID_HLL);
  }
  replyCard(ctx, hllCountRaw(max));
}

// PFMERGE destkey [sourcekey [sourcekey ...]]
function pfmergeCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  // The destination is merged too (argv[1] is its own first source).
  for (let i = 1; i < argv.length; i++) {
    const v = ctx.db.lookup(keyString(argv[i]!));
    if (v === undefined) continue;
    const bytes = hllBytesOrReply(ctx, v);
    if (bytes === undefined) return;
    if (hllEncoding(bytes) === HLL_DENSE) useDense = true;
    if (!hllMerge(max, bytes)) return ctx.out.error(ERR_INVALID_HLL);
  }
  const key = keyString(argv[1]!);
  const v = ctx.db.lookup(key);
  const sb = v === undefined ? createHll(ctx.db, key) : hllForWrite(ctx.db, key, v as StringValue);
  // A dense source makes the result dense at once rather than after many sparse splits.
  if (useDense && !sparseToDense(sb)) return ctx.out.error(ERR_INVALID_HLL);
  for (let r = 0; r < HLL_REGISTERS; r++) {
    if (max[r] !== 0) hllSetRegister(sb, r, max[r]!);
  }
  invalidateCache(sb.buf);
  ctx.dirty++;
  ctx.out.ok();
}
