/**
 * One command to a running server and its reply, for the command-line tools: a minimal RESP2
 * client (the tools must not depend on test-only packages).
 */
import { connect } from 'node:net';

export type RespReply = string | number | null | RespReply[] | RespError;

export class RespError extends Error {}

export interface Endpoint {
  host: string;
  port: number;
  password?: string;
}

function encode(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

/** Parses one reply at pos; returns [reply, next position] or undefined if incomplete. */
function parse(buf: Buffer, pos: number): [RespReply, number] | undefined {
  const lineEnd = buf.indexOf('\r\n', pos);
  if (lineEnd < 0) return undefined;
  const line = buf.toString('utf8', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (String.fromCharCode(buf[pos]!)) {
    case '+':
      return [line, next];
    case '-':
      return [new RespError(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return undefined;
      return [buf.toString('utf8', next, next + n), next + n + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: RespReply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (r === undefined) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected reply byte ${buf[pos]}`);
  }
}

/** Sends AUTH (when a password is given) and then args; resolves with the command's reply. */
export function call(endpoint: Endpoint, args: readonly string[], timeoutMs = 600_000): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const commands = endpoint.password ? [['AUTH', endpoint.password], args] : [args];
    let buf = Buffer.alloc(0);
    const replies: RespReply[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(Buffer.concat(commands.map(encode))));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (let r = parse(buf, 0); r !== undefined; r = parse(buf, 0)) {
        replies.push(r[0]);
        buf = buf.subarray(r[1]);
      }
      if (replies.length === commands.length) {
        clearTimeout(timer);
        socket.end();
        const auth = endpoint.password ? replies[0] : null;
        if (auth instanceof RespError) reject(auth);
        else resolve(replies.at(-1)!);
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
