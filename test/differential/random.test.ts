/**
 * Seeded random sequences of string and key commands, compared byte for byte with
 * redis-server. A failure names the seed and the commands before the mismatch; replay one seed
 * with SLOTKV_SEEDS=1234 (comma-separated) and SLOTKV_RANDOM_COMMANDS=n.
 */
import { describe, it } from 'vitest';
import { randomCommands, useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const SEEDS = process.env.SLOTKV_SEEDS
  ? process.env.SLOTKV_SEEDS.split(',').map((x) => Number(x.trim()))
  : [1, 7, 20240601];
const COMMANDS = Number(process.env.SLOTKV_RANDOM_COMMANDS ?? 500);

describe.each(SLOTKV_CONFIGS)('random string and key commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it.each(SEEDS)(`seed %i: ${COMMANDS} commands give the same replies`, async (seed) => {
    s.d.setContext(`seed ${seed}; replay with SLOTKV_SEEDS=${seed}`);
    await s.d.run(randomCommands(seed, COMMANDS));
  });
});
