import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FloorProtocol } from '../../../native-free-bench/floor.ts';
import { command, startTarget, type Target } from '../../../native-free-bench/targets.ts';

const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

/** Feeds text to a fresh protocol; the replies it wrote and where it stopped. */
function answer(text: string, outSize = 1024): { replies: string; stoppedAt: number; full: boolean } {
  const p = new FloorProtocol(5);
  const out = Buffer.alloc(outSize);
  const buf = Buffer.from(text, 'latin1');
  const stoppedAt = p.answer(buf, 0, buf.length, out, 0);
  return { replies: out.latin1Slice(0, p.outEnd), stoppedAt, full: p.outFull };
}

describe('the Node floor protocol', () => {
  it('answers a pipeline with a canned reply of each command type, in order', () => {
    const text = resp('GET', 'k') + resp('set', 'k', 'v') + resp('PING') + resp('INCR', 'n') + resp('NOPE');
    const r = answer(text);
    expect(r.replies).toBe('$5\r\nxxxxx\r\n+OK\r\n+PONG\r\n:1\r\n-ERR unknown command\r\n');
    expect(r.stoppedAt).toBe(text.length);
  });

  it('stops before a request cut short at any byte, and answers it whole once it is all there', () => {
    const first = resp('PING');
    const second = resp('SET', 'key:1', 'value');
    for (let cut = 1; cut < second.length; cut++) {
      const r = answer(first + second.slice(0, cut));
      expect(r.replies, `cut at ${cut}`).toBe('+PONG\r\n');
      expect(r.stoppedAt, `cut at ${cut}`).toBe(first.length);
    }
    expect(answer(first + second).replies).toBe('+PONG\r\n+OK\r\n');
  });

  it('stops where the next reply would not fit, and says so', () => {
    const text = resp('PING') + resp('PING') + resp('PING');
    const r = answer(text, 15);
    expect(r.replies).toBe('+PONG\r\n+PONG\r\n');
    expect(r.full).toBe(true);
    expect(r.stoppedAt).toBe(2 * resp('PING').length);
  });
});

describe('the Node floor server', () => {
  let floor: Target;
  beforeAll(async () => {
    floor = await startTarget({ name: 'node floor', kind: 'floor', args: ['--value-size', '4'] });
  });
  afterAll(async () => {
    await floor.stop();
  });

  it('answers over TCP as the bench targets need: PING, GET with the value size, DBSIZE', async () => {
    expect(await command(floor.port, 'PING')).toBe('+PONG\r\n');
    expect(await command(floor.port, 'GET', 'key:1')).toBe('$4\r\nxxxx\r\n');
    expect(await command(floor.port, 'DBSIZE')).toBe(':0\r\n');
  });
});
