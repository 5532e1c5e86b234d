/**
 * OBJECT: what Redis 7.0 reports about a key's value (encoding, reference count, idle time,
 * access frequency). It changes nothing.
 *
 * slotkv does not keep Redis's object headers, so the answers are derived:
 *  - ENCODING of a string follows Redis's tryObjectEncoding for values stored as received
 *    (SET, MSET, GETSET, INCR ...): "int" for a string2ll integer of at most 20 chars,
 *    "embstr" up to 44 bytes, "raw" beyond. A StringBuf (a value APPEND, SETRANGE or SETBIT
 *    changed in place) is "raw", as Redis's dbUnshareStringValue leaves it. Collections answer
 *    from their type's `encoding` getter.
 *  - REFCOUNT is INT_MAX for the shared integers 0..9999 (Redis shares them while no LRU/LFU
 *    maxmemory policy is set, and slotkv's maxmemory-policy is inert), 1 for everything else.
 *  - IDLETIME: seconds since the key was last read or written, to the second, as Redis's LRU
 *    clock (kept in the keyspace's slot index).
 *  - FREQ is the error Redis gives when no LFU policy is selected.
 */
import { errUnknownSubcommand, errWrongArgs } from './replies.ts';
import { cmd, READONLY, type CommandSpec, type ExecCtx } from './table.ts';
import { argIs } from './strings.ts';
import { keyString, type Value } from '../shard/keyspace.ts';
import { string2ll } from '../shard/types/string.ts';

export const OBJECT_COMMANDS: readonly CommandSpec[] = [
  //   name     arity flags     first last step handler
  cmd('OBJECT',   -2, READONLY,   2,    2,   1,   objectCommand),
];

/** Redis's OBJ_SHARED_REFCOUNT (INT_MAX): what a shared object reports as its count. */
const SHARED_REFCOUNT = 2147483647;
/** Redis's OBJ_SHARED_INTEGERS: integers below it are shared objects. */
const SHARED_INTEGERS = 10000;
/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

const ERR_NO_LFU = 'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that ' +
  'when switching between policies at runtime LRU and LFU data will take some time to adjust.';

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const SUBCOMMANDS = ['encoding', 'refcount', 'idletime', 'freq'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** The encoding Redis 7.0's OBJECT ENCODING names for a value. */
export function objectEncoding(v: Value): string {
  if (typeof v === 'string') {
    if (v.length <= 20 && string2ll(v) !== undefined) return 'int';
    return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
  }
  if (v.type === 'string') return 'raw';
  return (v as Value & { readonly encoding: string }).encoding;
}

/** Redis 7.0's OBJECT REFCOUNT for a value: only shared small integers are shared. */
export function objectRefcount(v: Value): number {
  if (typeof v !== 'string' || v.length > 4) return 1;
  const n = string2ll(v);
  return typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

// OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key, OBJECT HELP
function objectCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const subArg = argv[1]!;
  if (argIs(subArg, 'help')) {
    if (argv.length !== 2) return ctx.out.error(errWrongArgs('object|help'));
    ctx.out.arrayHeader(HELP.length);
    for (const line of HELP) ctx.out.simple(line);
    return;
  }
  const sub: Subcommand | undefined = SUBCOMMANDS.find((s) => argIs(subArg, s));
  if (sub === undefined) return ctx.out.error(errUnknownSubcommand(subArg.toString('latin1'), 'object'));
  if (argv.length !== 3) return ctx.out.error(errWrongArgs(`object|${sub}`));
  // OBJECT looks without touching, so IDLETIME reports the access before it (LOOKUP_NOTOUCH).
  const key = keyString(argv[2]!);
  const v = ctx.db.peek(key);
  if (v === undefined) return ctx.out.nullBulk();
  switch (sub) {
    case 'encoding':
      return ctx.out.bulkLatin1(objectEncoding(v));
    case 'refcount':
      return ctx.out.integer(objectRefcount(v));
    case 'idletime':
      return ctx.out.integer(ctx.db.idleSeconds(key));
    case 'freq':
      return ctx.out.error(ERR_NO_LFU);
  }
}
