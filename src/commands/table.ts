/**
 * The command table: one declarative row per command. It drives arity errors, unknown-command
 * errors, key extraction, routing (which thread runs the command and how results merge), the
 * read/write split, COMMAND's replies and docs/compatibility.md. A new command is one row in its
 * family file plus its handler.
 *
 * Row fields, as in Redis 3.2's redisCommandTable:
 *   arity   N = exactly N arguments counting the name; -N = at least N
 *   first   position of the first key (0 = no keys)
 *   last    position of the last key (-1 = the last argument, -2 = the one before ...)
 *   step    distance between keys (MSET: 2)
 */
import type { ReplyWriter } from './replies.ts';
import type { Db } from '../shard/keyspace.ts';
import type { ConfigChange } from '../config/runtime.ts';
import type { ScriptCall, ScriptEngine } from '../shard/scripting.ts';
import type { SlowLog } from '../shard/slowlog.ts';
import type { RequestArgs } from '../ring/codec.ts';
import type { FramedArgs } from '../server/framer.ts';

/** Command flags, as Redis's flag letters; the names are what COMMAND prints. */
export const WRITE = 1 << 0; // may modify the keyspace
export const READONLY = 1 << 1; // never modifies the keyspace
export const DENYOOM = 1 << 2; // may grow memory: refused when over maxmemory
export const ADMIN = 1 << 3; // server administration
export const PUBSUB = 1 << 4; // publish/subscribe
export const NOSCRIPT = 1 << 5; // not allowed from scripts
export const RANDOM = 1 << 6; // result may differ between calls with the same arguments
export const LOADING = 1 << 7; // allowed while the dataset loads
export const STALE = 1 << 8; // allowed on a slave with stale data
export const FAST = 1 << 9; // O(1) or O(log N)
export const NOAUTH = 1 << 10; // allowed before AUTH (slotkv-internal, not printed)
export const SORT_FOR_SCRIPT = 1 << 11; // output sorted when called from a script
export const MOVABLEKEYS = 1 << 12; // key positions depend on the arguments
export const BLOCKING = 1 << 13; // may park the client until a key is ready (slotkv-internal)
export const INTERNAL = 1 << 14; // sent by connection threads to shards only; clients cannot call it

export const FLAG_NAMES: readonly [number, string][] = [
  [WRITE, 'write'],
  [READONLY, 'readonly'],
  [DENYOOM, 'denyoom'],
  [ADMIN, 'admin'],
  [PUBSUB, 'pubsub'],
  [NOSCRIPT, 'noscript'],
  [RANDOM, 'random'],
  [SORT_FOR_SCRIPT, 'sort_for_script'],
  [LOADING, 'loading'],
  [STALE, 'stale'],
  [FAST, 'fast'],
  [MOVABLEKEYS, 'movablekeys'],
];

/**
 * Where a command runs.
 *  CONN   on the connection thread (PING, AUTH, SELECT, COMMAND ...)
 *  SHARD  on the one shard that owns its keys; keys in different slots answer CROSSSLOT
 *  SPLIT  keys are grouped by shard, each shard runs the command on its keys, results merge
 *  ALL    every shard runs it; results merge (KEYS, DBSIZE, FLUSHALL ...)
 *  CURSOR the shard named by the cursor argument runs it (SCAN)
 */
export const RunsOn = { CONN: 0, SHARD: 1, SPLIT: 2, ALL: 3, CURSOR: 4 } as const;
export type RunsOn = (typeof RunsOn)[keyof typeof RunsOn];

/** How the replies of several shards become one (for SPLIT and ALL). */
export const Merge = {
  NONE: 0,
  SUM: 1, // integer replies add up (DEL, EXISTS, DBSIZE)
  OK: 2, // every shard said +OK (MSET, FLUSHALL)
  BY_POSITION: 3, // array replies put back in key order (MGET)
  CONCAT: 4, // array replies joined (KEYS)
  ANY_BULK: 5, // one non-nil bulk, picked at random (RANDOMKEY)
  CUSTOM: 6, // the row's connection handler merges (INFO)
  FIRST: 7, // every shard answers alike (BGSAVE): the first reply stands for all
  MIN: 8, // the smallest integer reply (LASTSAVE)
} as const;
export type Merge = (typeof Merge)[keyof typeof Merge];

/**
 * What a shard handler sees. Arguments are views into the shard's inbox and are valid only
 * during the call: copy what you keep (keyString() does for keys).
 */
export interface ExecCtx {
  db: Db;
  dbIndex: number;
  /** All 16 databases of this shard (MOVE, FLUSHALL, SWAPDB). */
  dbs: readonly Db[];
  /** Milliseconds since the epoch, fixed for the whole batch. */
  now: number;
  out: ReplyWriter;
  /** Count of changes made by this command; when it moves, the command reaches the write log. */
  dirty: number;
  /**
   * Logs an explicit effect instead of the command as received (relative expiry made
   * absolute, INCRBYFLOAT as SET ...). Once called, the received command is not logged.
   */
  propagate(args: readonly (Uint8Array | string)[]): void;
  config: ShardConfig;
  /** The shard's own index and the number of shards (INFO, SCAN). */
  shardId: number;
  /** True when `slot` belongs to this shard (SCAN walks only its own slots). */
  ownsSlot(slot: number): boolean;
  stats: ShardStats;
  /**
   * Parks this command (a blocking pop finding nothing): it writes no reply now. When a key of
   * `keys` (in this db) is signalled ready, the handler runs again from the start with the same
   * arguments; if it blocks again it keeps its place in the queue. At `deadlineMs` (0: never)
   * the client gets `*-1`. A client that disconnects meanwhile is forgotten.
   */
  block(keys: readonly string[], deadlineMs: number): void;
  /** Wakes commands blocked on key in this db (a push made it non-empty). */
  signalReady(key: string): void;
  /** This shard's snapshots (SAVE, BGSAVE, LASTSAVE). */
  persistence: SnapshotControl;
  /**
   * Runs a transaction's commands right here, each writing its reply into `out` (a blocking
   * command answers nil instead of waiting, as in Redis), and logs their effects as one record.
   */
  execTransaction(commands: readonly Buffer[][]): void;
  /** This shard's Lua engine, made on first use (EVAL). */
  scripts(): ScriptEngine;
  /**
   * Runs a script: body gets a function that runs one command here and returns its reply's
   * bytes (a blocking command answers nil); the script's writes are logged as one record.
   */
  runScript(body: (call: ScriptCall) => void): void;
  /** WATCHed keys on this shard, per client. */
  watches: WatchControl;
  /** SWAPDB: exchanges two of this shard's databases (a running snapshot is finished first). */
  swapDbs(a: number, b: number): void;
  /** This shard's slow commands (SLOWLOG). */
  slowlog: SlowLog;
}

export interface WatchControl {
  watch(clientId: number, keys: readonly string[]): void;
  unwatch(clientId: number): void;
  /** True once a write changed one of the client's watched keys. */
  isDirty(clientId: number): boolean;
}

export interface SnapshotControl {
  /** Starts a background snapshot; false if one is already running. */
  bgsave(): boolean;
  /** Writes a snapshot before returning; false if it failed. */
  save(): boolean;
  lastSaveMs(): number;
  /** Where this shard's write log stands (bytes, as on disk). */
  logOffset(): number;
  /** True while a background snapshot is being written. */
  saving(): boolean;
  /** Snapshots begun and completed since startup. */
  started(): number;
  finished(): number;
  /** Hard-links the last completed snapshot into dir; returns the link's path. */
  linkLastSnapshot(dir: string): string;
  /** Replaces the shard's data with the data set extracted in dir; returns records applied. */
  restoreFrom(dir: string): number;
}

/** The key a command parks on to wait for the running snapshot to complete. */
export const SNAPSHOT_DONE_KEY = '\u0000snapshot-done';

/** Counters a shard keeps for INFO. */
export interface ShardStats {
  commandsProcessed: number;
  expiredKeys: number;
  /** Write-log records produced so far (not a statistic: CONFIG RESETSTAT leaves it). */
  logRecords: number;
}

export const newShardStats = (): ShardStats => ({ commandsProcessed: 0, expiredKeys: 0, logRecords: 0 });

export interface ShardConfig {
  protoMaxBulkLen: number;
  /** Keys expire in the background too, not only when touched (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpire: boolean;
}

export type ShardHandler = (ctx: ExecCtx, argv: Buffer[]) => void;

/**
 * For the hottest commands, beside the ShardHandler: runs the command reading its arguments in
 * place from the request (no view per argument, see RequestArgs). Returns false, having done
 * nothing, when the arguments call for the general handler (SET with options, say).
 */
export type DirectHandler = (ctx: ExecCtx, args: RequestArgs) => boolean;

/**
 * A connection-thread row's handler for a command framed whole in one read, from a connection
 * with no transaction, subscription, monitor or pending AUTH and nothing queued ahead: writes
 * the reply into out from the request's bytes, with no argv, copy or context made (PING).
 * Returns false, having written nothing, when the general handler must run.
 */
export type ConnDirectHandler = (out: ReplyWriter, args: FramedArgs) => boolean;

/** What a connection-thread handler sees: the client's state and the server's. */
export interface ConnCtx {
  out: ReplyWriter;
  /** The client's id (unique for the server's lifetime) and name. */
  readonly clientId: number;
  clientName: string;
  db: number;
  authenticated: boolean;
  /** Ends the connection once the replies queued so far are written (QUIT). */
  closeAfterReply(): void;
  /** Stops the server (SHUTDOWN); with save false, shards skip their snapshot on the way out. */
  shutdown(save: boolean): void;
  server: ConnServerInfo;
  /** For Merge.CUSTOM rows: the shards' replies, in shard order. */
  shardReplies?: readonly Buffer[];
  /** Sends a command (usually an INTERNAL one) to every shard; resolves with their replies. */
  fanOut(args: readonly (string | Buffer)[]): Promise<Buffer[]>;
  /**
   * Sends a command (usually an INTERNAL one) to the shard that owns slot (-1: the first shard),
   * outside the client's reply queue; resolves with its reply.
   */
  askShard(slot: number, args: readonly (string | Buffer)[]): Promise<Buffer>;
  /** The scripts EVAL and SCRIPT LOAD have seen, on every connection thread. */
  readonly scripts: ScriptControl;
  /** CONFIG SET: applies the changes on every connection thread; resolves once all have. */
  reconfigure(changes: readonly ConfigChange[]): Promise<void>;
  /** MULTI/EXEC/DISCARD/WATCH/UNWATCH on this connection; the last four reply by themselves. */
  transaction: TransactionControl;
  pubsub: PubSubControl;
  clients: ClientControl;
  /** MONITOR: from now on this client receives every command the server processes. */
  startMonitor(): void;
  /** True when the client connected from a loopback address (DEBUG under enable-debug-command local). */
  readonly fromLoopback: boolean;
  /** CLIENT REPLY: whether this client's next replies are sent. */
  setReplyMode(mode: 'on' | 'off' | 'skip'): void;
}

export interface ScriptControl {
  get(sha: string): Buffer | undefined;
  /** Records a script here and on every other connection thread; resolves once all have it. */
  add(sha: string, body: Buffer): Promise<void>;
  flush(): Promise<void>;
}

/** Which connections CLIENT LIST / KILL mean; every given field must match. */
export interface ClientFilter {
  ids?: number[];
  addr?: string;
  laddr?: string;
  /** The id of the connection asking, for SKIPME. */
  skip?: number;
}

export interface ClientControl {
  /** This connection's CLIENT LIST line. */
  line(): string;
  /** Lines of every matching connection of the server, by id. */
  list(filter: ClientFilter): Promise<string[]>;
  /** Closes every matching connection of the server; how many. */
  kill(filter: ClientFilter): Promise<number>;
  /** CLIENT PAUSE: no connection's commands (or, writesOnly, no writes) run until untilMs. */
  pause(untilMs: number, writesOnly: boolean): Promise<void>;
  unpause(): Promise<void>;
}

export interface PubSubControl {
  /** (P)SUBSCRIBE: joins each, writing Redis's confirmation per name into out. */
  subscribe(names: readonly Buffer[], pattern: boolean): void;
  /** (P)UNSUBSCRIBE: leaves each, or all when names is empty, confirming each. */
  unsubscribe(names: readonly Buffer[], pattern: boolean): void;
  /** Delivers server-wide; the number of clients that received it. */
  publish(channel: Buffer, message: Buffer): number | Promise<number>;
  channels(pattern: string | undefined): Promise<string[]>;
  numsub(names: string[]): Promise<number[]>;
  numpat(): Promise<number>;
  /** True while the client has a subscription (RESP2's subscribed context). */
  subscribed(): boolean;
}

export interface TransactionControl {
  /** Opens a transaction; an error text if one is open already. */
  multi(): string | undefined;
  exec(): void;
  discard(): void;
  watch(keys: readonly Buffer[]): void;
  unwatch(): void;
}

export interface ConnServerInfo {
  /** CONFIG SET changes it (ConnThread.reconfigure). */
  requirePass: string;
  readonly instanceId: string;
  readonly shardCount: number;
  readonly databases: number;
  /** The Redis version slotkv answers as (INFO, HELLO). */
  readonly redisVersion: string;
  /** Every configuration directive's text (CONFIG GET); CONFIG SET updates it on every thread. */
  readonly config: Map<string, string>;
  commandTable(): readonly CommandSpec[];
  lookup(name: string): CommandSpec | undefined;
  /** INFO sections the connection thread knows (server, clients ...). */
  infoSections(): Map<string, string>;
  /** CONFIG RESETSTAT: zeroes the connection counters INFO stats shows. */
  resetStats(): void;
}

/**
 * Returns a promise when it answers later (writing into ctx.out before it settles). ctx.out is
 * replaced by a writer of the command's own at its first await, so read ctx.out after awaiting:
 * `c.out.integer(await x)` would write into the old one.
 */
export type ConnHandler = (ctx: ConnCtx, argv: Buffer[]) => void | Promise<void>;

export interface CommandSpec {
  /** The row's index in the command table, set once by index.ts: requests carry it to shards. */
  id: number;
  /** Lower case, as COMMAND prints it. */
  readonly name: string;
  readonly arity: number;
  readonly flags: number;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly runsOn: RunsOn;
  readonly merge: Merge;
  readonly handler?: ShardHandler;
  readonly direct?: DirectHandler;
  readonly connHandler?: ConnHandler;
  readonly connDirect?: ConnDirectHandler;
  /** For MOVABLEKEYS rows: the key positions, read from the arguments (ZUNIONSTORE's numkeys). */
  readonly keys?: KeyFinder;
}

export type KeyFinder = (argv: readonly Uint8Array[]) => number[];

interface RowOptions {
  runsOn?: RunsOn;
  merge?: Merge;
  connHandler?: ConnHandler;
  connDirect?: ConnDirectHandler;
  keys?: KeyFinder;
  direct?: DirectHandler;
}

/** A row that runs on the shard owning its keys unless options say otherwise. */
export function cmd(
  name: string,
  arity: number,
  flags: number,
  firstKey: number,
  lastKey: number,
  step: number,
  handler?: ShardHandler,
  options: RowOptions = {},
): CommandSpec {
  return {
    id: -1,
    name: name.toLowerCase(),
    arity,
    flags,
    firstKey,
    lastKey,
    step,
    runsOn: options.runsOn ?? RunsOn.SHARD,
    merge: options.merge ?? Merge.NONE,
    handler,
    direct: options.direct,
    connHandler: options.connHandler,
    connDirect: options.connDirect,
    keys: options.keys,
  };
}

/** A row that runs on the connection thread. */
export function connCmd(name: string, arity: number, flags: number, handler: ConnHandler, direct?: ConnDirectHandler): CommandSpec {
  return cmd(name, arity, flags, 0, 0, 0, undefined, { runsOn: RunsOn.CONN, connHandler: handler, connDirect: direct });
}

/** True when argc satisfies the row's arity. */
export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/**
 * Calls visit(index) for every key position of argv, as COMMAND GETKEYS reports them. Like
 * Redis it does not judge the count (MSET with a dangling key): the handler answers that.
 * Rows with a key finder need argv; without it only first/last/step are used.
 */
export function forEachKeyIndex(spec: CommandSpec, argc: number, visit: (index: number) => void,
  argv?: readonly Uint8Array[]): void {
  if (spec.keys !== undefined && argv !== undefined) {
    for (const i of spec.keys(argv)) visit(i);
    return;
  }
  if (spec.firstKey === 0) return;
  const last = spec.lastKey < 0 ? argc + spec.lastKey : spec.lastKey;
  for (let i = spec.firstKey; i <= last && i < argc; i += spec.step) visit(i);
}
