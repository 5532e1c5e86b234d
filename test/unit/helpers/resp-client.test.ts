/**
 * Reply framing of the raw test client: every case is fed whole and byte by byte, through a
 * real socket, and must come back as exactly the bytes sent.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  RespClient,
  RespFramingError,
  decodeReply,
  encodeCommand,
  escapeBytes,
  replyEnd,
  splitReplies,
} from '../../helpers/resp-client.ts';

const CASES: [string, string][] = [
  ['a simple string', '+OK\r\n'],
  ['an empty simple string', '+\r\n'],
  ['an error', '-ERR unknown command \'foo\', with args beginning with: \r\n'],
  ['an integer', ':42\r\n'],
  ['a negative integer', ':-9223372036854775808\r\n'],
  ['a bulk string', '$5\r\nhello\r\n'],
  ['an empty bulk string', '$0\r\n\r\n'],
  ['a null bulk string', '$-1\r\n'],
  ['a binary bulk string with CRLF and NUL inside', '$6\r\n\r\n\0\r\n\0\r\n'],
  ['a bulk whose payload looks like a reply', '$7\r\n*1\r\n:1\r\r\n'],
  ['an empty array', '*0\r\n'],
  ['a null array', '*-1\r\n'],
  ['an array of mixed replies', '*5\r\n:1\r\n$-1\r\n+x\r\n-ERR y\r\n$2\r\nab\r\n'],
  ['a nested array', '*2\r\n*2\r\n$1\r\na\r\n*0\r\n*1\r\n*-1\r\n'],
  ['a SCAN-like reply', '*2\r\n$1\r\n0\r\n*3\r\n$2\r\nk1\r\n$2\r\nk2\r\n$2\r\nk3\r\n'],
];

const ALL = CASES.map(([, bytes]) => bytes).join('');

describe('replyEnd', () => {
  it.each(CASES)('frames %s when given whole', (_name, bytes) => {
    const b = Buffer.from(bytes, 'latin1');
    expect(replyEnd(b, 0)).toBe(b.length);
  });

  it.each(CASES)('reports %s as incomplete for every proper prefix', (_name, bytes) => {
    const b = Buffer.from(bytes, 'latin1');
    for (let i = 0; i < b.length; i++) expect(replyEnd(b.subarray(0, i), 0)).toBe(-1);
  });

  it('splits a stream of replies at the right boundaries', () => {
    const { replies, rest } = splitReplies(Buffer.from(ALL + '$3\r\nab', 'latin1'));
    expect(replies.map((r) => r.toString('latin1'))).toEqual(CASES.map(([, b]) => b));
    expect(rest.toString('latin1')).toBe('$3\r\nab');
  });

  it('rejects an unknown type byte', () => {
    expect(() => replyEnd(Buffer.from('?what\r\n'), 0)).toThrow(RespFramingError);
  });

  it('rejects a bulk string not followed by CRLF', () => {
    expect(() => replyEnd(Buffer.from('$2\r\nabc\r\n'), 0)).toThrow(RespFramingError);
  });
});

describe('decodeReply', () => {
  it('decodes every reply type', () => {
    const v = decodeReply(Buffer.from('*5\r\n:1\r\n$-1\r\n+x\r\n-ERR y\r\n*1\r\n$2\r\nab\r\n'));
    expect(v).toEqual([1n, null, 'x', { error: 'ERR y' }, [Buffer.from('ab')]]);
  });
});

describe('encodeCommand and escapeBytes', () => {
  it('encodes a multibulk with binary arguments', () => {
    expect(encodeCommand(['SET', Buffer.from('a\r\n'), 7]).toString('latin1')).toBe(
      '*3\r\n$3\r\nSET\r\n$3\r\na\r\n\r\n$1\r\n7\r\n',
    );
  });

  it('shows control bytes escaped and cuts long buffers', () => {
    expect(escapeBytes(Buffer.from('a\r\n\0\xff', 'latin1'))).toBe('"a\\r\\n\\0\\xff"');
    expect(escapeBytes(Buffer.alloc(1000, 0x61), 3)).toBe('"aaa"...(1000 bytes in all)');
  });
});

describe('RespClient over a socket', () => {
  let server: Server;
  let port: number;
  let peer: Socket | undefined;
  let client: RespClient | undefined;
  const accepted: Socket[] = [];

  beforeAll(async () => {
    server = createServer((s) => {
      accepted.push(s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  afterAll(() => {
    server.close();
  });

  afterEach(() => {
    client?.close();
    peer?.destroy();
    client = undefined;
    peer = undefined;
  });

  async function connect(): Promise<[RespClient, Socket]> {
    const c = await RespClient.connect(port);
    while (accepted.length === 0) await new Promise((r) => setTimeout(r, 1));
    const s = accepted.shift()!;
    s.setNoDelay(true);
    client = c;
    peer = s;
    return [c, s];
  }

  /** Writes bytes one per write, letting each reach the client before the next. */
  async function dribble(s: Socket, bytes: Buffer): Promise<void> {
    for (const byte of bytes) {
      await new Promise<void>((r) => s.write(Buffer.of(byte), () => r()));
      await new Promise((r) => setImmediate(r));
    }
  }

  it('returns exactly N replies as raw bytes when they arrive in one chunk', async () => {
    const [c, s] = await connect();
    s.write(Buffer.from(ALL, 'latin1'));
    const replies = await c.read(CASES.length);
    expect(replies.map((r) => r.toString('latin1'))).toEqual(CASES.map(([, b]) => b));
  });

  it('returns exactly N replies when they arrive byte by byte', async () => {
    const [c, s] = await connect();
    const reading = c.read(CASES.length);
    await dribble(s, Buffer.from(ALL, 'latin1'));
    const replies = await reading;
    expect(replies.map((r) => r.toString('latin1'))).toEqual(CASES.map(([, b]) => b));
  });

  it('leaves later replies buffered for the next read', async () => {
    const [c, s] = await connect();
    s.write('+a\r\n+b\r\n:3\r\n');
    expect((await c.read(1))[0]!.toString()).toBe('+a\r\n');
    expect((await c.read(2)).map(String)).toEqual(['+b\r\n', ':3\r\n']);
  });

  it('frames a 1 MB bulk string split across many chunks', async () => {
    const [c, s] = await connect();
    const payload = Buffer.alloc(1024 * 1024, 'x');
    s.write(Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n')]));
    const [reply] = await c.read(1);
    expect(reply!.length).toBe(`$${payload.length}\r\n`.length + payload.length + 2);
  });

  it('sends commands as multibulk', async () => {
    const [c, s] = await connect();
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    const pending = c.call('GET', 'k');
    while (Buffer.concat(got).length < 18) await new Promise((r) => setTimeout(r, 1));
    expect(Buffer.concat(got).toString()).toBe('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    s.write('$-1\r\n');
    expect((await pending).toString()).toBe('$-1\r\n');
  });

  it('readUntilClose returns the final bytes once the server closes', async () => {
    const [c, s] = await connect();
    s.end('-ERR Protocol error: invalid multibulk length\r\n');
    const rest = await c.readUntilClose(2_000);
    expect(rest.toString()).toBe('-ERR Protocol error: invalid multibulk length\r\n');
    expect(c.closed).toBe(true);
  });

  it('readUntilClose times out when the server keeps the connection open', async () => {
    const [c] = await connect();
    await expect(c.readUntilClose(100)).rejects.toThrow(/did not close/);
  });

  it('a read fails with the buffered bytes when the server closes mid-reply', async () => {
    const [c, s] = await connect();
    s.end('$10\r\nabc');
    await expect(c.read(1)).rejects.toThrow(/closed while waiting.*\$10\\r\\nabc/);
  });

  it('a read times out showing the partial reply', async () => {
    const [c, s] = await connect();
    s.write('*2\r\n:1\r\n');
    await expect(c.read(1, 100)).rejects.toThrow(/timed out.*\*2\\r\\n:1\\r\\n/);
  });
});
