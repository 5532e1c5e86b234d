/**
 * redis-benchmark against slotkv: every test it runs finishes with no errors and reports a
 * positive throughput. Timing figures are printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';
import { runTool } from '../helpers/run-tool.ts';

const EXPECTED_TESTS = ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET (10 keys)'];

/** The final "NAME: N requests per second" line of each test; progress lines end in \r. */
function throughputs(output: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of output.split(/[\r\n]+/)) {
    const m = /^\s*([A-Z_]+(?: \(\d+ keys\))?): ([\d.]+) requests per second/.exec(line);
    if (m) found.set(m[1]!, Number(m[2]));
  }
  return found;
}

describe.each(SLOTKV_CONFIGS)('redis-benchmark against slotkv ($name)', (config) => {
  const server = useSlotkv(config);

  it('ping, set, get, incr and mset run to completion without errors', { timeout: 90_000 }, async () => {
    const r = await runTool(
      'redis-benchmark',
      ['-h', server.host, '-p', String(server.port), '-t', 'ping,set,get,incr,mset', '-n', '20000', '-P', '16', '-q'],
      undefined,
      80_000,
    );
    const all = `${r.stdout}\n${r.stderr}`;
    const context = `redis-benchmark output:\n${all}\n--- server output ---\n${server.output()}`;
    expect(r.code, context).toBe(0);
    expect(all.split(/[\r\n]+/).filter((l) => /error/i.test(l)), context).toEqual([]);
    const rps = throughputs(r.stdout);
    expect([...rps.keys()].sort(), context).toEqual([...EXPECTED_TESTS].sort());
    for (const [test, value] of rps) expect(value, `${test} requests per second`).toBeGreaterThan(0);
  });
});
