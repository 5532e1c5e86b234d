/**
 * One client connection: its socket, framer, selected db, AUTH state and the queue that keeps
 * its replies in command order. Output is gathered in one buffer and written once per batch.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import Denque from 'denque';
import { ReplyWriter } from '../commands/replies.ts';
import type { ConnThread } from './conn-thread.ts';
import { dispatch, dispatchFramed } from './dispatch.ts';
import { Framer, type FramedArgs } from './framer.ts';
import { Pending } from './pending.ts';
import { readIntoBuffer } from './read-buffer.ts';
import { socketFd, writeDirect } from './direct-write.ts';
import type { Transaction, WatchState } from './transaction.ts';

/**
 * Commands a connection may have waiting for shards before it stops reading more of them. A
 * client that pipelines without reading (redis-cli --pipe) would otherwise have every command
 * of its load framed, queued and staged at once while the shards catch up: a million HSETs
 * held ~300 bytes of waiting state each. Reading resumes at half. A client whose queue holds a
 * parked blocking command is not paused: its socket must stay read for a disconnect to cancel
 * the parked command, as Redis keeps reading a blocked client.
 */
const MAX_WAITING = 4096;

/** CLIENT REPLY modes. */
const REPLY_ON = 0;
const REPLY_OFF = 1;
const REPLY_SKIP_NEXT = 2;

export class Connection {
  readonly thread: ConnThread;
  readonly socket: Socket;
  readonly id: number;
  /** CLIENT SETNAME / HELLO SETNAME. */
  name = '';
  /**
   * For CLIENT LIST and the idle timeout: when it connected and when it last sent something, in
   * performance.now() milliseconds (a fast call; Date.now() is a runtime call, once per read),
   * and its last command.
   */
  readonly createdAt = performance.now();
  lastActive = this.createdAt;
  lastCommand = 'NULL';
  /** The open MULTI, if any, and the slot of the keys this client WATCHes, if any. */
  tx: Transaction | null = null;
  watch: WatchState | null = null;
  /** True after MONITOR: the client receives every command the server processes. */
  monitoring = false;
  /** Channels and patterns this client is subscribed to (pub/sub). */
  readonly subscriptions = new Set<string>();
  readonly psubscriptions = new Set<string>();
  db = 0;
  authenticated: boolean;
  closed = false;
  /** Set while this connection is in its thread's list of output to write (conn-thread.ts). */
  flushQueued = false;
  /** Set by QUIT, CLIENT KILL and protocol errors: read nothing more, close once the replies are out. */
  closing = false;
  /** Set while reading is paused because too many commands wait (MAX_WAITING). */
  private readPaused = false;
  /** Reads that arrived during a CLIENT PAUSE (copies), run when it ends. */
  private heldReads: Buffer[] | null = null;
  /** Under CLIENT PAUSE WRITE: the first write and every command after it (copies), in order. */
  heldCommands: Buffer[][] | null = null;
  /** CLIENT REPLY: ON, OFF, or SKIP (the next command's reply only). */
  private replyMode = REPLY_ON;
  /** Set by CLIENT REPLY ON run while replies were off or skipped: its own +OK goes out. */
  private replyTurnedOn = false;
  /** True while runWithoutReply() runs a command. */
  private runningSilently = false;
  /** Blocking commands (BLPOP and friends) sent to a shard and not answered yet. */
  blockingWaits = 0;
  private readonly queue = new Denque<Pending>();
  private readonly out = new ReplyWriter(4096);
  readonly framer: Framer;
  /** For writeDirect(); -1 when the socket has no descriptor to write to. */
  private readonly fd: number;

  constructor(thread: ConnThread, socket: Socket, id: number) {
    this.thread = thread;
    this.socket = socket;
    this.id = id;
    this.authenticated = thread.options.server.requirePass === '';
    this.framer = new Framer(
      {
        command: (argv) => {
          if (this.closing) return;
          if (this.replyMode === REPLY_ON) dispatch(this, argv);
          else this.runWithoutReply(null, argv);
        },
        framedCommand: (cmd) => {
          if (this.closing) return;
          if (this.replyMode === REPLY_ON) dispatchFramed(this, cmd);
          else this.runWithoutReply(cmd, null);
        },
        protocolError: (message) => {
          const w = new ReplyWriter(message.length + 8);
          w.error(message);
          this.reply(w.view());
          this.closeAfterReply();
        },
      },
      thread.options.protoMaxBulkLen,
      this.authenticated,
    );
    this.fd = socketFd(socket);
    socket.setNoDelay(true);
    // Returning false from the read callback pauses the socket, as socket.pause() does.
    if (!readIntoBuffer(socket, thread.readBuffer, (n, buf) => this.onRead(buf.subarray(0, n)))) {
      socket.on('data', (chunk: Buffer) => {
        if (!this.onRead(chunk)) socket.pause();
      });
    }
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
      // A parked BLPOP must not pop an element for a client that can no longer receive it.
      this.queue.toArray().forEach((p) => {
        if (p.blockedAt && p.reply === null) this.thread.cancelBlocked(p.blockedAt.shard, p.blockedAt.reqId);
      });
      if (this.watch !== null) this.thread.forgetWatches(this);
      if (this.subscriptionCount() > 0) this.thread.pubsub.forget(this);
      if (this.monitoring) this.thread.monitors.remove(this);
    });
    socket.resume();
  }

  /** One read's bytes: valid only during the call (see read-buffer.ts). False: stop reading. */
  private onRead(chunk: Buffer): boolean {
    if (this.heldReads !== null || this.thread.pause.pausesAll()) return this.holdRead(chunk);
    this.lastActive = performance.now();
    this.framer.feed(chunk);
    if (this.out.len > 0 || this.closing) this.thread.wantsFlush(this);
    if (this.heldCommands !== null) return false; // read on once the pause is over
    if (this.queue.length <= MAX_WAITING || this.waitsOnBlocking()) return true;
    this.readPaused = true;
    return false;
  }

  /** During a CLIENT PAUSE: keeps the read and stops reading (a paused client is not idle). */
  private holdRead(chunk: Buffer): boolean {
    this.lastActive = performance.now();
    (this.heldReads ??= []).push(Buffer.from(chunk));
    this.thread.pause.hold(this);
    return false;
  }

  /** CLIENT REPLY ON | OFF | SKIP. */
  setReplyMode(mode: 'on' | 'off' | 'skip'): void {
    if (mode === 'on' && (this.replyMode !== REPLY_ON || this.runningSilently)) this.replyTurnedOn = true;
    if (mode === 'skip' && this.replyMode === REPLY_OFF) return; // as in Redis: OFF stays OFF
    this.replyMode = mode === 'on' ? REPLY_ON : mode === 'off' ? REPLY_OFF : REPLY_SKIP_NEXT;
  }

  /**
   * Under CLIENT REPLY OFF or SKIP: runs a command and drops its reply, whether it was written
   * at once (cut from the output) or comes later (its place in the queue marked silent).
   */
  private runWithoutReply(cmd: FramedArgs | null, argv: Buffer[] | null): void {
    if (this.replyMode === REPLY_SKIP_NEXT) this.replyMode = REPLY_ON;
    const outLen = this.out.len;
    const queued = this.queue.length;
    this.runningSilently = true;
    if (cmd !== null) dispatchFramed(this, cmd);
    else dispatch(this, argv!);
    this.runningSilently = false;
    if (this.replyTurnedOn) {
      this.replyTurnedOn = false;
      return;
    }
    if (this.queue.length === queued) this.out.len = outLen;
    for (let i = queued; i < this.queue.length; i++) this.queue.peekAt(i)!.silent = true;
  }

  /** A command that must wait for CLIENT PAUSE WRITE to end (its args are copied). */
  holdCommand(argv: Buffer[]): void {
    (this.heldCommands ??= []).push(argv.map((a) => Buffer.from(a)));
    this.thread.pause.hold(this);
  }

  /** The pause is over: runs what was held during it, then reads on. */
  releaseHeld(): void {
    const commands = this.heldCommands;
    const reads = this.heldReads;
    this.heldCommands = null;
    this.heldReads = null;
    if (this.closed) return;
    for (const argv of commands ?? []) if (!this.closing) dispatch(this, argv);
    let reading = true;
    for (const chunk of reads ?? []) reading = this.onRead(chunk);
    if (this.out.len > 0 || this.closing) this.thread.wantsFlush(this);
    if (reading) this.socket.resume();
  }

  /** A reply made on this thread: written now if nothing is ahead of it, else queued. */
  reply(bytes: Buffer): void {
    if (this.queue.isEmpty()) this.out.raw(bytes);
    else this.queue.push(Pending.done(Buffer.from(bytes)));
  }

  /**
   * Where a reply made now may go straight away: the output buffer while nothing is ahead of
   * it in the reply order, else null.
   */
  outputIfInTurn(): ReplyWriter | null {
    return this.queue.isEmpty() && !this.closing ? this.out : null;
  }

  /** True while a blocking command of this client (BLPOP and friends) waits for its reply. */
  waitsOnBlocking(): boolean {
    return this.blockingWaits > 0;
  }

  subscriptionCount(): number {
    return this.subscriptions.size + this.psubscriptions.size;
  }

  /** A pub/sub message for this client: sent in order with its replies. */
  push(bytes: Buffer): void {
    if (this.closed) return;
    this.reply(bytes);
    this.thread.wantsFlush(this);
  }

  /** A command that went to shards: its reply comes later, in its turn. */
  enqueue(pending: Pending): void {
    this.queue.push(pending);
  }

  /** A queued reply completed outside a shard-reply batch (an async merge): send what is ready. */
  releaseLate(): void {
    if (this.closed) return;
    this.releaseReady();
    this.thread.wantsFlush(this);
  }

  /** A shard's reply to `pending`: buf[start, end), valid only during the call. */
  onShardReply(pending: Pending, part: number, buf: Buffer, start: number, end: number): void {
    if (pending.blockedAt !== null) this.blockingWaits--;
    if (this.queue.peekFront() === pending && pending.single && !pending.silent) {
      // The common case: the head waited for exactly this reply; copy it straight out.
      this.out.rawRange(buf, start, end);
      this.queue.shift();
    } else {
      pending.resolvePart(part, buf.subarray(start, end));
    }
    this.releaseReady();
  }

  private releaseReady(): void {
    for (let head = this.queue.peekFront(); head?.reply; head = this.queue.peekFront()) {
      if (!head.silent) this.out.raw(head.reply);
      this.queue.shift();
    }
    this.resumeIfCaughtUp();
  }

  private resumeIfCaughtUp(): void {
    if (!this.readPaused || this.queue.length > MAX_WAITING / 2 || this.closed) return;
    this.readPaused = false;
    this.socket.resume();
  }

  closeAfterReply(): void {
    this.closing = true;
    this.thread.wantsFlush(this);
  }

  /** Writes what is ready; enforces the output limit; ends the connection after QUIT. */
  flushOutput(): void {
    if (this.closed) return;
    const out = this.out;
    if (out.len > 0) {
      const written = writeDirect(this.socket, this.fd, out.buf, out.len);
      if (written === out.len) out.reset();
      else this.socket.write(out.takeChunk().subarray(written));
    }
    const limit = this.thread.options.outputLimitHard;
    if (limit > 0 && this.socket.writableLength > limit) {
      // A client that does not read its replies must not make the server grow without bound.
      console.warn(`client ${this.socket.remoteAddress}:${this.socket.remotePort} closed for overcoming of output buffer limits.`);
      this.destroy();
      return;
    }
    if (this.closing && this.queue.isEmpty()) {
      this.closed = true;
      this.socket.end();
    }
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
