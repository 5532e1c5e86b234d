/**
 * Reads from a client socket into one buffer that the connection thread reuses, instead of a
 * fresh Buffer per read pushed through the Readable stream ('data' events): the path behind
 * net.Socket's documented `onread: { buffer, callback }` option. That option is only read when
 * Node constructs the socket from options, and an accepted socket is constructed by the server
 * (or by the handle transfer to an I/O worker) without it, so this sets the two fields the
 * option sets, found by their symbols' names, and hands the buffer to the handle as the option
 * does. If this Node's sockets do not have those fields, it says so and the caller keeps
 * 'data' events.
 *
 * What the callback receives is valid only during the call: the next read overwrites it. The
 * framer copies whatever it keeps (a command split across reads); everything else is copied
 * into a request ring or a reply before the callback returns.
 */
import { Socket } from 'node:net';

interface ReadableHandle {
  useUserBuffer?(buf: Uint8Array): void;
}

function findSymbol(target: object, name: string): symbol | undefined {
  return Object.getOwnPropertySymbols(target).find((s) => s.description === name);
}

const probe = new Socket();
const K_BUFFER = findSymbol(probe, 'kBuffer');
const K_BUFFER_CB = findSymbol(probe, 'kBufferCb');
probe.destroy();

/**
 * Makes `socket` read into `buffer` and call onRead(bytesRead, buffer) per read. Call before
 * the socket starts reading (it is paused on accept). False when not possible: use 'data'.
 */
export function readIntoBuffer(socket: Socket, buffer: Buffer, onRead: (n: number, buf: Buffer) => void): boolean {
  if (K_BUFFER === undefined || K_BUFFER_CB === undefined) return false;
  const handle = (socket as unknown as { _handle: ReadableHandle | null })._handle;
  if (handle === null || typeof handle.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[K_BUFFER] !== null || fields[K_BUFFER_CB] !== null) return false;
  fields[K_BUFFER] = buffer;
  fields[K_BUFFER_CB] = onRead;
  handle.useUserBuffer(buffer);
  return true;
}
