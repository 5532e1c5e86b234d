/**
 * Seeded random hash command sequences for differential tests. Keys share the hash tag {h} so
 * RENAME stays in one slot; one key is often a string so WRONGTYPE paths are reached both ways.
 * A small field pool makes updates, deletes and emptied keys frequent; a rare wide HSET pushes
 * a hash past 128 entries (a hashtable in Redis, where order stops mattering). Float values and
 * increments are small multiples of 0.25 so HINCRBYFLOAT results are exact in both IEEE double
 * and long double.
 */
import type { Command, Comparator, Step } from './differential.ts';
import { mulberry32 } from './random-commands.ts';

const KEYS = ['{h}1', '{h}2', '{h}3', '{h}s'] as const;
const FIELDS = ['a', 'b', 'c', 'n', 'f', '', 'long-field-name', '1', '-2'] as const;
const VALUES: readonly (string | Buffer)[] = [
  '', 'v', 'hello', '0', '1', '-1', '42', '3.5', '-0.25', '1e3', ' 1', '007', 'x'.repeat(65),
  '9223372036854775807', Buffer.from('a\r\nb\0c\xff', 'latin1'),
];
const INCREMENTS = ['1', '-1', '7', '0', '-100', 'x', '1.5', '9223372036854775807'];
const FLOAT_INCREMENTS = ['0.5', '-1.25', '3', '1e2', '0', 'abc', 'inf', '2.5e-1'];
const PATTERNS = ['*', 'a*', '?', '*-*', '[a-c]', 'f*', 'nomatch'];

/** Random picks cannot match exactly: the reply's kind and length must. */
export const sameShape: Comparator = (ref, sub) => {
  if (ref[0] !== sub[0]) return 'reply types differ';
  if (ref[0] === 0x2a || ref[0] === 0x2d) { // '*' array: its length; '-' error: its text
    const header = (b: Buffer): string => b.toString('latin1', 0, b.indexOf('\r\n'));
    if (ref[0] === 0x2d ? !ref.equals(sub) : header(ref) !== header(sub)) return 'shapes differ';
  }
  return undefined;
};

export function randomHashCommands(seed: number, count: number): (Command | Step)[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const key = (): string => pick(KEYS);
  const fields = (n: number): string[] => Array.from({ length: n }, () => pick(FIELDS));
  const makers: [number, () => Command | Step][] = [
    [10, () => ['HSET', key(), ...fields(int(1, 3)).flatMap((f) => [f, pick(VALUES)])]],
    [2, () => ['HMSET', key(), pick(FIELDS), pick(VALUES)]],
    [1, () => ['HSET', key(), ...Array.from({ length: 130 }, (_, i) => [`w${i}`, String(i)]).flat()]],
    [3, () => ['HSETNX', key(), pick(FIELDS), pick(VALUES)]],
    [6, () => ['HGET', key(), pick(FIELDS)]],
    [3, () => ['HMGET', key(), ...fields(int(1, 4))]],
    [6, () => ['HDEL', key(), ...fields(int(1, 3))]],
    [3, () => ['HLEN', key()]],
    [2, () => ['HSTRLEN', key(), pick(FIELDS)]],
    [2, () => ['HEXISTS', key(), pick(FIELDS)]],
    [5, () => ['HINCRBY', key(), pick(FIELDS), pick(INCREMENTS)]],
    [4, () => ['HINCRBYFLOAT', key(), pick(FIELDS), pick(FLOAT_INCREMENTS)]],
    [3, () => ['HGETALL', key()]],
    [2, () => ['HKEYS', key()]],
    [2, () => ['HVALS', key()]],
    [3, () => ['HSCAN', key(), '0', 'MATCH', pick(PATTERNS), 'COUNT', String(int(1, 20))]],
    [2, () => ({ cmd: ['HRANDFIELD', key(), String(int(-5, 5)), ...(rnd() < 0.5 ? ['WITHVALUES'] : [])], compare: sameShape })],
    [1, () => ({ cmd: ['HRANDFIELD', key()], compare: sameShape })],
    [2, () => ['SET', '{h}s', pick(VALUES)]],
    [1, () => ['DEL', key()]],
    [1, () => ['RENAME', key(), key()]],
    [1, () => ['TYPE', key()]],
    [1, () => ['EXPIRE', key(), '1000']],
  ];
  const total = makers.reduce((s, [w]) => s + w, 0);
  const out: (Command | Step)[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd() * total;
    for (const [w, make] of makers) {
      if ((r -= w) < 0) {
        out.push(make());
        break;
      }
    }
  }
  return out;
}
