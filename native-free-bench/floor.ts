/**
 * The Node floor's protocol (floor-server.ts): it walks RESP requests only far enough to find
 * where each one ends and what its name is, and answers a canned reply of the type the real
 * command has. No keyspace, no command table, no argument copies: what is left of a request's
 * cost is what Node itself charges to read it and write its reply.
 */

const CR = 13;
const STAR = 42;
const DOLLAR = 36;

/** Canned replies by upper-case command name; anything else gets Redis's unknown-command error. */
function cannedReplies(valueSize: number): Map<string, Buffer> {
  const ok = Buffer.from('+OK\r\n');
  const one = Buffer.from(':1\r\n');
  const info = '# Server\r\nnode_floor:1\r\n';
  return new Map([
    ['GET', Buffer.from(`$${valueSize}\r\n${'x'.repeat(valueSize)}\r\n`)],
    ['SET', ok], ['MSET', ok], ['FLUSHALL', ok], ['FLUSHDB', ok],
    ['INCR', one], ['LPUSH', one], ['RPUSH', one], ['SADD', one], ['HSET', one], ['ZADD', one],
    ['PING', Buffer.from('+PONG\r\n')],
    ['DBSIZE', Buffer.from(':0\r\n')],
    ['INFO', Buffer.from(`$${info.length}\r\n${info}\r\n`)],
  ]);
}

export class FloorProtocol {
  private readonly replies: Map<string, Buffer>;
  private readonly unknown = Buffer.from('-ERR unknown command\r\n');
  /** Names seen so far, as sent: a load generator sends a handful, compared byte by byte. */
  private readonly seen: { name: Buffer; reply: Buffer }[] = [];
  /** The last readLine()'s value, and the last request's reply (no tuple per request). */
  private lineValue = 0;
  private reply: Buffer = this.unknown;
  /** Where answer() stopped writing, and whether it stopped for want of room. */
  outEnd = 0;
  outFull = false;

  constructor(valueSize: number) {
    this.replies = cannedReplies(valueSize);
  }

  /**
   * Answers the whole requests in buf[start, end) into out from outStart on; returns where it
   * stopped: at end, at a request not all here yet, or (outFull) where the next reply did not
   * fit. outEnd is the end of what it wrote.
   */
  answer(buf: Uint8Array, start: number, end: number, out: Buffer, outStart: number): number {
    let at = start;
    let outEnd = outStart;
    this.outFull = false;
    while (at < end) {
      const next = this.oneRequest(buf, at, end);
      if (next < 0) break;
      if (outEnd + this.reply.length > out.length) {
        this.outFull = true;
        break;
      }
      outEnd += this.reply.copy(out, outEnd);
      at = next;
    }
    this.outEnd = outEnd;
    return at;
  }

  /** The index after the request at buf[at] (its reply in this.reply), or -1 if incomplete. */
  private oneRequest(buf: Uint8Array, at: number, end: number): number {
    this.reply = this.unknown;
    if (buf[at] !== STAR) return end; // inline commands: not what a load generator sends
    let p = this.readLine(buf, at + 1, end);
    if (p < 0) return -1;
    const argc = this.lineValue;
    for (let i = 0; i < argc; i++) {
      if (p >= end) return -1;
      if (buf[p] !== DOLLAR) return end;
      const start = this.readLine(buf, p + 1, end);
      if (start < 0 || start + this.lineValue + 2 > end) return -1;
      if (i === 0) this.reply = this.replyFor(buf, start, start + this.lineValue);
      p = start + this.lineValue + 2;
    }
    return p;
  }

  /** Reads a decimal ending in CRLF at buf[at] into lineValue; the index after LF, or -1. */
  private readLine(buf: Uint8Array, at: number, end: number): number {
    let n = 0;
    for (let i = at; i < end; i++) {
      const c = buf[i]!;
      if (c === CR) {
        this.lineValue = n;
        return i + 1 < end ? i + 2 : -1;
      }
      n = n * 10 + (c - 48);
    }
    return -1;
  }

  private replyFor(buf: Uint8Array, start: number, end: number): Buffer {
    const n = end - start;
    for (const { name, reply } of this.seen) {
      if (name.length !== n) continue;
      let i = 0;
      while (i < n && name[i] === buf[start + i]) i++;
      if (i === n) return reply;
    }
    const name = Buffer.from(buf.subarray(start, end));
    const reply = this.replies.get(name.latin1Slice().toUpperCase()) ?? this.unknown;
    if (this.seen.length < 16) this.seen.push({ name, reply });
    return reply;
  }
}
