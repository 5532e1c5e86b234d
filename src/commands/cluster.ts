/**
 * What a standalone Redis 7.0 answers to the cluster and replication commands slotkv has no use
 * for: CLUSTER (each subcommand with its arity checked first), READONLY and READWRITE refuse with
 * "cluster support disabled"; WAIT, with no replicas to wait for, answers 0 at once when asked for
 * none and after its timeout otherwise (0: never, as Redis's WAIT blocks until a replica acks).
 */
import { ERR_NOT_INTEGER, errUnknownSubcommand, errWrongArgs } from './replies.ts';
import { ADMIN, connCmd, FAST, NOSCRIPT, type CommandSpec, type ConnCtx } from './table.ts';
import { string2ll } from '../shard/types/string.ts';
import { timeoutMsOrReply } from './timeouts.ts';

const ERR_NO_CLUSTER = 'ERR This instance has cluster support disabled';
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Redis 7.0's CLUSTER subcommands and their arities (COMMAND INFO cluster). */
const CLUSTER_SUBCOMMANDS = new Map<string, number>([
  ['addslots', -3], ['addslotsrange', -4], ['bumpepoch', 2], ['count-failure-reports', 3], ['countkeysinslot', 3],
  ['delslots', -3], ['delslotsrange', -4], ['failover', -2], ['flushslots', 2], ['forget', 3], ['getkeysinslot', 4],
  ['help', 2], ['info', 2], ['keyslot', 3], ['links', 2], ['meet', -4], ['myid', 2], ['nodes', 2], ['replicas', 3],
  ['replicate', 3], ['reset', -2], ['saveconfig', 2], ['set-config-epoch', 3], ['setslot', -4], ['shards', 2],
  ['slaves', 3], ['slots', 2],
]);

// CLUSTER subcommand [argument ...]
function clusterCommand(c: ConnCtx, argv: Buffer[]): void {
  const sub = argv[1]!.toString('latin1');
  const arity = CLUSTER_SUBCOMMANDS.get(sub.toLowerCase());
  if (arity === undefined) return c.out.error(errUnknownSubcommand(sub, 'cluster'));
  if (arity >= 0 ? argv.length !== arity : argv.length < -arity) return c.out.error(errWrongArgs(`cluster|${sub.toLowerCase()}`));
  c.out.error(ERR_NO_CLUSTER);
}

function noClusterCommand(c: ConnCtx): void {
  c.out.error(ERR_NO_CLUSTER);
}

// WAIT numreplicas timeout
function waitCommand(c: ConnCtx, argv: Buffer[]): void | Promise<void> {
  const replicas = string2ll(argv[1]!);
  if (replicas === undefined) return c.out.error(ERR_NOT_INTEGER);
  const timeoutMs = timeoutMsOrReply(c.out, argv[2]!);
  if (timeoutMs === undefined) return;
  if (replicas <= 0) return c.out.integer(0);
  const acked = new Promise<void>((resolve) => {
    // Past a timer's reach (~24.8 days) is as good as never.
    if (timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) setTimeout(resolve, timeoutMs);
  });
  return acked.then(() => c.out.integer(0));
}

export const CLUSTER_COMMANDS: readonly CommandSpec[] = [
  connCmd('cluster', -2, ADMIN, clusterCommand),
  connCmd('readonly', 1, FAST, noClusterCommand),
  connCmd('readwrite', 1, FAST, noClusterCommand),
  connCmd('wait', 3, NOSCRIPT, waitCommand),
];
