/**
 * A command waiting for its reply, in its connection's reply queue. Replies leave a connection
 * in the order its commands arrived, whichever shard answers first: the queue is drained from
 * the head only while the head is complete.
 *
 * A command sent to one shard completes with that shard's reply. One split across shards (MGET
 * over several slots) or sent to all of them (KEYS) completes when every part has answered; the
 * parts are then merged into the one reply the client sees.
 */
import { mergeReplies } from './merge.ts';
import type { CommandSpec } from '../commands/table.ts';
import type { Connection } from './connection.ts';

export class Pending {
  /** The connection whose queue this sits in (or that asked, for internal fan-outs). */
  conn: Connection | null = null;
  /** The request id of part 0; parts go out together, so part i has id firstReqId + i. */
  firstReqId = 0;
  /** For a command that may block: where it went, so a disconnect can cancel it. */
  blockedAt: { shard: number; reqId: number } | null = null;
  /** CLIENT REPLY OFF or SKIP: the reply is dropped instead of sent. */
  silent = false;
  /** The reply bytes once complete; null while parts are outstanding. */
  reply: Buffer | null = null;
  /** Replies of a multi-part command, by part; null for single-part ones (the common case). */
  private readonly parts: (Buffer | null)[] | null;
  private readonly partCount: number;
  private outstanding: number;
  readonly spec: CommandSpec | null;
  /** For merges by position (MGET): for each part, the original index of each of its keys. */
  readonly positions: number[][] | null;
  /**
   * For merges done by a connection-thread handler (INFO): called with the parts. It may
   * answer later (BACKUP compresses files first): the reply then reaches the connection
   * through lateReply().
   */
  readonly finish: ((parts: Buffer[]) => Buffer | Promise<Buffer>) | null;

  constructor(
    partCount: number,
    spec: CommandSpec | null,
    positions: number[][] | null = null,
    finish: ((parts: Buffer[]) => Buffer | Promise<Buffer>) | null = null,
  ) {
    this.partCount = partCount;
    this.parts = partCount > 1 ? new Array(partCount).fill(null) : null;
    this.outstanding = partCount;
    this.spec = spec;
    this.positions = positions;
    this.finish = finish;
  }

  /** True when one shard's reply is the whole reply, unmerged. */
  get single(): boolean {
    return this.partCount === 1 && this.finish === null;
  }

  /** Completes a pending whose reply was made after its parts arrived (an async merge). */
  lateReply(reply: Buffer): void {
    this.reply = reply;
    this.conn?.releaseLate();
  }

  /** A pending that is complete from the start (a reply made on the connection thread). */
  static done(reply: Buffer): Pending {
    const p = new Pending(0, null);
    p.reply = reply;
    return p;
  }

  /** Records one part's reply (copied: the view is only valid during the call). */
  resolvePart(index: number, view: Buffer): void {
    if (this.single) {
      this.reply = Buffer.from(view);
      this.outstanding = 0;
      return;
    }
    const parts = (this.parts ?? [null]) as Buffer[];
    parts[index] = Buffer.from(view);
    if (--this.outstanding === 0) {
      const reply = this.finish ? this.finish(parts) : mergeReplies(this.spec!, parts, this.positions);
      if (!(reply instanceof Promise)) {
        this.reply = reply;
        return;
      }
      void reply.then((late) => this.lateReply(late));
    }
  }
}
