/**
 * CLIENT PAUSE and UNPAUSE argument checks, and CLIENT REPLY, compared byte for byte with
 * redis-server; what a pause does to other clients is in integration/client-pause.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { encodeCommand, RespClient, type Arg } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

/** Sends a pipeline in one write on a fresh connection; the replies that come back, as bytes. */
async function pipelineReplies(port: number, commands: readonly (readonly Arg[])[], expected: number): Promise<string> {
  const c = await RespClient.connect(port);
  await c.write(Buffer.concat(commands.map((cmd) => encodeCommand(cmd))));
  const replies = await c.read(expected);
  c.close();
  return Buffer.concat(replies).toString('latin1');
}

describe.each(SLOTKV_CONFIGS)('CLIENT PAUSE matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('checks its timeout and mode as Redis 7.0 does', () =>
    s.d.run([
      ['CLIENT', 'PAUSE'], ['CLIENT', 'PAUSE', 'x'], ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', '1.5'],
      ['CLIENT', 'PAUSE', '99999999999999999999'], ['CLIENT', 'PAUSE', '10', 'foo'], ['CLIENT', 'PAUSE', '10', '1'],
      ['CLIENT', 'PAUSE', '10', 'all', 'x'], ['CLIENT', 'PAUSE', '0'], ['CLIENT', 'PAUSE', '0', 'WRITE'],
      ['CLIENT', 'UNPAUSE', 'x'], ['CLIENT', 'UNPAUSE'], ['PING'],
    ]));

  it('CLIENT REPLY checks its argument as Redis 7.0 does', () =>
    s.d.run([['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'foo'], ['CLIENT', 'REPLY', 'on', 'x'], ['CLIENT', 'REPLY', 'ON']]));

  it('CLIENT REPLY OFF and SKIP drop replies, shard replies and errors alike, until ON', async () => {
    await s.d.run([['MSET', 'a', '2', 'b', '3']]);
    const commands: Arg[][] = [
      ['CLIENT', 'REPLY', 'OFF'], ['GET', 'a'], ['MGET', 'a', 'b'], ['NOPE'], ['INCR', 'a'], ['CLIENT', 'REPLY', 'SKIP'],
      ['PING'], ['CLIENT', 'REPLY', 'ON'], ['GET', 'a'], ['CLIENT', 'REPLY', 'SKIP'], ['MGET', 'a', 'b'], ['PING'],
      ['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'ON'], ['PING'],
    ];
    const [ref, sub] = await Promise.all([s.redis, s.slotkv].map((h) => pipelineReplies(h.port, commands, 5)));
    expect(sub).toBe(ref);
    expect(sub).toBe('+OK\r\n$1\r\n3\r\n+PONG\r\n+OK\r\n+PONG\r\n');
  });
});
