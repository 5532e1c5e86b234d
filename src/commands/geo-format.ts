/**
 * Numbers as the geo commands print them: distances with "%.4f", coordinates with Redis's
 * human long double form ("%.17Lf" of the double, trailing zeros dropped), and "%f" inside
 * the invalid-coordinates error. glibc rounds exact ties to even where V8's toFixed rounds
 * them up, so ties take an exact path.
 */
import type { ReplyWriter } from './replies.ts';
import { formatLongDouble } from '../shard/types/string.ts';

/**
 * printf("%.<digits>f", x). A tie needs x = k / 2^(digits + 1) with k odd, since 10^digits
 * holds 2^digits: then x * 10^digits = k * 5^digits / 2 exactly.
 */
export function formatFixed(x: number, digits: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a >= 1e21) return `${sign}${BigInt(a)}.${'0'.repeat(digits)}`; // toFixed turns exponential there
  const k = a * 2 ** (digits + 1);
  if (Number.isInteger(k) && k % 2 === 1 && k <= Number.MAX_SAFE_INTEGER) {
    const scaled = BigInt(k) * 5n ** BigInt(digits); // 2 * a * 10^digits, odd
    let n = (scaled - 1n) / 2n;
    if (n % 2n === 1n) n++;
    const s = n.toString().padStart(digits + 1, '0');
    if (digits === 0) return sign + s;
    return `${sign}${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return sign + a.toFixed(digits);
}

/** A distance as a bulk string, "%.4f". */
export function replyDistance(out: ReplyWriter, d: number): void {
  out.bulkLatin1(formatFixed(d, 4));
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** A coordinate as a bulk string, the way addReplyHumanLongDouble prints a double. */
export function replyCoordinate(out: ReplyWriter, d: number): void {
  out.bulkLatin1(humanDouble(d));
}

/** The double's exact value through the long double printer. */
export function humanDouble(d: number): string {
  f64[0] = d;
  const bits = u64[0]!;
  const neg = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  if (exp === 0) return formatLongDouble({ neg, m: frac, e: -1074 });
  return formatLongDouble({ neg, m: frac | (1n << 52n), e: exp - 1075 });
}
