/**
 * Differential testing: the same commands go to redis-server (the reference) and to slotkv,
 * one at a time, and their raw reply bytes must match.
 *
 * Bytes are compared exactly, except where Redis itself leaves the answer open: array order
 * for KEYS/SMEMBERS-style replies (elements are sorted before comparing), TTL/PTTL (time
 * passes between the two servers, so a small window is allowed), and the SCAN family (the
 * cursor sequence is an implementation detail, so the set gathered by a full iteration is
 * compared instead). A mismatch fails with the command, both replies escaped, and the
 * commands that led to it.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { RespClient, decodeReply, escapeBytes, replyEnd, type Arg } from './resp-client.ts';
import { startRedis, startSlotkv, type ServerHandle, type SlotkvOptions } from './servers.ts';

export { mulberry32, randomCommands, PLAIN_KEYS, TAGGED_KEYS } from './random-commands.ts';

export type Command = readonly Arg[];

/** Returns undefined when the replies agree, or a short reason when they do not. */
export type Comparator = (ref: Buffer, sub: Buffer) => string | undefined;

export interface Step {
  cmd: Command;
  /** Overrides the comparator chosen by command name. */
  compare?: Comparator;
}

export const exactBytes: Comparator = (ref, sub) => (ref.equals(sub) ? undefined : 'bytes differ');

/** Splits an array reply into its elements' raw bytes; undefined if not a (non-null) array. */
function arrayElements(reply: Buffer): { header: Buffer; items: Buffer[] } | undefined {
  if (reply[0] !== 0x2a) return undefined; // '*'
  const headerEnd = reply.indexOf('\r\n') + 2;
  const count = Number(reply.toString('latin1', 1, headerEnd - 2));
  if (count < 0) return undefined;
  const items: Buffer[] = [];
  let pos = headerEnd;
  for (let i = 0; i < count; i++) {
    const end = replyEnd(reply, pos);
    items.push(reply.subarray(pos, end));
    pos = end;
  }
  return { header: reply.subarray(0, headerEnd), items };
}

/** Re-frames an array reply with its elements (or groups of `width` elements) sorted. */
function sortedArray(reply: Buffer, width: number): Buffer {
  const arr = arrayElements(reply);
  if (arr === undefined) return reply;
  const groups: Buffer[] = [];
  for (let i = 0; i < arr.items.length; i += width) groups.push(Buffer.concat(arr.items.slice(i, i + width)));
  groups.sort(Buffer.compare);
  return Buffer.concat([arr.header, ...groups]);
}

/** For replies whose element order Redis leaves unspecified (KEYS, SMEMBERS, HKEYS...). */
export const unorderedArray: Comparator = (ref, sub) =>
  sortedArray(ref, 1).equals(sortedArray(sub, 1)) ? undefined : 'elements differ (order ignored)';

/** For field/value pair arrays in unspecified order (HGETALL). */
export const unorderedPairs: Comparator = (ref, sub) =>
  sortedArray(ref, 2).equals(sortedArray(sub, 2)) ? undefined : 'pairs differ (order ignored)';

/**
 * TTL-like integers: negative answers (-1 no expiry, -2 no key) must match exactly; positive
 * ones may differ by `tolerance`, since the servers saw the expiry and the query at slightly
 * different times.
 */
export function withinTolerance(tolerance: number): Comparator {
  return (ref, sub) => {
    if (ref.equals(sub)) return undefined;
    if (ref[0] !== 0x3a || sub[0] !== 0x3a) return 'bytes differ'; // both must be ':' integers
    const a = Number(ref.toString('latin1', 1, ref.length - 2));
    const b = Number(sub.toString('latin1', 1, sub.length - 2));
    if (a < 0 || b < 0) return 'bytes differ';
    return Math.abs(a - b) <= tolerance ? undefined : `differ by more than ${tolerance}`;
  };
}

/** Comparators by upper-case command name; anything else is compared byte for byte. */
export const COMPARATORS: Readonly<Record<string, Comparator>> = {
  KEYS: unorderedArray,
  SMEMBERS: unorderedArray,
  SINTER: unorderedArray,
  SUNION: unorderedArray,
  SDIFF: unorderedArray,
  HKEYS: unorderedArray,
  HVALS: unorderedArray,
  HGETALL: unorderedPairs,
  TTL: withinTolerance(1),
  PTTL: withinTolerance(500),
  EXPIRETIME: withinTolerance(1),
  PEXPIRETIME: withinTolerance(500),
};

/** Commands whose cursor replies are compared by the set a full iteration gathers. */
const SCAN_FAMILY: Readonly<Record<string, { keyed: boolean; width: number }>> = {
  SCAN: { keyed: false, width: 1 },
  SSCAN: { keyed: true, width: 1 },
  HSCAN: { keyed: true, width: 2 },
  ZSCAN: { keyed: true, width: 2 },
};

const MAX_SCAN_CALLS = 100_000;

/**
 * Runs a SCAN-family command to completion from cursor 0 (whatever cursor the step gave) and
 * returns the gathered elements as one array reply, deduplicated and sorted, so two servers
 * can be compared by bytes. An error reply is returned as is.
 */
export async function scanAll(client: RespClient, cmd: Command): Promise<Buffer> {
  const name = String(cmd[0]).toUpperCase();
  const { keyed, width } = SCAN_FAMILY[name]!;
  const before = cmd.slice(0, keyed ? 2 : 1);
  const after = cmd.slice(keyed ? 3 : 2);
  const seen = new Map<string, Buffer>();
  let cursor = '0';
  for (let calls = 0; ; calls++) {
    if (calls > MAX_SCAN_CALLS) throw new Error(`${name} did not finish after ${MAX_SCAN_CALLS} calls`);
    const reply = await client.call(...before, cursor, ...after);
    if (reply[0] !== 0x2a) return reply;
    const outer = arrayElements(reply)!;
    const next = decodeReply(outer.items[0]!);
    if (!Buffer.isBuffer(next)) throw new Error(`${name} returned a bad cursor: ${escapeBytes(reply)}`);
    const inner = arrayElements(outer.items[1]!)!.items;
    for (let i = 0; i < inner.length; i += width) {
      const group = Buffer.concat(inner.slice(i, i + width));
      seen.set(group.toString('latin1'), group);
    }
    cursor = next.toString('latin1');
    if (cursor === '0') break;
  }
  const groups = [...seen.values()].sort(Buffer.compare);
  return Buffer.concat([Buffer.from(`*${groups.length * width}\r\n`), ...groups]);
}

/** Formats a command for messages: names as is, arguments escaped. */
export function formatCommand(cmd: Command): string {
  return cmd
    .map((a, i) => {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
      return i === 0 && /^[A-Za-z]+$/.test(b.toString('latin1')) ? b.toString('latin1') : escapeBytes(b, 80);
    })
    .join(' ');
}

export interface DifferentialOptions {
  /** Names for messages. */
  refName?: string;
  subName?: string;
  /** Prefixed to failure messages, e.g. 'seed 7'. */
  context?: string;
  /** How many earlier commands a failure message lists. */
  history?: number;
  /** The subject server's output, appended when talking to it fails (e.g. it crashed). */
  subOutput?: () => string;
}

/** Sends each command to both servers and throws on the first differing reply. */
export class Differential {
  readonly ref: RespClient;
  readonly sub: RespClient;
  private readonly opts: Required<DifferentialOptions>;
  private readonly recent: Command[] = [];
  private index = 0;

  constructor(ref: RespClient, sub: RespClient, opts: DifferentialOptions = {}) {
    this.ref = ref;
    this.sub = sub;
    this.opts = { refName: 'redis', subName: 'slotkv', context: '', history: 8, subOutput: () => '', ...opts };
  }

  /** Sets the context named in failure messages, e.g. the seed of a random sequence. */
  setContext(context: string): void {
    this.opts.context = context;
  }

  /** Runs steps in order; each must agree before the next is sent. */
  async run(steps: readonly (Command | Step)[]): Promise<void> {
    for (const step of steps) await this.check(step);
  }

  /** Runs one step on both servers and returns both replies once they agree. */
  async check(step: Command | Step): Promise<[Buffer, Buffer]> {
    const { cmd, compare } = isStep(step) ? step : { cmd: step, compare: undefined };
    const name = String(cmd[0]).toUpperCase();
    let sub: Buffer;
    const scan = SCAN_FAMILY[name] !== undefined && compare === undefined;
    const ref = scan ? await scanAll(this.ref, cmd) : await this.ref.call(...cmd);
    try {
      sub = scan ? await scanAll(this.sub, cmd) : await this.sub.call(...cmd);
    } catch (err) {
      const out = this.opts.subOutput().slice(-4000);
      throw new Error(
        `${this.opts.subName} failed at command #${this.index}: ${formatCommand(cmd)}\n  ${(err as Error).message}` +
          (out ? `\n--- ${this.opts.subName} output (tail) ---\n${out}` : ''),
      );
    }
    const why = (compare ?? COMPARATORS[name] ?? exactBytes)(ref, sub);
    if (why !== undefined) throw new Error(this.mismatch(cmd, ref, sub, why));
    this.recent.push(cmd);
    if (this.recent.length > this.opts.history) this.recent.shift();
    this.index++;
    return [ref, sub];
  }

  /** Sends the same command to both and returns the replies without comparing them. */
  async both(...cmd: Arg[]): Promise<[Buffer, Buffer]> {
    return [await this.ref.call(...cmd), await this.sub.call(...cmd)];
  }

  close(): void {
    this.ref.close();
    this.sub.close();
  }

  private mismatch(cmd: Command, ref: Buffer, sub: Buffer, why: string): string {
    const { refName, subName, context } = this.opts;
    const width = Math.max(refName.length, subName.length) + 1;
    const lines = [
      `${subName} differs from ${refName} at command #${this.index}${context ? ` (${context})` : ''}: ${why}`,
      `  command: ${formatCommand(cmd)}`,
      `  ${`${refName}:`.padEnd(width)} ${escapeBytes(ref)}`,
      `  ${`${subName}:`.padEnd(width)} ${escapeBytes(sub)}`,
    ];
    if (this.recent.length > 0) {
      lines.push('  after:');
      const first = this.index - this.recent.length;
      this.recent.forEach((c, i) => lines.push(`    #${first + i} ${formatCommand(c)}`));
    }
    return lines.join('\n');
  }
}

function isStep(s: Command | Step): s is Step {
  return !Array.isArray(s);
}

/** Fails like a differential mismatch when two raw byte streams differ (protocol tests). */
export function assertSameBytes(what: string, ref: Buffer, sub: Buffer, names = ['redis', 'slotkv']): void {
  if (ref.equals(sub)) return;
  let at = 0;
  while (at < ref.length && at < sub.length && ref[at] === sub[at]) at++;
  const from = Math.max(0, at - 40);
  throw new Error(
    `${names[1]} differs from ${names[0]} in ${what} at byte ${at} ` +
      `(lengths ${ref.length} and ${sub.length}):\n` +
      `  ${names[0]}: ${escapeBytes(ref.subarray(from), 200)}\n` +
      `  ${names[1]}: ${escapeBytes(sub.subarray(from), 200)}`,
  );
}

/** Opens one raw connection to each server, flushes both, and returns the differential. */
export async function connectPair(
  ref: ServerHandle,
  sub: ServerHandle,
  opts: DifferentialOptions = {},
): Promise<Differential> {
  const a = await RespClient.connect(ref.port, ref.host);
  const b = await RespClient.connect(sub.port, sub.host);
  const d = new Differential(a, b, { refName: ref.name, subName: sub.name, subOutput: () => sub.output(), ...opts });
  for (const [c, h] of [[a, ref], [b, sub]] as const) {
    const r = await c.call('FLUSHALL');
    if (r.toString() !== '+OK\r\n') {
      throw new Error(`FLUSHALL on ${h.name} failed: ${escapeBytes(r)}\n${h.output()}`);
    }
  }
  return d;
}

export interface DifferentialSuite {
  /** The differential for the running test: fresh connections, both servers flushed. */
  readonly d: Differential;
  readonly redis: ServerHandle;
  readonly slotkv: ServerHandle;
}

/**
 * Registers hooks in the enclosing describe: one redis-server and one slotkv (in `config`) for
 * the block, a flushed pair of connections per test. Stopping slotkv must be clean (exit 0 on
 * SIGTERM), since that is part of its contract.
 */
export function useDifferential(config: SlotkvOptions): DifferentialSuite {
  let redis: ServerHandle | undefined;
  let slotkv: ServerHandle | undefined;
  let d: Differential | undefined;
  beforeAll(async () => {
    const [r, s] = await Promise.allSettled([startRedis(), startSlotkv(config)]);
    if (r.status === 'fulfilled') redis = r.value;
    if (s.status === 'fulfilled') slotkv = s.value;
    if (r.status === 'rejected') throw r.reason;
    if (s.status === 'rejected') throw s.reason;
  });
  afterAll(async () => {
    const [, exit] = await Promise.all([redis?.stop(), slotkv?.stop()]);
    if (exit !== undefined && (exit.killed || exit.code !== 0)) {
      throw new Error(
        `${slotkv!.name} did not exit cleanly on SIGTERM: code ${exit.code}, signal ${exit.signal}, ` +
          `killed ${exit.killed}\n--- output ---\n${slotkv!.output()}`,
      );
    }
  });
  beforeEach(async () => {
    d = await connectPair(redis!, slotkv!);
  });
  afterEach(() => {
    d?.close();
    d = undefined;
  });
  return {
    get d() {
      if (d === undefined) throw new Error('useDifferential: no differential outside a test');
      return d;
    },
    get redis() {
      return redis!;
    },
    get slotkv() {
      return slotkv!;
    },
  };
}
