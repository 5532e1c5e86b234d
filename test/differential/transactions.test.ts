/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH compared byte for byte with redis-server, keys under one
 * hash tag (slotkv runs a transaction on the shard of its slot); WATCH with a second
 * connection on each server writing the watched key; and slotkv's own rule that a
 * transaction's keys share a slot.
 */
import { describe, expect, it } from 'vitest';
import { connectPair, useDifferential, type Differential } from '../helpers/differential.ts';
import { RespClient } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

describe.each(SLOTKV_CONFIGS)('transactions match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('MULTI queues, EXEC answers every reply in order, errors inside EXEC do not stop it', () =>
    s.d.run([
      ['MULTI'], ['SET', '{t}a', '1'], ['INCR', '{t}a'], ['LPUSH', '{t}a', 'x'], ['GET', '{t}a'],
      ['MGET', '{t}a', '{t}b'], ['DEL', '{t}a', '{t}b'], ['EXEC'], ['EXISTS', '{t}a'],
    ]));

  it('nesting, EXEC and DISCARD without MULTI, WATCH inside MULTI', () =>
    s.d.run([
      ['EXEC'], ['DISCARD'], ['MULTI'], ['MULTI'], ['WATCH', '{t}a'], ['SET', '{t}a', '1'], ['EXEC'],
      ['MULTI'], ['SET', '{t}a', '2'], ['DISCARD'], ['GET', '{t}a'], ['MULTI'], ['EXEC'],
    ]));

  it('an unknown command or a wrong arity dooms the transaction with EXECABORT', () =>
    s.d.run([
      ['MULTI'], ['SET', '{t}a', '1'], ['NOSUCH'], ['EXEC'], ['GET', '{t}a'],
      ['MULTI'], ['SET', '{t}a'], ['EXEC'], ['GET', '{t}a'],
    ]));

  it('a blocking pop inside MULTI answers nil at once', () =>
    s.d.run([['MULTI'], ['RPUSH', '{t}l', 'x'], ['BLPOP', '{t}empty', '0'], ['BLPOP', '{t}l', '0'], ['EXEC']]));

  it('WATCH lets EXEC run when nothing changed, and UNWATCH forgets', () =>
    s.d.run([
      ['SET', '{t}w', '1'], ['WATCH', '{t}w'], ['MULTI'], ['INCR', '{t}w'], ['EXEC'],
      ['WATCH', '{t}w'], ['SET', '{t}w', 'mine'], ['MULTI'], ['INCR', '{t}x'], ['EXEC'],
      ['WATCH', '{t}w'], ['UNWATCH'], ['SET', '{t}w', '5'], ['MULTI'], ['INCR', '{t}w'], ['EXEC'],
    ]));

  it('WATCH makes EXEC answer nil when another client changed the key', async () => {
    const other: Differential = await connectPair(s.redis, s.slotkv);
    await s.d.run([['SET', '{t}w', '1'], ['WATCH', '{t}w', '{t}v'], ['MULTI'], ['INCR', '{t}w']]);
    await other.run([['SET', '{t}w', 'changed']]);
    await s.d.run([['EXEC'], ['GET', '{t}w']]);
    // An expired watched key counts as changed too.
    await s.d.run([['SET', '{t}e', '1', 'PX', '50'], ['WATCH', '{t}e']]);
    await new Promise((r) => setTimeout(r, 120));
    await other.run([['GET', '{t}e']]);
    await s.d.run([['MULTI'], ['SET', '{t}e', '2'], ['EXEC'], ['GET', '{t}e']]);
    // FLUSHDB from another client touches every watched key of the db.
    await s.d.run([['SET', '{t}f', '1'], ['WATCH', '{t}f'], ['MULTI'], ['SET', '{t}f', '2']]);
    await other.run([['FLUSHDB']]);
    await s.d.run([['EXEC'], ['GET', '{t}f']]);
    other.ref.close();
    other.sub.close();
  });
});

describe('transactions on slotkv across slots', () => {
  const s = useDifferential(SLOTKV_CONFIGS[1]!);

  it('answer CROSSSLOT for a key in another slot, and EXECABORT at EXEC', async () => {
    const c = await RespClient.connect(s.slotkv.port);
    const replies = await c.pipeline([['MULTI'], ['SET', '{a}1', 'x'], ['SET', '{b}1', 'y'], ['EXEC'], ['GET', '{a}1']]);
    expect(replies.map((r) => r.toString('latin1'))).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
      '-EXECABORT Transaction discarded because of previous errors.\r\n',
      '$-1\r\n',
    ]);
    const watch = await c.pipeline([['WATCH', '{a}1', '{b}1'], ['WATCH', '{a}1'], ['WATCH', '{b}1']]);
    expect(watch.map((r) => r.toString('latin1'))).toEqual([
      "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
      '+OK\r\n',
      "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
    ]);
    c.close();
  });
});
