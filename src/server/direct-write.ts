/**
 * Writes a reply batch to a client socket with one write(2) on its file descriptor when Node has
 * nothing queued for that socket, instead of through the Writable stream (a WriteWrap, the
 * stream state machine and an after-write callback per write: ~10% of the connection thread at
 * pipeline 1, next to ~45% for the write syscall itself).
 *
 * Order is kept because the fast path runs only while the stream's queue is empty; whatever the
 * kernel does not take at once (a full socket buffer: EAGAIN or a short write) goes through
 * socket.write(), which then queues and waits for the socket to drain as usual. Errors too go
 * through socket.write(), so the stream reports them as it always has.
 */
import { writeSync } from 'node:fs';
import type { Socket } from 'node:net';

/** The socket's file descriptor, or -1 where there is none to write to directly. */
export function socketFd(socket: Socket): number {
  const handle = (socket as unknown as { _handle: { fd?: number } | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

/**
 * Writes buf[0, len) to the socket. Returns how many bytes went straight to the kernel: when it
 * is len, nothing of buf is kept and the caller may reuse it; otherwise the caller must hand the
 * rest to socket.write() (and not reuse that memory).
 */
export function writeDirect(socket: Socket, fd: number, buf: Buffer, len: number): number {
  if (fd < 0 || socket.writableLength !== 0 || socket.destroyed || !socket.writable) return 0;
  try {
    return writeSync(fd, buf, 0, len);
  } catch {
    return 0; // EAGAIN, EPIPE, ...: socket.write() queues or reports it
  }
}
