/**
 * A shard's slow log: the commands whose handler ran at least `slowlog-log-slower-than`
 * microseconds (-1: never, 0: every command), newest first, at most `slowlog-max-len` of them.
 * Arguments are kept as Redis keeps them: at most 32, each cut to 128 bytes.
 */

const MAX_ARGS = 32;
const MAX_ARG_BYTES = 128;

export interface SlowEntry {
  /** Unique across shards: a per-shard counter interleaved with the shard id. */
  id: number;
  /** When it ran, ms since the epoch. */
  at: number;
  durationUs: number;
  args: string[];
}

export class SlowLog {
  private entries: SlowEntry[] = [];
  private next = 0;
  private readonly shardId: number;
  private readonly shardCount: number;
  thresholdUs: number;
  maxLen: number;
  /**
   * Set by configure(): the shard's clock mark may be from before the log was switched on, so
   * the next command restarts it instead of being timed from there.
   */
  restartClock = false;

  constructor(shardId: number, shardCount: number, thresholdUs: number, maxLen: number) {
    this.shardId = shardId;
    this.shardCount = shardCount;
    this.thresholdUs = thresholdUs;
    this.maxLen = maxLen;
  }

  /**
   * CONFIG SET's new limits. A shorter log keeps its entries until the next one is recorded,
   * as Redis's does.
   */
  configure(thresholdUs: number, maxLen: number): void {
    this.thresholdUs = thresholdUs;
    this.maxLen = maxLen;
    this.restartClock = true;
  }

  /** True when commands should be timed at all. */
  get enabled(): boolean {
    return this.thresholdUs >= 0 && this.maxLen > 0;
  }

  record(argv: readonly Buffer[], at: number, durationUs: number): void {
    if (durationUs < this.thresholdUs) return;
    const shown = argv.length > MAX_ARGS ? MAX_ARGS - 1 : argv.length;
    const args = argv.slice(0, shown).map((a) =>
      a.length > MAX_ARG_BYTES ? `${a.latin1Slice(0, MAX_ARG_BYTES)}... (${a.length - MAX_ARG_BYTES} more bytes)` : a.latin1Slice(),
    );
    if (argv.length > MAX_ARGS) args.push(`... (${argv.length - shown} more arguments)`);
    this.entries.unshift({ id: this.next++ * this.shardCount + this.shardId, at, durationUs: Math.floor(durationUs), args });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  /** The newest `count` entries (all for -1). */
  newest(count: number): readonly SlowEntry[] {
    return count < 0 ? this.entries : this.entries.slice(0, count);
  }

  get length(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
  }
}
