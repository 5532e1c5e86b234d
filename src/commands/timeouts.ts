/**
 * Timeouts as Redis 7.0 reads them, with its errors: in seconds, as a long double (BLPOP and the
 * other blocking commands), or in whole milliseconds (WAIT, CLIENT PAUSE).
 */
import type { ReplyWriter } from './replies.ts';
import { string2ld, string2ll } from '../shard/types/string.ts';

const ERR_TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';
const ERR_TIMEOUT_NOT_INTEGER = 'ERR timeout is not an integer or out of range';
const TWO63 = 1n << 63n;
const MANT_BITS = 64;

/**
 * A timeout in seconds as Redis 7.0 takes it: parsed as a long double, times 1000 rounded to
 * long double precision, rounded up to whole milliseconds and cast to long long. So 0.00001
 * waits 1 ms, -0.0001 rounds up to 0 and blocks forever, and anything past 2^63 ms (inf
 * included) casts to LLONG_MIN on x86 and so is "negative". Returns the wait in ms (0: no
 * limit), or writes the error and returns undefined.
 */
export function timeoutOrReply(out: ReplyWriter, arg: Uint8Array): number | undefined {
  const ld = string2ld(arg);
  if (ld === undefined) {
    out.error(ERR_TIMEOUT_NOT_FLOAT);
    return undefined;
  }
  const ms = ld.e === Infinity ? undefined : ceilTimes1000(ld.m, ld.e, ld.neg);
  if (ms === undefined || ms < 0n) {
    out.error(ERR_TIMEOUT_NEGATIVE);
    return undefined;
  }
  return Number(ms);
}

/** ceil(±m·2^e · 1000) with the product rounded to a 64-bit mantissa first; undefined past int64. */
function ceilTimes1000(m: bigint, e: number, neg: boolean): bigint | undefined {
  let p = m * 1000n;
  // Round the exact product to nearest-even at 64 significant bits, as the x87 multiply does.
  const extra = p.toString(2).length - MANT_BITS;
  if (extra > 0) {
    const shift = BigInt(extra);
    const half = 1n << (shift - 1n);
    const rem = p & ((1n << shift) - 1n);
    p >>= shift;
    if (rem > half || (rem === half && (p & 1n) === 1n)) p++;
    e += extra;
  }
  let whole: bigint;
  if (e >= 0) whole = p << BigInt(e);
  else {
    const shift = BigInt(-e);
    whole = p >> shift;
    // Rounding up: a positive fraction adds one; for a negative value truncation is the ceiling.
    if (!neg && (p & ((1n << shift) - 1n)) !== 0n) whole++;
  }
  if (whole >= TWO63) return undefined;
  return neg ? -whole : whole;
}

/** A timeout in whole milliseconds (Redis's UNIT_MILLISECONDS), or writes the error and returns undefined. */
export function timeoutMsOrReply(out: ReplyWriter, arg: Uint8Array): number | undefined {
  const ms = string2ll(arg);
  if (ms === undefined) {
    out.error(ERR_TIMEOUT_NOT_INTEGER);
    return undefined;
  }
  if (ms < 0) {
    out.error(ERR_TIMEOUT_NEGATIVE);
    return undefined;
  }
  return Number(ms);
}
