import { describe, expect, it } from 'vitest';
import { Framer } from '../../../src/server/framer.ts';

interface Outcome {
  commands: string[][];
  errors: string[];
}

/**
 * Feeds input in the given pieces and collects what the framer emitted. Each piece goes through
 * one read buffer that is scribbled over after every feed, as the connection reuses its buffer:
 * whatever the framer keeps of a split command must be its own copy.
 */
function frame(pieces: Buffer[], opts: { maxBulk?: number; authenticated?: boolean; offsets?: boolean } = {}): Outcome {
  const outcome: Outcome = { commands: [], errors: [] };
  const strings = (argv: Buffer[]) => outcome.commands.push(argv.map((a) => a.toString('latin1')));
  const framer = new Framer(
    {
      command: strings,
      // Commands found whole in one read arrive as offsets, unless the connection does not ask.
      framedCommand: opts.offsets === false ? undefined : (cmd) => strings(cmd.views()),
      protocolError: (m) => outcome.errors.push(m),
    },
    opts.maxBulk ?? 512 * 1024 * 1024,
    opts.authenticated ?? true,
  );
  const readBuffer = Buffer.alloc(Math.max(64, ...pieces.map((p) => p.length)));
  for (const p of pieces) {
    p.copy(readBuffer);
    framer.feed(readBuffer.subarray(0, p.length));
    readBuffer.fill(0x23); // '#'
  }
  return outcome;
}

const whole = (s: string | Buffer) => [Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1')];
const byteByByte = (s: string | Buffer) => [...(Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'))].map((b) => Buffer.from([b]));
const inTwo = (s: string, at: number) => [Buffer.from(s.slice(0, at), 'latin1'), Buffer.from(s.slice(at), 'latin1')];

/** Every case runs whole, byte by byte, and split at every position. */
function everySplit(input: string): Buffer[][] {
  const splits = [whole(input), byteByByte(input)];
  for (let at = 1; at < input.length; at++) splits.push(inTwo(input, at));
  return splits;
}

describe('Framer', () => {
  it('frames a multibulk command however the bytes arrive', () => {
    for (const pieces of everySplit('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n')) {
      expect(frame(pieces)).toEqual({ commands: [['SET', 'k', 'hello']], errors: [] });
    }
  });

  it('hands whole commands to a listener without framedCommand as argv too', () => {
    for (const pieces of everySplit('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n')) {
      expect(frame(pieces, { offsets: false })).toEqual({ commands: [['GET', 'k'], ['PING']], errors: [] });
    }
  });

  it('reports offsets into the read for a command found whole in it', () => {
    const seen: number[][] = [];
    const framer = new Framer(
      { command: () => seen.push([-1]), framedCommand: (cmd) => seen.push([cmd.argc, ...cmd.starts.subarray(0, cmd.argc), ...cmd.ends.subarray(0, cmd.argc)]), protocolError: () => {} },
      1024,
      true,
    );
    framer.feed(Buffer.from('*2\r\n$3\r\nGET\r\n$2\r\nab\r\n'));
    expect(seen).toEqual([[2, 8, 17, 11, 19]]);
  });

  it('numbers commands so that only one framed right after another in the same read follows it', () => {
    const seqs: [string, number][] = [];
    const framer = new Framer(
      {
        command: (argv) => seqs.push([argv[0]!.toString(), framer.seq]),
        framedCommand: (cmd) => seqs.push([cmd.data.latin1Slice(cmd.starts[0]!, cmd.ends[0]!), cmd.seq]),
        protocolError: () => {},
      },
      1024,
      true,
    );
    const get = '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n';
    framer.feed(Buffer.from(`${get}${get}*1\r\n$4\r\nPI`));
    framer.feed(Buffer.from(`NG\r\n${get}`));
    framer.feed(Buffer.from(get));
    const [first, second, ping, third, fourth] = seqs.map(([, seq]) => seq);
    expect(seqs.map(([name]) => name)).toEqual(['GET', 'GET', 'PING', 'GET', 'GET']);
    expect(second).toBe(first! + 1); // the same read, one after the other
    expect(third).toBe(ping! + 1); // after PING (framed across reads, as argv), in the same read
    expect(fourth).toBeGreaterThan(third! + 1); // the first of a new read
  });

  it('lends bulks that straddle reads a pooled buffer for the dispatch, two bulks of one command two buffers', () => {
    // Where each argument's bytes lie: its memory and offset (small Buffers share Node's slabs).
    const seen: { values: string[]; buffers: string[] }[] = [];
    const ids = new Map<ArrayBufferLike, number>();
    const where = (a: Buffer): string => `${ids.get(a.buffer) ?? ids.set(a.buffer, ids.size).size - 1}@${a.byteOffset}`;
    const framer = new Framer(
      {
        command: (argv) => seen.push({ values: argv.map((a) => a.toString('latin1')), buffers: argv.map(where) }),
        protocolError: (m) => { throw new Error(m); },
      },
      1024 * 1024,
      true,
    );
    const request = (...args: string[]) => Buffer.from(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1');
    // Each request arrives in two reads, split inside its big bulk(s).
    const send = (req: Buffer) => {
      framer.feed(Buffer.from(req.subarray(0, 40)));
      framer.feed(Buffer.from(req.subarray(40)));
    };
    const [a, b] = ['a'.repeat(5000), 'b'.repeat(5000)];
    send(request('SET', 'k', a));
    send(request('SET', 'k', b));
    expect(seen.map((x) => x.values)).toEqual([['SET', 'k', a], ['SET', 'k', b]]);
    expect(seen[1]!.buffers[2]).toBe(seen[0]!.buffers[2]); // the same pooled buffer, lent again
    const twoBig = request('MSET', 'x', a, 'y', b);
    // Reads split inside both values: the first starts at byte 30, the second at 5046.
    framer.feed(Buffer.from(twoBig.subarray(0, 30)));
    framer.feed(Buffer.from(twoBig.subarray(30, 5030)));
    framer.feed(Buffer.from(twoBig.subarray(5030, 5100)));
    framer.feed(Buffer.from(twoBig.subarray(5100)));
    const last = seen.at(-1)!;
    expect(last.values).toEqual(['MSET', 'x', a, 'y', b]);
    expect(last.buffers[2]).not.toBe(last.buffers[4]);
    expect(last.buffers[2]).toBe(seen[0]!.buffers[2]); // the first value went into the pooled buffer
  });

  it('frames a command with more arguments than its first offset arrays hold', () => {
    const args = ['MSET', ...Array.from({ length: 150 }, (_, i) => `k${i}`)];
    const input = `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
    expect(frame(whole(input))).toEqual({ commands: [args], errors: [] });
    expect(frame(inTwo(input, 500))).toEqual({ commands: [args], errors: [] });
  });

  it('frames a pipeline of mixed multibulk and inline commands in order', () => {
    const input = '*1\r\n$4\r\nPING\r\nGET a\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\nINCR  b\n';
    for (const pieces of everySplit(input)) {
      expect(frame(pieces).commands).toEqual([['PING'], ['GET', 'a'], ['ECHO', ''], ['INCR', 'b']]);
    }
  });

  it('keeps binary bytes, CR and LF inside bulk strings', () => {
    const value = Buffer.from([0, 13, 10, 255, 42, 13]);
    const input = Buffer.concat([Buffer.from('*2\r\n$3\r\nSET\r\n$6\r\n'), value, Buffer.from('\r\n')]);
    for (const pieces of [whole(input), byteByByte(input)]) {
      expect(frame(pieces).commands).toEqual([['SET', value.toString('latin1')]]);
    }
  });

  it('frames thousands of commands in one packet', () => {
    const input = '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n'.repeat(5000);
    expect(frame(whole(input)).commands).toHaveLength(5000);
  });

  it('frames a bulk larger than one read without re-scanning it', () => {
    const big = 'x'.repeat(200_000);
    const input = `*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`;
    const pieces: Buffer[] = [];
    for (let i = 0; i < input.length; i += 65536) pieces.push(Buffer.from(input.slice(i, i + 65536), 'latin1'));
    const out = frame(pieces);
    expect(out.commands).toHaveLength(1);
    expect(out.commands[0]![1]).toBe(big);
  });

  it('splits inline arguments with quotes and escapes as Redis does', () => {
    expect(frame(whole('SET "a b" \'c d\' "\\x41\\n"\r\n')).commands).toEqual([['SET', 'a b', 'c d', 'A\n']]);
  });

  it('ignores empty lines and empty multibulk requests', () => {
    expect(frame(whole('\r\n\n*0\r\n*-1\r\nPING\r\n')).commands).toEqual([['PING']]);
  });

  it('answers an invalid multibulk length and stops', () => {
    for (const pieces of everySplit('*abc\r\nPING\r\n')) {
      expect(frame(pieces)).toEqual({ commands: [], errors: ['ERR Protocol error: invalid multibulk length'] });
    }
  });

  it('answers an invalid bulk length', () => {
    for (const pieces of everySplit('*1\r\n$x\r\n')) {
      expect(frame(pieces).errors).toEqual(['ERR Protocol error: invalid bulk length']);
    }
    expect(frame(whole('*1\r\n$-1\r\n')).errors).toEqual(['ERR Protocol error: invalid bulk length']);
  });

  it("answers expected '$' with the byte it got", () => {
    expect(frame(whole('*1\r\nfoo\r\n')).errors).toEqual(["ERR Protocol error: expected '$', got 'f'"]);
  });

  it('refuses a bulk longer than proto-max-bulk-len', () => {
    expect(frame(whole('*1\r\n$2000\r\n'), { maxBulk: 1024 }).errors).toEqual(['ERR Protocol error: invalid bulk length']);
  });

  it('runs the commands before a protocol error, then stops', () => {
    const out = frame(whole('PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n'));
    expect(out.commands).toEqual([['PING'], ['ECHO']]);
    expect(out.errors).toEqual(['ERR Protocol error: invalid multibulk length']);
  });

  it('answers unbalanced quotes in an inline request', () => {
    expect(frame(whole('SET "a\r\n')).errors).toEqual(['ERR Protocol error: unbalanced quotes in request']);
  });

  it('refuses an inline request longer than 64 KB without a newline', () => {
    expect(frame(whole('A'.repeat(70_000))).errors).toEqual(['ERR Protocol error: too big inline request']);
  });

  it('refuses large requests before AUTH', () => {
    expect(frame(whole('*11\r\n'), { authenticated: false }).errors).toEqual(['ERR Protocol error: unauthenticated multibulk length']);
    expect(frame(whole('*1\r\n$20000\r\n'), { authenticated: false }).errors).toEqual(['ERR Protocol error: unauthenticated bulk length']);
  });
});
