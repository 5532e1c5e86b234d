/**
 * A key as the commands that recreate it, the form snapshots take (as Redis's AOF rewrite
 * does): loading a snapshot is replaying it through the same handlers as the log, so there is
 * one loader and no second encoding of each type to keep in step. Large collections are cut
 * into commands of at most ITEMS_PER_COMMAND items.
 */
import { typeOf, type Value } from './keyspace.ts';
import { stringBytes, type StringValue } from './types/string.ts';

export type Emit = (args: readonly (string | Uint8Array)[]) => void;

const ITEMS_PER_COMMAND = 64;

/** Emits the commands that recreate key with value and, if any, its absolute expiry. */
export function emitKey(key: string, value: Value, expireAt: number | undefined, emit: Emit): void {
  const type = typeOf(value);
  switch (type) {
    case 'string':
      emit(['SET', key, stringBytes(value as StringValue)]);
      break;
    default:
      emitCollection(key, value, emit);
  }
  if (expireAt !== undefined) emit(['PEXPIREAT', key, String(expireAt)]);
}

/** Collections say how to rebuild themselves: a command name and its argument groups. */
export interface Serializable {
  /** The command that adds items (RPUSH, SADD, HSET, ZADD) and each item's arguments. */
  serialize(): { command: string; items: Iterable<readonly (string | Uint8Array)[]> };
}

function emitCollection(key: string, value: Value, emit: Emit): void {
  const { command, items } = (value as unknown as Serializable).serialize();
  let args: (string | Uint8Array)[] = [command, key];
  let count = 0;
  for (const item of items) {
    args.push(...item);
    if (++count === ITEMS_PER_COMMAND) {
      emit(args);
      args = [command, key];
      count = 0;
    }
  }
  if (count > 0) emit(args);
}
