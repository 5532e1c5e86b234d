/**
 * Seeded random set command sequences for differential tests. Keys share the hash tag {s} so
 * the multi-key commands (SMOVE, SINTER..., the STORE forms) stay in one slot; one key is often
 * a string so WRONGTYPE paths are reached both ways. Members are mostly small integers (Redis's
 * intset, replied in ascending order and compared exactly) with some strings mixed in (a
 * hashtable, whose order is left open and sorted before comparing). A rare wide SADD pushes a
 * set past 512 integers. Random picks (SPOP, SRANDMEMBER) are compared by shape, and a SPOP
 * that leaves members behind is followed by a DEL of its key, since the two servers popped
 * different members.
 */
import type { Command, Step } from './differential.ts';
import { mulberry32 } from './random-commands.ts';
import { sameShape } from './gen-hashes.ts';

const KEYS = ['{s}1', '{s}2', '{s}3', '{s}4', '{s}str'] as const;
const MEMBERS: readonly (string | Buffer)[] = [
  '0', '1', '2', '3', '5', '8', '13', '-1', '-21', '100', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '01', '+1', '', 'a', 'b', 'hello', Buffer.from('x\r\n\0\xff', 'latin1'),
];
const INT_MEMBERS = MEMBERS.slice(0, 12);
const PATTERNS = ['*', '1*', '?', '-*', '[0-3]', 'h*', 'nomatch'];

export function randomSetCommands(seed: number, count: number): (Command | Step)[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const key = (): string => pick(KEYS);
  const keys = (n: number): string[] => Array.from({ length: n }, key);
  const member = (): string | Buffer => (rnd() < 0.7 ? pick(INT_MEMBERS) : pick(MEMBERS));
  const members = (n: number): (string | Buffer)[] => Array.from({ length: n }, member);
  const makers: [number, () => (Command | Step)[]][] = [
    [12, () => [['SADD', key(), ...members(int(1, 4))]]],
    [1, () => [['SADD', key(), ...Array.from({ length: 520 }, (_, i) => String(i * 3))]]],
    [6, () => [['SREM', key(), ...members(int(1, 3))]]],
    [4, () => [['SMOVE', key(), key(), member()]]],
    [3, () => [['SISMEMBER', key(), member()]]],
    [3, () => [['SMISMEMBER', key(), ...members(int(1, 4))]]],
    [3, () => [['SCARD', key()]]],
    [5, () => [['SMEMBERS', key()]]],
    [3, () => [['SINTER', ...keys(int(1, 3))]]],
    [3, () => [['SUNION', ...keys(int(1, 3))]]],
    [3, () => [['SDIFF', ...keys(int(1, 3))]]],
    [2, () => [['SINTERSTORE', key(), ...keys(int(1, 3))]]],
    [2, () => [['SUNIONSTORE', key(), ...keys(int(1, 3))]]],
    [2, () => [['SDIFFSTORE', key(), ...keys(int(1, 3))]]],
    [3, () => [['SSCAN', key(), '0', 'MATCH', pick(PATTERNS), 'COUNT', String(int(1, 20))]]],
    [2, () => [{ cmd: ['SRANDMEMBER', key(), String(int(-6, 6))], compare: sameShape }]],
    [1, () => [{ cmd: ['SRANDMEMBER', key()], compare: sameShape }]],
    [2, () => {
      const k = key();
      // The popped members differ between the servers: compare the reply's shape, then drop
      // the key so that both continue from the same state.
      return [{ cmd: ['SPOP', k, ...(rnd() < 0.5 ? [String(int(0, 4))] : [])], compare: sameShape }, ['DEL', k]];
    }],
    [1, () => [['SPOP', key(), '1000']]], // takes everything: deterministic but for order
    [2, () => [['SET', '{s}str', 'x']]],
    [1, () => [['DEL', key()]]],
    [1, () => [['TYPE', key()]]],
  ];
  const total = makers.reduce((s, [w]) => s + w, 0);
  const out: (Command | Step)[] = [];
  while (out.length < count) {
    let r = rnd() * total;
    for (const [w, make] of makers) {
      if ((r -= w) < 0) {
        out.push(...make());
        break;
      }
    }
  }
  return out;
}
