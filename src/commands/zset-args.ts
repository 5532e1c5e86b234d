/**
 * Argument parsers and reply helpers shared by the sorted set command files (and meant for the
 * geo family): score and range parsing as Redis 7.0's string2d, zslParseRange and
 * zslParseLexRange read them, doubles printed as its addReplyDouble prints them.
 */
import { ERR_NOT_FLOAT, type ReplyWriter } from './replies.ts';
import type { ExecCtx } from './table.ts';
import { valueOrReply } from './lookup.ts';
import { int64OrReply } from './strings.ts';
import { keyString } from '../shard/keyspace.ts';
import { formatDouble, string2d, strtod } from '../shard/types/double.ts';
import { lookupZSet, type LexRange, type ScoreRange, type ZEntry, type ZSet } from '../shard/types/zset.ts';

export const ERR_SCORE_NAN = 'ERR resulting score is not a number (NaN)';
export const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
export const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';


/** The sorted set at key, undefined when missing; writes WRONGTYPE and returns null. */
export function zsetOrReply(ctx: ExecCtx, key: string): ZSet | undefined | null {
  return valueOrReply(ctx, lookupZSet, key);
}

/** A double reply, printed as Redis 7.0 prints it ("%.17g", inf, -inf). */
export function replyDouble(out: ReplyWriter, d: number): void {
  out.bulkLatin1(formatDouble(d));
}

/** arg as a score (Redis's string2d), or writes `err` and returns undefined. */
export function doubleOrReply(out: ReplyWriter, arg: Uint8Array, err = ERR_NOT_FLOAT): number | undefined {
  const d = string2d(arg);
  if (d === undefined) out.error(err);
  return d;
}

/**
 * A 64-bit integer argument (a rank, an offset, a count) as a number. Values past 2^53 are
 * clamped to +-2^62: no set is that long, so every comparison comes out as with the exact value.
 */
export function longOrReply(out: ReplyWriter, arg: Uint8Array): number | undefined {
  const n = int64OrReply(out, arg);
  if (n === undefined) return undefined;
  return typeof n === 'number' ? n : Number(n < -(2n ** 62n) ? -(2n ** 62n) : n > 2n ** 62n ? 2n ** 62n : n);
}

/** One end of a score range ("(" makes it open), read as Redis's zslParseRange reads it. */
function scoreBound(arg: Uint8Array): [number, boolean] | undefined {
  const open = arg.length > 0 && arg[0] === 0x28; // '('
  // Plain strtod: leading space, overflow to inf, and nothing at all (read as 0) all pass.
  const r = strtod(arg, open ? 1 : 0);
  if ((r.end !== arg.length && arg[r.end] !== 0) || Number.isNaN(r.value)) return undefined;
  return [r.value, open];
}

export function scoreRangeOrReply(out: ReplyWriter, minArg: Uint8Array, maxArg: Uint8Array): ScoreRange | undefined {
  const min = scoreBound(minArg);
  const max = scoreBound(maxArg);
  if (min === undefined || max === undefined) {
    out.error(ERR_MINMAX_FLOAT);
    return undefined;
  }
  return { min: min[0], minex: min[1], max: max[0], maxex: max[1] };
}

/** One end of a lex range: "-" or "+" alone (up to a NUL), or "[" / "(" then a member. */
function lexBound(arg: Uint8Array): [number | string, boolean] | undefined {
  const alone = arg.length === 1 || arg[1] === 0;
  switch (arg[0]) {
    case 0x2b: // '+'
      return alone ? [Infinity, true] : undefined;
    case 0x2d: // '-'
      return alone ? [-Infinity, true] : undefined;
    case 0x28: // '('
      return [keyString(arg.subarray(1)), true];
    case 0x5b: // '['
      return [keyString(arg.subarray(1)), false];
    default:
      return undefined;
  }
}

export function lexRangeOrReply(out: ReplyWriter, minArg: Uint8Array, maxArg: Uint8Array): LexRange | undefined {
  const min = lexBound(minArg);
  const max = lexBound(maxArg);
  if (min === undefined || max === undefined) {
    out.error(ERR_MINMAX_LEX);
    return undefined;
  }
  return { min: min[0], minex: min[1], max: max[0], maxex: max[1] };
}

/** Pairs as an array reply: members, or member/score pairs flattened (RESP2). */
export function replyNodes(out: ReplyWriter, nodes: readonly ZEntry[], withScores: boolean): void {
  out.arrayHeader(withScores ? nodes.length * 2 : nodes.length);
  for (const n of nodes) {
    out.bulkLatin1(n.member);
    if (withScores) replyDouble(out, n.score);
  }
}

/**
 * Clamps Redis-style start/end ranks (negative from the end) to the set; undefined when the
 * range is empty.
 */
export function clampRanks(start: number, end: number, length: number): [number, number] | undefined {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return undefined;
  return [start, Math.min(end, length - 1)];
}

