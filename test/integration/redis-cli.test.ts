/**
 * redis-cli against slotkv: one-shot commands and --pipe mass insertion.
 */
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp-client.ts';
import { runTool } from '../helpers/run-tool.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';
import { useSlotkv } from '../helpers/use-slotkv.ts';

describe.each(SLOTKV_CONFIGS)('redis-cli against slotkv ($name)', (config) => {
  const server = useSlotkv(config);
  const cli = (...args: string[]) => runTool('redis-cli', ['-h', server.host, '-p', String(server.port), ...args]);

  it('SET and GET from the command line print OK and the value', async () => {
    expect(await cli('SET', 'a', 'b')).toEqual({ code: 0, stdout: 'OK\n', stderr: '' });
    expect(await cli('GET', 'a')).toEqual({ code: 0, stdout: 'b\n', stderr: '' });
    expect((await cli('GET', 'missing')).stdout).toBe('\n');
    // Outside a terminal redis-cli prints an error reply bare, followed by a blank line.
    expect((await cli('INCR', 'a')).stdout).toBe('ERR value is not an integer or out of range\n\n');
  });

  it('--pipe sends thousands of commands and reports every reply with no errors', async () => {
    const cmds: Buffer[] = [];
    for (let i = 0; i < 3000; i++) cmds.push(encodeCommand(['SET', `pipe:${i}`, `v${i}`]));
    for (let i = 0; i < 1000; i++) cmds.push(encodeCommand(['INCR', 'pipe:counter']));
    const r = await runTool('redis-cli', ['-h', server.host, '-p', String(server.port), '--pipe'], Buffer.concat(cmds));
    expect(r.code, r.stdout + r.stderr + server.output()).toBe(0);
    expect(r.stdout).toContain(`errors: 0, replies: ${cmds.length}`);
    expect((await cli('GET', 'pipe:2999')).stdout).toBe('v2999\n');
    expect((await cli('GET', 'pipe:counter')).stdout).toBe('1000\n');
  });
});
