/**
 * The one command table: every family's rows, indexed by lower-case name. Connection threads
 * and shard workers both load it; each runs only the handlers meant for it.
 */
import type { CommandSpec } from './table.ts';
import { CONNECTION_COMMANDS } from './connection.ts';
import { STRING_COMMANDS } from './strings.ts';
import { BIT_COMMANDS } from './bits.ts';
import { KEY_COMMANDS } from './keys.ts';
import { LIST_COMMANDS } from './lists.ts';
import { SERVER_COMMANDS } from './server.ts';
import { CONFIG_COMMANDS } from './config.ts';
import { CLUSTER_COMMANDS } from './cluster.ts';
import { DEBUG_COMMANDS } from './debug.ts';
import { SCRIPTING_COMMANDS } from './scripting.ts';
import { ZSET_COMMANDS } from './zsets.ts';
import { PERSISTENCE_COMMANDS } from './persistence.ts';
import { BACKUP_COMMANDS } from './backup.ts';
import { TRANSACTION_COMMANDS } from './transactions.ts';
import { PUBSUB_COMMANDS } from './pubsub.ts';
import { CLIENT_COMMANDS } from './client.ts';
import { SLOWLOG_COMMANDS } from './slowlog.ts';
import { HASH_COMMANDS } from './hashes.ts';
import { SET_COMMANDS } from './sets.ts';
import { HLL_COMMANDS } from './hyperloglog.ts';
import { GEO_COMMANDS } from './geo.ts';
import { OBJECT_COMMANDS } from './object.ts';
import { SORT_COMMANDS } from './sort.ts';

export const COMMANDS: readonly CommandSpec[] = [
  ...CONNECTION_COMMANDS,
  ...STRING_COMMANDS,
  ...BIT_COMMANDS,
  ...KEY_COMMANDS,
  ...LIST_COMMANDS,
  ...SERVER_COMMANDS,
  ...CONFIG_COMMANDS,
  ...CLUSTER_COMMANDS,
  ...DEBUG_COMMANDS,
  ...SCRIPTING_COMMANDS,
  ...ZSET_COMMANDS,
  ...PERSISTENCE_COMMANDS,
  ...BACKUP_COMMANDS,
  ...TRANSACTION_COMMANDS,
  ...PUBSUB_COMMANDS,
  ...CLIENT_COMMANDS,
  ...SLOWLOG_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...HLL_COMMANDS,
  ...GEO_COMMANDS,
  ...OBJECT_COMMANDS,
  ...SORT_COMMANDS,
];

const BY_NAME = new Map<string, CommandSpec>();
for (const spec of COMMANDS) {
  if (BY_NAME.has(spec.name)) throw new Error(`command ${spec.name} is defined twice`);
  BY_NAME.set(spec.name, spec);
}
// Clients mostly send names in upper case: index that spelling too, sparing a toLowerCase.
for (const spec of COMMANDS) BY_NAME.set(spec.name.toUpperCase(), spec);

// A row's index for this build: requests carry it, so shards skip the name lookup.
COMMANDS.forEach((spec, i) => (spec.id = i));

/** The row for a command name in any letter case. */
export function lookupCommand(name: string): CommandSpec | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}
