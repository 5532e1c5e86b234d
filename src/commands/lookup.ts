/**
 * Reading a key of one type from a handler: Redis's lookupKeyReadOrReply plus checkType. Every
 * type's API has a lookup that answers the value, undefined for a missing key, or
 * Status.WRONGTYPE; this writes the WRONGTYPE error, so a handler only tells "missing" from
 * "already answered".
 */
import type { Db } from '../shard/keyspace.ts';
import { Status } from '../shard/types/string.ts';
import { ERR_WRONGTYPE } from './replies.ts';
import type { ExecCtx } from './table.ts';

/** The value at key; undefined when missing; null once WRONGTYPE has been written. */
export function valueOrReply<T>(ctx: ExecCtx, lookup: (db: Db, key: string) => T | undefined | typeof Status.WRONGTYPE,
  key: string): T | undefined | null {
  const v = lookup(ctx.db, key);
  if (v !== Status.WRONGTYPE) return v;
  ctx.out.error(ERR_WRONGTYPE);
  return null;
}
