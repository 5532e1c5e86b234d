/**
 * RESP protocol handling compared byte for byte with redis-server: inline commands, large
 * pipelines, commands split across writes, malformed input (error text and connection close),
 * unknown-command and arity errors.
 */
import { describe, expect, it } from 'vitest';
import { assertSameBytes, useDifferential } from '../helpers/differential.ts';
import { RespClient, encodeCommand, escapeBytes } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `bytes` in pieces cut at `cuts`, pausing so each piece is its own TCP segment. */
async function writeInPieces(c: RespClient, bytes: Buffer, cuts: readonly number[]): Promise<void> {
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    await c.write(bytes.subarray(from, to));
    await sleep(1);
    from = to;
  }
}

const everyByte = (n: number) => Array.from({ length: n - 1 }, (_, i) => i + 1);

describe.each(SLOTKV_CONFIGS)('protocol handling matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  /** Runs `io` on each server's connection and requires identical bytes back. */
  async function same(what: string, io: (c: RespClient) => Promise<Buffer>): Promise<Buffer> {
    const ref = await io(s.d.ref);
    const sub = await io(s.d.sub);
    assertSameBytes(what, ref, sub);
    return sub;
  }

  /** Sends raw bytes, reads `n` replies from each server and compares them. */
  const sameReplies = (bytes: string | Buffer, n: number) =>
    same(escapeBytes(Buffer.from(bytes), 60), async (c) => {
      await c.write(bytes);
      return Buffer.concat(await c.read(n));
    });

  /** Sends raw bytes and compares everything each server sends until it closes the connection. */
  const sameUntilClose = (bytes: string | Buffer) =>
    same(escapeBytes(Buffer.from(bytes), 60), async (c) => {
      await c.write(bytes);
      return c.readUntilClose(5_000);
    });

  it('inline commands are answered like multibulk ones, blank lines ignored', () =>
    sameReplies(
      'PING\r\nSET a b\r\nGET a\r\n\r\nset  x   "hello world"  \r\nGET x\r\n\nECHO \'single quoted\'\n' +
        'SET y "\\x41\\r\\n\\"q\\""\r\nGET y\r\nPING\n',
      9,
    ));

  it('an inline command with unbalanced quotes is a protocol error that closes the connection', async () => {
    const out = await sameUntilClose('PING\r\nSET a "b\r\n');
    expect(out.toString()).toBe('+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n');
  });

  it('5000 pipelined commands in one write get 5000 replies in order', () => {
    const cmds: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      const k = `key:${i % 700}`;
      switch (i % 5) {
        case 0: cmds.push(encodeCommand(['SET', k, `value-${i}`])); break;
        case 1: cmds.push(encodeCommand(['GET', k])); break;
        case 2: cmds.push(encodeCommand(['INCR', `counter:${i % 3}`])); break;
        case 3: cmds.push(encodeCommand(['MGET', k, `key:${(i * 7) % 700}`, 'missing'])); break;
        default: cmds.push(encodeCommand(['APPEND', k, 'x'])); break;
      }
    }
    return sameReplies(Buffer.concat(cmds), cmds.length);
  });

  it('a multibulk command split byte by byte across writes is parsed once whole', () =>
    same('SET split byte by byte', async (c) => {
      const bytes = Buffer.concat([encodeCommand(['SET', 'k', 'v\r\nv']), encodeCommand(['GET', 'k'])]);
      await writeInPieces(c, bytes, everyByte(bytes.length));
      return Buffer.concat(await c.read(2));
    }));

  it('an inline command split byte by byte across writes is parsed once whole', () =>
    same('inline split byte by byte', async (c) => {
      const bytes = Buffer.from('SET inl "a b"\r\nGET inl\r\n');
      await writeInPieces(c, bytes, everyByte(bytes.length));
      return Buffer.concat(await c.read(2));
    }));

  it('a large bulk split inside its length line and its CRLF is parsed whole', () =>
    same('large bulk in pieces', async (c) => {
      const bytes = Buffer.concat([encodeCommand(['SET', 'big', Buffer.alloc(100_000, 'z')]), encodeCommand(['STRLEN', 'big'])]);
      const header = bytes.indexOf('$100000');
      await writeInPieces(c, bytes, [header + 3, header + 8, 50_000, bytes.indexOf('*2') - 1]);
      return Buffer.concat(await c.read(2));
    }));

  it('PING and ECHO answer alike in every form, pipelined or not', async () => {
    await s.d.run([
      ['PING'], ['ping', 'hello'], ['PING', 'a\r\nb\0'], ['PING', ''], ['PING', 'a', 'b'], ['ECHO', 'x\0y'], ['ECHO', ''], ['ECHO'],
    ]);
    await sameReplies(`${'*1\r\n$4\r\nPING\r\n'.repeat(20)}*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\nPING\r\n`, 22);
  });

  it('empty and null multibulks are ignored', () => sameReplies('*0\r\n*-1\r\nPING\r\n', 1));

  it('an invalid multibulk length is a protocol error that closes the connection', async () => {
    const out = await sameUntilClose('*abc\r\n');
    expect(out.toString()).toBe('-ERR Protocol error: invalid multibulk length\r\n');
  });

  it('commands before a protocol error in the same write are still answered', async () => {
    const out = await sameUntilClose('PING\r\n*1\r\n$4\r\nPING\r\n*abc\r\nPING\r\n');
    expect(out.toString()).toBe('+PONG\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n');
  });

  it('a multibulk length over INT_MAX is invalid', () => sameUntilClose('*3000000000\r\n'));

  it('an invalid bulk length is a protocol error that closes the connection', async () => {
    const out = await sameUntilClose('*1\r\n$x\r\n');
    expect(out.toString()).toBe('-ERR Protocol error: invalid bulk length\r\n');
  });

  it('negative and oversized bulk lengths are invalid', async () => {
    const out = await sameUntilClose('*1\r\n$-1\r\n');
    expect(out.toString()).toBe('-ERR Protocol error: invalid bulk length\r\n');
    const fresh = await Promise.all([RespClient.connect(s.redis.port), RespClient.connect(s.slotkv.port)]);
    try {
      const [ref, sub] = await Promise.all(
        fresh.map(async (c) => {
          await c.write('*1\r\n$536870913\r\n');
          return c.readUntilClose(5_000);
        }),
      );
      assertSameBytes('bulk over proto-max-bulk-len', ref!, sub!);
    } finally {
      for (const c of fresh) c.close();
    }
  });

  it("a multibulk element not starting with '$' is a protocol error", async () => {
    const out = await sameUntilClose('*1\r\nfoo\r\n');
    expect(out.toString()).toBe("-ERR Protocol error: expected '$', got 'f'\r\n");
  });

  it('an unknown command names itself and its first arguments, and the connection stays open', async () => {
    const out = await sameReplies(
      Buffer.concat([
        encodeCommand(['FOO']),
        encodeCommand(['foo', 'a', 'b']),
        encodeCommand(['NOSUCH', 'x'.repeat(200), 'y']),
        encodeCommand(['Z'.repeat(300)]),
        encodeCommand(['BAR', 'a\r\nb']),
        encodeCommand(['']),
        encodeCommand(['PING']),
      ]),
      7,
    );
    expect(out.toString()).toMatch(/^-ERR unknown command 'FOO', with args beginning with: \r\n/);
  });

  it('a wrong number of arguments is an arity error naming the command in lower case', async () => {
    const out = await sameReplies(
      Buffer.concat(
        [['GET'], ['GeT', 'a', 'b'], ['SET', 'a'], ['MSET', 'a'], ['MGET'], ['DEL'], ['INCRBY', 'a'], ['PING']].map(
          (c) => encodeCommand(c),
        ),
      ),
      8,
    );
    expect(out.toString()).toMatch(/^-ERR wrong number of arguments for 'get' command\r\n/);
  });
});
