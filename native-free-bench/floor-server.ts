/**
 * The Node floor (`npm run bench -- --compare --floor`): a server that answers every request
 * with a canned reply (floor.ts), reading and writing the way slotkv's connection code does:
 * every read into one shared buffer through the socket's user-buffer callback, replies gathered
 * per connection and written with fs.writeSync at the end of the event-loop turn. It keeps no
 * data, so its cost per request is what Node charges for the socket work alone. slotkv pays
 * that and its own work on top: on a machine where the floor does not beat redis-server, slotkv
 * cannot either.
 *
 *   node native-free-bench/floor-server.ts --port P [--value-size B]
 */
import * as net from 'node:net';
import { socketFd, writeDirect } from '../src/server/direct-write.ts';
import { readIntoBuffer } from '../src/server/read-buffer.ts';
import { FloorProtocol } from './floor.ts';

interface FloorConnection {
  socket: net.Socket;
  fd: number;
  /** The start of a request the last read cut short (copied: the read buffer is shared). */
  rest: Buffer | null;
  out: Buffer;
  outLen: number;
  queued: boolean;
}

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const protocol = new FloorProtocol(argValue('--value-size', 3));
const readBuffer = Buffer.alloc(64 * 1024);
let toFlush: FloorConnection[] = [];
let flushScheduled = false;

function write(c: FloorConnection): void {
  if (c.outLen === 0) return;
  const written = writeDirect(c.socket, c.fd, c.out, c.outLen);
  if (written < c.outLen) c.socket.write(Buffer.from(c.out.subarray(written, c.outLen)));
  c.outLen = 0;
}

function flush(): void {
  flushScheduled = false;
  const batch = toFlush;
  toFlush = [];
  for (const c of batch) {
    c.queued = false;
    write(c);
  }
}

function onRead(c: FloorConnection, chunk: Buffer): void {
  let data = chunk;
  if (c.rest !== null) {
    data = Buffer.concat([c.rest, chunk]);
    c.rest = null;
  }
  let at = 0;
  for (;;) {
    at = protocol.answer(data, at, data.length, c.out, c.outLen);
    c.outLen = protocol.outEnd;
    if (!protocol.outFull) break;
    write(c);
  }
  if (at < data.length) c.rest = Buffer.from(data.subarray(at));
  if (c.outLen > 0 && !c.queued) {
    c.queued = true;
    toFlush.push(c);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  const c: FloorConnection = { socket, fd: socketFd(socket), rest: null, out: Buffer.alloc(64 * 1024), outLen: 0, queued: false };
  if (!readIntoBuffer(socket, readBuffer, (n, buf) => onRead(c, buf.subarray(0, n)))) {
    socket.on('data', (chunk: Buffer) => onRead(c, chunk));
  }
  socket.on('error', () => socket.destroy());
});
server.listen(argValue('--port', 6390), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
