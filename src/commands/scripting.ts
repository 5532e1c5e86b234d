/**
 * EVAL, EVALSHA and SCRIPT. A script runs on the shard that owns its keys (they must share a
 * slot, as in Redis Cluster; with no keys, on the first shard), whole, before that shard runs
 * anything else. The connection thread checks the arguments, remembers the script's body for
 * EVALSHA (on every connection thread: src/server/script-store.ts) and sends the body along,
 * so each shard compiles a script the first time it runs it (src/shard/scripting.ts).
 *
 * Inside a script, redis.call runs commands of the script's shard only: commands with keys
 * (each key in the script's slot), not those that answer for the whole server or a connection.
 */
import { errorReply, sha1hex, type ScriptCall } from '../shard/scripting.ts';
import { string2ll } from '../shard/types/string.ts';
import { slotOfBytes } from '../routing/slot.ts';
import { lookupCommand } from './index.ts';
import { ERR_CROSSSLOT, ERR_NOT_INTEGER, errUnknownSubcommand, errWrongArgs } from './replies.ts';
import {
  arityOk,
  cmd,
  connCmd,
  forEachKeyIndex,
  INTERNAL,
  MOVABLEKEYS,
  NOSCRIPT,
  RunsOn,
  type CommandSpec,
  type ConnCtx,
  type ExecCtx,
} from './table.ts';

const ERR_NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

// EVAL script numkeys [key ...] [arg ...]
function evalCommand(c: ConnCtx, argv: Buffer[]): Promise<void> | void {
  return runScript(c, argv, argv[1]!, sha1hex(argv[1]!));
}

// EVALSHA sha1 numkeys [key ...] [arg ...]
function evalshaCommand(c: ConnCtx, argv: Buffer[]): Promise<void> | void {
  const sha = argv[1]!.latin1Slice().toLowerCase();
  const body = c.scripts.get(sha);
  if (body === undefined) return c.out.error(ERR_NOSCRIPT);
  return runScript(c, argv, body, sha);
}

async function runScript(c: ConnCtx, argv: Buffer[], body: Buffer, sha: string): Promise<void> {
  const numkeys = string2ll(argv[2]!);
  if (numkeys === undefined) return c.out.error(ERR_NOT_INTEGER);
  if (numkeys > argv.length - 3) return c.out.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return c.out.error("ERR Number of keys can't be negative");
  const keys = argv.slice(3, 3 + Number(numkeys));
  const slot = keys.length > 0 ? slotOfBytes(keys[0]!) : -1;
  if (keys.some((k) => slotOfBytes(k) !== slot)) return c.out.error(ERR_CROSSSLOT);
  const reply = await c.askShard(slot, ['slotkv-eval', sha, body, ...argv.slice(2)]);
  // Known to every connection thread before the client hears back, so EVALSHA works anywhere.
  if (!reply.toString('latin1', 0, 30).startsWith('-ERR Error compiling script')) await c.scripts.add(sha, body);
  c.out.raw(reply);
}

// SCRIPT LOAD script | EXISTS sha1 [sha1 ...] | FLUSH [ASYNC | SYNC] | KILL
async function scriptCommand(c: ConnCtx, argv: Buffer[]): Promise<void> {
  const sub = argv[1]!.latin1Slice().toLowerCase();
  const argc = argv.length;
  switch (sub) {
    case 'load': {
      if (argc !== 3) break;
      const sha = sha1hex(argv[2]!);
      const reply = await c.askShard(-1, ['slotkv-script-load', sha, argv[2]!]);
      if (reply[0] === 0x2d) return c.out.raw(reply);
      await c.scripts.add(sha, argv[2]!);
      return c.out.bulkLatin1(sha);
    }
    case 'exists':
      if (argc < 3) break;
      c.out.arrayHeader(argc - 2);
      for (const sha of argv.slice(2)) c.out.integer(c.scripts.get(sha.latin1Slice().toLowerCase()) === undefined ? 0 : 1);
      return;
    case 'flush': {
      if (argc > 3) break;
      const mode = argc === 3 ? argv[2]!.latin1Slice().toLowerCase() : 'sync';
      if (mode !== 'sync' && mode !== 'async') return c.out.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
      await c.fanOut(['slotkv-script-flush']);
      await c.scripts.flush();
      return c.out.ok();
    }
    case 'kill':
      if (argc !== 2) break;
      return c.out.error('NOTBUSY No scripts in execution right now.');
    default:
      return c.out.error(errUnknownSubcommand(argv[1]!.latin1Slice(), 'script'));
  }
  c.out.error(errWrongArgs(`script|${sub}`));
}

// slotkv-eval sha body numkeys [key ...] [arg ...]: runs the script here, compiling it first if new.
function evalShardCommand(x: ExecCtx, argv: Buffer[]): void {
  const sha = argv[1]!.latin1Slice();
  const engine = x.scripts();
  const failed = engine.load(sha, argv[2]!);
  if (failed !== null) return x.out.error(failed);
  const numkeys = Number(argv[3]!.latin1Slice());
  const keys = argv.slice(4, 4 + numkeys);
  const slot = keys.length > 0 ? slotOfBytes(keys[0]!) : -1;
  const out = x.out;
  x.runScript((call) => engine.run(sha, keys, argv.slice(4 + numkeys), (cmdArgv) => checkedCall(slot, cmdArgv, call), out));
}

/** redis.call's checks, as Redis words them, before the command runs on this shard. */
function checkedCall(slot: number, argv: Buffer[], call: ScriptCall): Buffer {
  const spec = lookupCommand(argv[0]!.latin1Slice());
  if (spec === undefined || (spec.flags & INTERNAL) !== 0) return errorReply('ERR Unknown Redis command called from script');
  if (!arityOk(spec, argv.length)) return errorReply('ERR Wrong number of args calling Redis command from script');
  if ((spec.flags & NOSCRIPT) !== 0) return errorReply('ERR This Redis command is not allowed from script');
  if (spec.runsOn !== RunsOn.SHARD && spec.runsOn !== RunsOn.SPLIT) {
    return errorReply(`ERR '${spec.name}' is not available in slotkv's scripts: it does not run on one shard`);
  }
  let local = true;
  forEachKeyIndex(spec, argv.length, (i) => {
    if (slotOfBytes(argv[i]!) !== slot) local = false;
  }, argv);
  if (!local) return errorReply('ERR Script attempted to access a non local key in a cluster node');
  return call(argv);
}

// slotkv-script-load sha body: compiles it here (SCRIPT LOAD's syntax check).
function scriptLoadShardCommand(x: ExecCtx, argv: Buffer[]): void {
  const failed = x.scripts().load(argv[1]!.latin1Slice(), argv[2]!);
  if (failed !== null) return x.out.error(failed);
  x.out.ok();
}

// slotkv-script-flush: forgets the scripts compiled here.
function scriptFlushShardCommand(x: ExecCtx): void {
  x.scripts().flush();
  x.out.ok();
}

export const SCRIPTING_COMMANDS: readonly CommandSpec[] = [
  connCmd('eval', -3, NOSCRIPT | MOVABLEKEYS, evalCommand),
  connCmd('evalsha', -3, NOSCRIPT | MOVABLEKEYS, evalshaCommand),
  connCmd('script', -2, NOSCRIPT, scriptCommand),
  cmd('slotkv-eval', -4, NOSCRIPT | INTERNAL, 0, 0, 0, evalShardCommand),
  cmd('slotkv-script-load', 3, NOSCRIPT | INTERNAL, 0, 0, 0, scriptLoadShardCommand),
  cmd('slotkv-script-flush', 1, NOSCRIPT | INTERNAL, 0, 0, 0, scriptFlushShardCommand, { runsOn: RunsOn.ALL }),
];

