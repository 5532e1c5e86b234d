/**
 * Set commands: membership, random picks, moves, the algebra (SINTER/SUNION/SDIFF and their
 * STORE forms) and SSCAN. They work on the set type through shard/types/set.ts.
 *
 * Writes rewritten for the log, so that replaying it gives the same data:
 *  - SPOP            -> SREM key <the members popped> (the picks are random);
 *  - SPOP that empties the set -> DEL key, as Redis 7.0 logs it.
 */
import { EMPTY_ARRAY, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './replies.ts';
import { cmd, DENYOOM, FAST, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { collectionScanOrReply, replyScan } from './collection-scan.ts';
import { valueOrReply } from './lookup.ts';
import { keyString } from '../shard/keyspace.ts';
import { afterRemove, lookupSet, popRandom, randomDistinctMembers, setAdd, setRemove, setScan, SetValue } from '../shard/types/set.ts';
import { isStatus, Status, string2ll } from '../shard/types/string.ts';
import { latin1, latin1Args } from '../util/latin1.ts';
import type { RequestArgs } from '../ring/codec.ts';

const ERR_NOT_POSITIVE = 'ERR value is out of range, must be positive';
/** SRANDMEMBER's count range, as Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) says it. */
const ERR_COUNT_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const LONG_MAX = 2n ** 63n - 1n;

export const SET_COMMANDS: readonly CommandSpec[] = [
  //   name           arity flags                    first last step handler
  cmd('SADD',           -3, WRITE | DENYOOM | FAST,    1,    1,   1,   saddCommand, { direct: saddDirect }),
  cmd('SREM',           -3, WRITE | FAST,              1,    1,   1,   sremCommand),
  cmd('SMOVE',           4, WRITE | FAST,              1,    2,   1,   smoveCommand),
  cmd('SISMEMBER',       3, READONLY | FAST,           1,    1,   1,   sismemberCommand),
  cmd('SMISMEMBER',     -3, READONLY | FAST,           1,    1,   1,   smismemberCommand),
  cmd('SCARD',           2, READONLY | FAST,           1,    1,   1,   scardCommand),
  cmd('SPOP',           -2, WRITE | FAST,              1,    1,   1,   spopCommand),
  cmd('SRANDMEMBER',    -2, READONLY,                  1,    1,   1,   srandmemberCommand),
  cmd('SMEMBERS',        2, READONLY,                  1,    1,   1,   smembersCommand),
  cmd('SINTER',         -2, READONLY,                  1,   -1,   1,   sinterCommand),
  cmd('SINTERSTORE',    -3, WRITE | DENYOOM,           1,   -1,   1,   sinterstoreCommand),
  cmd('SUNION',         -2, READONLY,                  1,   -1,   1,   sunionCommand),
  cmd('SUNIONSTORE',    -3, WRITE | DENYOOM,           1,   -1,   1,   sunionstoreCommand),
  cmd('SDIFF',          -2, READONLY,                  1,   -1,   1,   sdiffCommand),
  cmd('SDIFFSTORE',     -3, WRITE | DENYOOM,           1,   -1,   1,   sdiffstoreCommand),
  cmd('SSCAN',          -3, READONLY,                  1,    1,   1,   sscanCommand),
];

/** The set at key; undefined when missing; null once WRONGTYPE is written. */
function readSet(ctx: ExecCtx, key: string): SetValue | undefined | null {
  return valueOrReply(ctx, lookupSet, key);
}

// ---------------------------------------------------------------------------------------------
// Membership
// ---------------------------------------------------------------------------------------------

// SADD key member [member ...]
function saddCommand(ctx: ExecCtx, argv: Buffer[]): void {
  replyChanged(ctx, setAdd(ctx.db, keyString(argv[1]!), latin1Args(argv, 2)));
}

function saddDirect(ctx: ExecCtx, args: RequestArgs): boolean {
  replyChanged(ctx, setAdd(ctx.db, args.latin1(1), args.latin1From(2)));
  return true;
}

/** SADD's and SREM's reply: how many members changed, or WRONGTYPE. */
function replyChanged(ctx: ExecCtx, changed: number | Status): void {
  if (isStatus(changed)) return ctx.out.error(ERR_WRONGTYPE);
  ctx.dirty += changed;
  ctx.out.integer(changed);
}

// SREM key member [member ...]
function sremCommand(ctx: ExecCtx, argv: Buffer[]): void {
  replyChanged(ctx, setRemove(ctx.db, keyString(argv[1]!), latin1Args(argv, 2)));
}

// SMOVE source destination member
function smoveCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const srcKey = keyString(argv[1]!);
  const dstKey = keyString(argv[2]!);
  const src = lookupSet(ctx.db, srcKey);
  const dst = lookupSet(ctx.db, dstKey);
  // A missing source answers 0 before any type is judged, as in Redis.
  if (src === undefined) return ctx.out.integer(0);
  if (src === Status.WRONGTYPE || dst === Status.WRONGTYPE) return ctx.out.error(ERR_WRONGTYPE);
  const member = latin1(argv[3]!);
  if (src === dst) return ctx.out.integer(src.has(member) ? 1 : 0);
  if (!src.remove(member)) return ctx.out.integer(0);
  afterRemove(ctx.db, srcKey, src);
  setAdd(ctx.db, dstKey, [member]);
  ctx.dirty++;
  ctx.out.integer(1);
}

// SISMEMBER key member
function sismemberCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const s = readSet(ctx, keyString(argv[1]!));
  if (s !== null) ctx.out.integer(s?.has(latin1(argv[2]!)) === true ? 1 : 0);
}

// SMISMEMBER key member [member ...]
function smismemberCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const s = readSet(ctx, keyString(argv[1]!));
  if (s === null) return;
  ctx.out.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) ctx.out.integer(s?.has(latin1(argv[j]!)) === true ? 1 : 0);
}

// SCARD key
function scardCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const s = readSet(ctx, keyString(argv[1]!));
  if (s !== null) ctx.out.integer(s?.size ?? 0);
}

// SMEMBERS key  (intsets in ascending order, as Redis replies them)
function smembersCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const s = readSet(ctx, keyString(argv[1]!));
  if (s === null) return;
  if (s === undefined) return ctx.out.raw(EMPTY_ARRAY);
  ctx.out.latin1Array(s.ordered());
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
function sscanCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const found = collectionScanOrReply(ctx, argv, lookupSet);
  if (found === undefined) return;
  const [s, scan] = found;
  const out: string[] = [];
  const next = setScan(s, scan.cursor, scan.count, scan.match, out);
  replyScan(ctx, next, out);
}

// ---------------------------------------------------------------------------------------------
// Random picks
// ---------------------------------------------------------------------------------------------

// SPOP key [count]
function spopCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (argv.length > 3) return ctx.out.error(ERR_SYNTAX);
  const key = keyString(argv[1]!);
  if (argv.length === 2) {
    const s = readSet(ctx, key);
    if (s === null) return;
    if (s === undefined) return ctx.out.nullBulk();
    const m = s.random();
    s.remove(m);
    afterRemove(ctx.db, key, s);
    ctx.dirty++;
    ctx.out.bulkLatin1(m);
    // The pick is random: log what was removed so a replay removes the same member.
    return ctx.propagate(['SREM', argv[1]!, m]);
  }
  const n = string2ll(argv[2]!);
  if (n === undefined || n < 0) return ctx.out.error(ERR_NOT_POSITIVE);
  const s = readSet(ctx, key);
  if (s === null) return;
  if (s === undefined || n === 0) return ctx.out.raw(EMPTY_ARRAY);
  if (n >= s.size) {
    ctx.out.latin1Array(s.ordered());
    ctx.db.delete(key);
    ctx.dirty += s.size;
    return ctx.propagate(['DEL', argv[1]!]);
  }
  const popped = popRandom(s, Number(n));
  afterRemove(ctx.db, key, s);
  ctx.dirty += popped.length;
  ctx.out.latin1Array(popped);
  ctx.propagate(['SREM', argv[1]!, ...popped]);
}

// SRANDMEMBER key [count]
function srandmemberCommand(ctx: ExecCtx, argv: Buffer[]): void {
  if (argv.length > 3) return ctx.out.error(ERR_SYNTAX);
  const key = keyString(argv[1]!);
  if (argv.length === 2) {
    const s = readSet(ctx, key);
    if (s === null) return;
    if (s === undefined) return ctx.out.nullBulk();
    return ctx.out.bulkLatin1(s.random());
  }
  const n = string2ll(argv[2]!);
  if (n === undefined) return ctx.out.error(ERR_NOT_INTEGER);
  if (n < -LONG_MAX) return ctx.out.error(ERR_COUNT_RANGE);
  const s = readSet(ctx, key);
  if (s === null) return;
  if (s === undefined || n === 0) return ctx.out.raw(EMPTY_ARRAY);
  if (n < 0 || n === 1) {
    // Repeats allowed: every pick samples the whole set.
    const count = n === 1 ? 1 : -Number(n);
    ctx.out.arrayHeader(count);
    for (let i = 0; i < count; i++) ctx.out.bulkLatin1(s.random());
    return;
  }
  ctx.out.latin1Array(n >= s.size ? s.ordered() : randomDistinctMembers(s, Number(n)));
}

// ---------------------------------------------------------------------------------------------
// Algebra
// ---------------------------------------------------------------------------------------------

const OP_INTER = 0;
const OP_UNION = 1;
const OP_DIFF = 2;

/**
 * The sets at argv[from..]: undefined for a missing key, or null once it has replied
 * WRONGTYPE. Every key is type-checked before any result is computed, as Redis 7.0 does.
 */
function sourceSets(ctx: ExecCtx, argv: Buffer[], from: number): (SetValue | undefined)[] | null {
  const sets: (SetValue | undefined)[] = [];
  for (let j = from; j < argv.length; j++) {
    const s = readSet(ctx, keyString(argv[j]!));
    if (s === null) return null;
    sets.push(s);
  }
  return sets;
}

/** The result of op over sets as a new set (a missing key is an empty set). */
function combine(sets: readonly (SetValue | undefined)[], op: number): SetValue {
  const result = new SetValue();
  if (op === OP_INTER) {
    if (sets.some((s) => s === undefined)) return result;
    // Walk the smallest set and probe the others, as Redis does.
    const bySize = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
    const [smallest, ...rest] = bySize;
    for (const m of smallest!.ordered()) if (rest.every((s) => s.has(m))) result.add(m);
  } else if (op === OP_UNION) {
    for (const s of sets) if (s !== undefined) for (const m of s.items) result.add(m);
  } else {
    const [first, ...rest] = sets;
    if (first !== undefined) for (const m of first.items) if (!rest.some((s) => s?.has(m))) result.add(m);
  }
  return result;
}

/** SINTER, SUNION and SDIFF: the result in Redis's order (ascending while it is an intset). */
function setOpGeneric(ctx: ExecCtx, argv: Buffer[], op: number): void {
  const sets = sourceSets(ctx, argv, 1);
  if (sets === null) return;
  ctx.out.latin1Array(combine(sets, op).ordered());
}

/** The STORE forms: the result replaces the destination, whatever it held; empty deletes it. */
function setOpStoreGeneric(ctx: ExecCtx, argv: Buffer[], op: number): void {
  const sets = sourceSets(ctx, argv, 2);
  if (sets === null) return;
  const result = combine(sets, op);
  const dst = keyString(argv[1]!);
  if (result.size > 0) {
    ctx.db.set(dst, result);
    ctx.dirty++;
  } else if (ctx.db.delete(dst)) {
    ctx.dirty++;
  }
  ctx.out.integer(result.size);
}

// SINTER key [key ...]
function sinterCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setOpGeneric(ctx, argv, OP_INTER);
}

// SINTERSTORE destination key [key ...]
function sinterstoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setOpStoreGeneric(ctx, argv, OP_INTER);
}

// SUNION key [key ...]
function sunionCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setOpGeneric(ctx, argv, OP_UNION);
}

// SUNIONSTORE destination key [key ...]
function sunionstoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setOpStoreGeneric(ctx, argv, OP_UNION);
}

// SDIFF key [key ...]
function sdiffCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setOpGeneric(ctx, argv, OP_DIFF);
}

// SDIFFSTORE destination key [key ...]
function sdiffstoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  setOpStoreGeneric(ctx, argv, OP_DIFF);
}
