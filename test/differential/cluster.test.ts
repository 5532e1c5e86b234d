/**
 * CLUSTER, READONLY, READWRITE and WAIT compared byte for byte with a standalone redis-server:
 * subcommand and argument checks first, then "cluster support disabled"; WAIT with no replicas.
 */
import { describe, expect, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

describe.each(SLOTKV_CONFIGS)('cluster and replication commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('CLUSTER checks its subcommand and arity, then refuses; READONLY and READWRITE refuse', () =>
    s.d.run([
      ['CLUSTER'], ['CLUSTER', 'INFO'], ['CLUSTER', 'info'], ['CLUSTER', 'INFO', 'x'], ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'NODES'], ['CLUSTER', 'KEYSLOT', 'foo'], ['CLUSTER', 'KEYSLOT'], ['CLUSTER', 'HELP'],
      ['CLUSTER', 'ADDSLOTS'], ['CLUSTER', 'ADDSLOTS', '1', '2'], ['CLUSTER', 'SETSLOT', '1'], ['CLUSTER', 'SETSLOT', '1', 'STABLE'],
      ['CLUSTER', 'GETKEYSINSLOT', '1', '10'], ['CLUSTER', 'nosuch'],
      ['READONLY'], ['READONLY', 'x'], ['READWRITE'], ['READWRITE', 'x'],
    ]));

  it('WAIT answers 0 with no replicas, after its timeout when it asked for some', async () => {
    await s.d.run([
      ['WAIT', '0', '0'], ['WAIT', '-1', '0'], ['WAIT', 'x', '1'], ['WAIT', '1', 'x'], ['WAIT', '1', '-1'],
      ['WAIT', '1', '1.5'], ['WAIT', '99999999999999999999', '0'], ['WAIT', '0', '99999999999999999999'], ['WAIT', '1'],
    ]);
    const started = Date.now();
    const [ref, sub] = await s.d.check(['WAIT', '2', '150']);
    expect(sub.toString()).toBe(ref.toString());
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 145); // each server waited its timeout
  });
});
