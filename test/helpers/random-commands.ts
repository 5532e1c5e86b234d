/**
 * Seeded random command sequences for differential tests (string and key commands).
 *
 * The key space is small so types collide and WRONGTYPE, overflow and not-an-integer errors
 * happen often (a rare SADD or HSET puts a non-string under a key). Commands that take several keys, other than MGET/MSET/DEL/EXISTS (which slotkv
 * spreads across shards), use only keys sharing the hash tag {k}, since slotkv answers
 * CROSSSLOT otherwise, as Redis Cluster does. Values stay small multiples of 0.25 so
 * INCRBYFLOAT results are exact in both IEEE double and x87 long double (Redis's type): the
 * long double corner cases belong to hand-written tests. Expiry times are 100 s or more, or
 * zero/negative (immediate delete): never one that could lapse between the two servers.
 */
import type { Command } from './differential.ts';

import { mulberry32 } from '../../src/util/prng.ts';

export { mulberry32 };

/** Keys in one slot, for commands that need all their keys together. */
export const TAGGED_KEYS = ['{k}1', '{k}2', '{k}3', '{k}4'] as const;
/** Keys in three different slots (and so, with 3 shards, likely different shards). */
export const PLAIN_KEYS = ['a', 'b', 'c'] as const;
const ALL_KEYS = [...TAGGED_KEYS, ...PLAIN_KEYS];

const VALUES: readonly (string | Buffer)[] = [
  '', 'v', 'hello', 'foobar', '0', '1', '-1', '10', '42', '-100', '3.5', '-0.25', '1e3', ' 1',
  '007', 'abc', Buffer.from('a\r\nb\0c', 'latin1'), Buffer.from([0xff, 0x00, 0x80, 0x0a]),
];
const INCREMENTS = ['1', '-1', '5', '100', '-1000', '0', 'x', '1.5', ''];
const FLOAT_INCREMENTS = ['0.5', '-1.25', '3', '1e2', '-0.5', '0', 'abc', '2.5e-1'];
const OFFSETS = ['0', '1', '2', '-1', '-2', '-5', '3', '10', '100', '-100'];

class Gen {
  readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  key(): string {
    return this.pick(ALL_KEYS);
  }

  tagged(): string {
    return this.pick(TAGGED_KEYS);
  }

  value(): string | Buffer {
    return this.pick(VALUES);
  }

  keys(n: number, from: readonly string[] = ALL_KEYS): string[] {
    return Array.from({ length: n }, () => this.pick(from));
  }
}

type Maker = (g: Gen) => Command;

/** [weight, maker]: reads and writes roughly balanced, rare commands rarer. */
const MAKERS: readonly [number, Maker][] = [
  [8, (g) => {
    const cmd: (string | Buffer)[] = ['SET', g.key(), g.value()];
    if (g.chance(0.3)) cmd.push(...(g.chance(0.5) ? ['EX', g.pick(['100', '1000', '0', '-1', 'x'])] : ['PX', g.pick(['100000', '999999', '0'])]));
    if (g.chance(0.25)) cmd.push(g.pick(['NX', 'XX']));
    return cmd;
  }],
  [8, (g) => ['GET', g.key()]],
  [4, (g) => ['APPEND', g.key(), g.value()]],
  [4, (g) => ['INCR', g.key()]],
  [3, (g) => ['INCRBY', g.key(), g.pick(INCREMENTS)]],
  [3, (g) => ['DECR', g.key()]],
  [3, (g) => ['INCRBYFLOAT', g.key(), g.pick(FLOAT_INCREMENTS)]],
  [3, (g) => ['GETRANGE', g.key(), g.pick(OFFSETS), g.pick(OFFSETS)]],
  [3, (g) => ['SETRANGE', g.key(), String(g.int(0, 20)), g.value()]],
  [3, (g) => ['STRLEN', g.key()]],
  [2, (g) => ['GETSET', g.key(), g.value()]],
  [3, (g) => ['MSET', ...g.keys(g.int(1, 3)).flatMap((k) => [k, g.value()])]],
  [3, (g) => ['MGET', ...g.keys(g.int(1, 4))]],
  [2, (g) => ['MSETNX', ...g.keys(g.int(1, 3), TAGGED_KEYS).flatMap((k) => [k, g.value()])]],
  [2, (g) => ['SETNX', g.key(), g.value()]],
  [3, (g) => ['SETBIT', g.key(), String(g.int(0, 64)), g.pick(['0', '1', '1', '2'])]],
  [3, (g) => ['GETBIT', g.key(), String(g.int(0, 80))]],
  [3, (g) => {
    const cmd = ['BITCOUNT', g.key()];
    if (g.chance(0.6)) cmd.push(g.pick(OFFSETS), g.pick(OFFSETS));
    if (cmd.length === 4 && g.chance(0.3)) cmd.push(g.pick(['BYTE', 'BIT']));
    return cmd;
  }],
  [3, (g) => {
    const cmd = ['BITPOS', g.key(), g.pick(['0', '1'])];
    if (g.chance(0.5)) cmd.push(g.pick(OFFSETS));
    if (cmd.length === 4 && g.chance(0.5)) cmd.push(g.pick(OFFSETS));
    if (cmd.length === 5 && g.chance(0.3)) cmd.push(g.pick(['BYTE', 'BIT']));
    return cmd;
  }],
  [4, (g) => ['DEL', ...g.keys(g.int(1, 3))]],
  [3, (g) => ['EXISTS', ...g.keys(g.int(1, 3))]],
  [3, (g) => {
    const cmd = ['EXPIRE', g.key(), g.pick(['100', '500', '1000', '0', '-5'])];
    // GT and LT compare absolute times, so equal durations given a millisecond apart would
    // decide differently on the two servers: they live in the hand-written tests instead.
    if (g.chance(0.2)) cmd.push(g.pick(['NX', 'XX']));
    return cmd;
  }],
  [2, (g) => ['PEXPIRE', g.key(), g.pick(['100000', '500000', '0'])]],
  [2, (g) => ['PERSIST', g.key()]],
  [3, (g) => ['TTL', g.key()]],
  [2, (g) => ['PTTL', g.key()]],
  [3, (g) => ['TYPE', g.key()]],
  [2, (g) => ['RENAME', g.tagged(), g.tagged()]],
  [2, (g) => ['RENAMENX', g.tagged(), g.tagged()]],
  [1, () => ['DBSIZE']],
  // The only non-string writes: they make the WRONGTYPE paths of everything above reachable.
  [1, (g) => ['SADD', g.key(), g.value()]],
  [1, (g) => ['HSET', g.key(), 'f', g.value()]],
];

const TOTAL_WEIGHT = MAKERS.reduce((s, [w]) => s + w, 0);

/** A reproducible sequence of `count` string and key commands for `seed`. */
export function randomCommands(seed: number, count: number): Command[] {
  const g = new Gen(seed);
  const out: Command[] = [];
  for (let i = 0; i < count; i++) {
    let r = g.rnd() * TOTAL_WEIGHT;
    let maker = MAKERS[MAKERS.length - 1]![1];
    for (const [w, m] of MAKERS) {
      if (r < w) {
        maker = m;
        break;
      }
      r -= w;
    }
    out.push(maker(g));
  }
  return out;
}
