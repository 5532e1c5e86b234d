/**
 * Questions between connection threads (io-threads > 1), for what spans every connection:
 * PUBLISH and PUBSUB, CLIENT LIST and KILL. One BroadcastChannel joins the threads; ask() posts a
 * topic and payload and resolves with one answer from every other thread, each computed by the
 * handler that thread registered for the topic. With one connection thread there is no channel
 * and ask() answers at once with no answers.
 */
import { BroadcastChannel } from 'node:worker_threads';

const CHANNEL = 'slotkv-connection-threads';

type Message =
  | { kind: 'ask'; id: number; from: number; topic: string; payload: unknown }
  | { kind: 'answer'; id: number; to: number; value: unknown };

interface Waiting {
  left: number;
  answers: unknown[];
  resolve: (answers: unknown[]) => void;
}

export class ThreadBus {
  readonly peers: number;
  private readonly threadId: number;
  private readonly channel: BroadcastChannel | null;
  private readonly handlers = new Map<string, (payload: unknown) => unknown>();
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  constructor(threadId: number, threadCount: number) {
    this.threadId = threadId;
    this.peers = threadCount - 1;
    this.channel = this.peers > 0 ? new BroadcastChannel(CHANNEL) : null;
    if (this.channel) {
      this.channel.onmessage = (event) => this.receive((event as { data: Message }).data);
      this.channel.unref();
    }
  }

  /** Answers `topic` questions from the other threads with handler's result. */
  on(topic: string, handler: (payload: unknown) => unknown): void {
    this.handlers.set(topic, handler);
  }

  /** Asks every other thread; resolves with their answers (none with one thread). */
  ask(topic: string, payload: unknown): Promise<unknown[]> {
    if (this.channel === null) return Promise.resolve([]);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.waiting.set(id, { left: this.peers, answers: [], resolve });
      this.channel!.postMessage({ kind: 'ask', id, from: this.threadId, topic, payload } satisfies Message);
    });
  }

  private receive(msg: Message): void {
    if (msg.kind === 'ask') {
      const value = this.handlers.get(msg.topic)?.(msg.payload);
      this.channel!.postMessage({ kind: 'answer', id: msg.id, to: msg.from, value } satisfies Message);
      return;
    }
    if (msg.to !== this.threadId) return;
    const w = this.waiting.get(msg.id);
    if (w === undefined) return;
    w.answers.push(msg.value);
    if (--w.left === 0) {
      this.waiting.delete(msg.id);
      w.resolve(w.answers);
    }
  }
}
