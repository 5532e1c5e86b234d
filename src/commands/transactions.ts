/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The connection thread queues and checks
 * (src/server/transaction.ts); the shard that owns the transaction's slot runs it whole, through
 * the INTERNAL command slotkv-exec, so nothing else runs on that shard in between. WATCH
 * registers the client's keys on that shard, which marks the client when a write changes one;
 * a marked client's EXEC answers nil and runs nothing.
 *
 * A transaction reaches the write log as one record of its effects (slotkv-tx), so a crash can
 * never leave half of it on disk.
 */
import {
  cmd,
  connCmd,
  FAST,
  INTERNAL,
  LOADING,
  NOSCRIPT,
  RunsOn,
  STALE,
  WRITE,
  type CommandSpec,
  type ConnCtx,
  type ExecCtx,
} from './table.ts';
import { keyString } from '../shard/keyspace.ts';

/**
 *   slotkv-exec <client id> <watching 0|1> <argc> <arg>... <argc> <arg>...
 */
export function encodeExecRequest(clientId: number, watching: boolean, commands: readonly Buffer[][]): Buffer[] {
  const head = [Buffer.from('slotkv-exec'), Buffer.from(String(clientId)), Buffer.from(watching ? '1' : '0')];
  return packCommands(head, commands, (argc) => Buffer.from(String(argc)));
}

/** Appends each command to `into` as <argc> <arg>...: what decodeCommands reads back. */
function packCommands<T>(into: T[], commands: readonly (readonly T[])[], argcArg: (argc: number) => T): T[] {
  for (const argv of commands) into.push(argcArg(argv.length), ...argv);
  return into;
}

/** slotkv-watch <client id> key...: registers the keys on the shard of their slot. */
export const watchRequest = (clientId: number, keys: readonly Buffer[]): Buffer[] => [
  Buffer.from('slotkv-watch'),
  Buffer.from(String(clientId)),
  ...keys,
];

/** slotkv-unwatch <client id>: the shard forgets the client's watched keys. */
export const unwatchRequest = (clientId: number): Buffer[] => [Buffer.from('slotkv-unwatch'), Buffer.from(String(clientId))];

function decodeExecRequest(argv: Buffer[]): { clientId: number; watching: boolean; commands: Buffer[][] } {
  return { clientId: Number(argv[1]!.latin1Slice()), watching: argv[2]![0] === 0x31, commands: decodeCommands(argv, 3) };
}

/** Commands packed as <argc> <arg>... <argc> <arg>... from argv[from] on. */
export function decodeCommands(argv: readonly Buffer[], from: number): Buffer[][] {
  const commands: Buffer[][] = [];
  for (let i = from; i < argv.length; ) {
    const argc = Number(argv[i]!.latin1Slice());
    commands.push(argv.slice(i + 1, i + 1 + argc));
    i += 1 + argc;
  }
  return commands;
}

/**
 * The write-log record of a transaction: slotkv-tx <argc> <arg>... for every effect, so that a
 * transaction reaches the log, and is replayed, whole or not at all (one record, one CRC).
 */
export function encodeTransactionRecord(effects: readonly (readonly (Uint8Array | string)[])[]): (Uint8Array | string)[] {
  return packCommands<Uint8Array | string>(['slotkv-tx'], effects, String);
}

// MULTI
function multiCommand(c: ConnCtx): void {
  const error = c.transaction.multi();
  if (error) c.out.error(error);
  else c.out.ok();
}

// EXEC
function execCommand(c: ConnCtx): void {
  c.transaction.exec();
}

// DISCARD
function discardCommand(c: ConnCtx): void {
  c.transaction.discard();
}

// WATCH key [key ...]
function watchCommand(c: ConnCtx, argv: Buffer[]): void {
  c.transaction.watch(argv.slice(1));
}

// UNWATCH
function unwatchCommand(c: ConnCtx): void {
  c.transaction.unwatch();
}

// slotkv-exec ...: runs a queued transaction, or nothing if a watched key changed.
function slotkvExecCommand(x: ExecCtx, argv: Buffer[]): void {
  const { clientId, watching, commands } = decodeExecRequest(argv);
  const dirty = watching && x.watches.isDirty(clientId);
  x.watches.unwatch(clientId);
  if (dirty) return x.out.nullArray();
  x.out.arrayHeader(commands.length);
  x.execTransaction(commands);
}

// slotkv-tx <argc> <arg>...: a transaction's effects, replayed from the log in one go.
function slotkvTxCommand(x: ExecCtx, argv: Buffer[]): void {
  const commands = decodeCommands(argv, 1);
  x.out.arrayHeader(commands.length);
  x.execTransaction(commands);
}

// slotkv-watch <client id> key [key ...]
function slotkvWatchCommand(x: ExecCtx, argv: Buffer[]): void {
  x.watches.watch(Number(argv[1]!.latin1Slice()), argv.slice(2).map(keyString));
  x.out.ok();
}

// slotkv-unwatch <client id>
function slotkvUnwatchCommand(x: ExecCtx, argv: Buffer[]): void {
  x.watches.unwatch(Number(argv[1]!.latin1Slice()));
  x.out.ok();
}

export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [
  //      name        arity flags                                 handler
  connCmd('multi',       1, NOSCRIPT | LOADING | STALE | FAST,    multiCommand),
  connCmd('exec',        1, NOSCRIPT | LOADING | STALE,           execCommand),
  connCmd('discard',     1, NOSCRIPT | LOADING | STALE | FAST,    discardCommand),
  connCmd('watch',      -2, NOSCRIPT | LOADING | STALE | FAST,    watchCommand),
  connCmd('unwatch',     1, NOSCRIPT | LOADING | STALE | FAST,    unwatchCommand),
  cmd('slotkv-exec',    -3, INTERNAL | WRITE, 0, 0, 0, slotkvExecCommand, { runsOn: RunsOn.SHARD }),
  cmd('slotkv-watch',   -3, INTERNAL, 0, 0, 0, slotkvWatchCommand, { runsOn: RunsOn.SHARD }),
  cmd('slotkv-unwatch',  2, INTERNAL, 0, 0, 0, slotkvUnwatchCommand, { runsOn: RunsOn.SHARD }),
  cmd('slotkv-tx',      -3, INTERNAL | WRITE, 0, 0, 0, slotkvTxCommand, { runsOn: RunsOn.SHARD }),
];
