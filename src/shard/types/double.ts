/**
 * Doubles as Redis 7.0 reads and writes them: glibc strtod over argument bytes (string2d for
 * scores and weights, the looser strtod for range ends) and the two printed forms, "%.17g" for
 * replies and the listpack's stored form. Sorted sets use these now and geo will.
 *
 * Verified against redis-server 7.0.15: 0.1 prints as 0.10000000000000001, 1e17 as 1e+17,
 * inf as "inf", -0 as "-0"; a listpack stores integral scores up to 2^62 as integers and -0
 * as 0 (ZSCAN of a small set shows that form).
 */
import { latin1 } from '../../util/latin1.ts';

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
};

/** What strtod read: the value, where it stopped, and whether glibc would set ERANGE. */
export interface Strtod {
  value: number;
  end: number;
  range: boolean;
}

function matchWord(s: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > s.length) return false;
  for (let i = 0; i < word.length; i++) if ((s[at + i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * glibc's strtod on s[from..]: skips leading white space, reads a sign, then inf/infinity,
 * nan[(chars)], a hex float or a decimal. `end` is `from` when nothing was read. A NUL byte
 * ends the text, as it ends a C string.
 */
export function strtod(s: Uint8Array, from = 0): Strtod {
  let i = from;
  while (i < s.length && isSpace(s[i]!)) i++;
  let neg = false;
  if (i < s.length && (s[i] === 0x2b || s[i] === 0x2d)) neg = s[i++] === 0x2d;
  const sign = neg ? -1 : 1;
  if (matchWord(s, i, 'inf')) {
    return { value: sign * Infinity, end: i + (matchWord(s, i, 'infinity') ? 8 : 3), range: false };
  }
  if (matchWord(s, i, 'nan')) {
    let end = i + 3;
    if (end < s.length && s[end] === 0x28) { // "(": nan(n-char-sequence) only if it closes
      let j = end + 1;
      while (j < s.length && (isDigit(s[j]!) || ((s[j]! | 0x20) >= 0x61 && (s[j]! | 0x20) <= 0x7a) || s[j] === 0x5f)) j++;
      if (j < s.length && s[j] === 0x29) end = j + 1;
    }
    return { value: NaN, end, range: false };
  }
  if (i + 1 < s.length && s[i] === 0x30 && (s[i + 1]! | 0x20) === 0x78) {
    const hex = hexFloat(s, i + 2, sign);
    if (hex !== undefined) return hex;
    return { value: sign * 0, end: i + 1, range: false }; // "0x" alone reads the 0
  }
  const start = i;
  let digits = 0;
  let nonzero = false;
  for (; i < s.length && isDigit(s[i]!); i++, digits++) if (s[i] !== 0x30) nonzero = true;
  if (i < s.length && s[i] === 0x2e) {
    for (i++; i < s.length && isDigit(s[i]!); i++, digits++) if (s[i] !== 0x30) nonzero = true;
  }
  if (digits === 0) return { value: 0, end: from, range: false };
  let mantissaEnd = i;
  if (i < s.length && (s[i]! | 0x20) === 0x65) {
    let j = i + 1;
    if (j < s.length && (s[j] === 0x2b || s[j] === 0x2d)) j++;
    if (j < s.length && isDigit(s[j]!)) {
      while (j < s.length && isDigit(s[j]!)) j++;
      mantissaEnd = j;
    }
  }
  // The syntax is checked above, so Number() only converts (correctly rounded, like glibc).
  const text = latin1(s, start, mantissaEnd);
  const value = sign * Number(text);
  const range = (value === 0 && nonzero) || !Number.isFinite(value);
  return { value, end: mantissaEnd, range };
}

/** A hex float after "0x": hex digits, an optional point, an optional binary exponent p±n. */
function hexFloat(s: Uint8Array, at: number, sign: number): Strtod | undefined {
  let i = at;
  let mant = 0n;
  let digits = 0;
  let scale = 0;
  for (; i < s.length && hexValue(s[i]!) >= 0; i++, digits++) mant = mant * 16n + BigInt(hexValue(s[i]!));
  if (i < s.length && s[i] === 0x2e) {
    for (i++; i < s.length && hexValue(s[i]!) >= 0; i++, digits++, scale -= 4) mant = mant * 16n + BigInt(hexValue(s[i]!));
  }
  if (digits === 0) return undefined;
  if (i < s.length && (s[i]! | 0x20) === 0x70) {
    let j = i + 1;
    let eneg = false;
    if (j < s.length && (s[j] === 0x2b || s[j] === 0x2d)) eneg = s[j++] === 0x2d;
    if (j < s.length && isDigit(s[j]!)) {
      let e = 0;
      while (j < s.length && isDigit(s[j]!)) e = Math.min(e * 10 + s[j++]! - 0x30, 100000);
      scale += eneg ? -e : e;
      i = j;
    }
  }
  // Exact for every mantissa a double can hold; longer ones round twice (accepted: rare).
  const value = mant === 0n ? 0 : Number(mant) * 2 ** scale;
  return { value: sign * value, end: i, range: (value === 0 && mant !== 0n) || !Number.isFinite(value) };
}

/**
 * Redis's string2d (scores, increments, weights): the whole argument must be one number, no
 * leading space, no overflow or underflow to zero, not NaN. Undefined when it is not a valid
 * float.
 */
export function string2d(s: Uint8Array): number | undefined {
  if (s.length === 0 || isSpace(s[0]!)) return undefined;
  const r = strtod(s);
  if (r.end !== s.length || Number.isNaN(r.value)) return undefined;
  if (r.range && (r.value === 0 || !Number.isFinite(r.value))) return undefined;
  return r.value;
}

/** "%.17g", the form Redis prints a double in. */
export function formatDouble(d: number): string {
  return formatG(d, 17);
}

/**
 * C's "%.<precision>g": that many significant digits, trailing zeros dropped, exponent form
 * below 1e-4 or from 1e<precision>. inf and -inf as Redis spells them.
 */
export function formatG(d: number, precision: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const [digits, exp] = significantDigits(Math.abs(d), precision);
  const sign = d < 0 ? '-' : '';
  if (exp < -4 || exp >= precision) {
    const mant = stripZeros(`${digits[0]}.${digits.slice(1)}`);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) return sign + stripZeros(`${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`);
  return sign + stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`);
}

/** A score as Redis's listpack stores it (d2string): integers up to 2^62 as integers, -0 as 0. */
export function formatListpackDouble(d: number): string {
  if (d === 0) return '0';
  if (Number.isInteger(d) && Math.abs(d) <= 2 ** 62) return BigInt(d).toString();
  return formatDouble(d);
}

function stripZeros(s: string): string {
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

const TIE_SCALE = 2 ** 26;
const FIVE_26 = 5n ** 26n;

/**
 * `precision` significant digits of x > 0, correctly rounded with ties to even as glibc's
 * printf, and the decimal exponent of the first. V8's toExponential rounds ties away from zero,
 * and a tie is only possible when x's exact expansion ends one digit past them, which for a
 * fraction needs x = n / 2^k with k <= 26: those few values take an exact BigInt path.
 */
function significantDigits(x: number, precision: number): [string, number] {
  if (!Number.isInteger(x) && Number.isInteger(x * TIE_SCALE)) {
    const exact = (BigInt(x * TIE_SCALE) * FIVE_26).toString(); // x * 10^26, an integer
    let exp = exact.length - 1 - 26;
    if (exact.length <= precision) return [exact.padEnd(precision, '0'), exp];
    let kept = BigInt(exact.slice(0, precision));
    const rest = exact.slice(precision);
    const half = '5'.padEnd(rest.length, '0');
    if (rest > half || (rest === half && (kept & 1n) === 1n)) kept++;
    let digits = kept.toString();
    if (digits.length > precision) {
      digits = digits.slice(0, precision);
      exp++;
    }
    return [digits, exp];
  }
  const e = x.toExponential(precision - 1);
  return [e[0]! + e.slice(2, precision + 1), Number(e.slice(precision + 2))];
}
