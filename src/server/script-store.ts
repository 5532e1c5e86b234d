/**
 * The scripts EVAL and SCRIPT LOAD have seen, by SHA1, on every connection thread: EVALSHA finds
 * its script on whichever thread its client is, and sends the body along to the shard, which
 * compiles it on first sight (src/shard/scripting.ts). A script is told to every other thread
 * before its EVAL or LOAD answers, so a client that got that answer can EVALSHA anywhere.
 */
import type { ThreadBus } from './thread-bus.ts';

export class ScriptStore {
  private readonly bodies = new Map<string, Buffer>();
  private readonly bus: ThreadBus;

  constructor(bus: ThreadBus) {
    this.bus = bus;
    bus.on('script-add', (s) => {
      const { sha, body } = s as { sha: string; body: Uint8Array };
      this.bodies.set(sha, Buffer.from(body));
    });
    bus.on('script-flush', () => this.bodies.clear());
  }

  get(sha: string): Buffer | undefined {
    return this.bodies.get(sha);
  }

  async add(sha: string, body: Buffer): Promise<void> {
    if (this.bodies.has(sha)) return;
    const own = Buffer.from(body);
    this.bodies.set(sha, own);
    await this.bus.ask('script-add', { sha, body: own });
  }

  async flush(): Promise<void> {
    this.bodies.clear();
    await this.bus.ask('script-flush', null);
  }
}
