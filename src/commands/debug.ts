/**
 * DEBUG, as Redis 7.0 has it: refused unless `enable-debug-command` is yes (or local, for a
 * client on a loopback address). slotkv has the subcommands test suites lean on: SLEEP, which
 * holds every shard (no command that touches data runs meanwhile), and SET-ACTIVE-EXPIRE, which
 * turns the shards' background expiry off and on. Others answer Redis's unknown-subcommand error.
 */
import { errSubcommandSyntax } from './replies.ts';
import { ADMIN, cmd, connCmd, INTERNAL, LOADING, NOSCRIPT, RunsOn, STALE, type CommandSpec, type ConnCtx, type ExecCtx } from './table.ts';

const ERR_NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

/** The leading number of text, as C's strtod reads it: 0 when there is none. */
function leadingNumber(text: string): number {
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : 0;
}

// DEBUG SLEEP seconds | SET-ACTIVE-EXPIRE 0|1
async function debugCommand(c: ConnCtx, argv: Buffer[]): Promise<void> {
  const allowed = c.server.config.get('enable-debug-command');
  if (allowed !== 'yes' && !(allowed === 'local' && c.fromLoopback)) return c.out.error(ERR_NOT_ALLOWED);
  const given = argv[1]!.toString('latin1');
  const sub = given.toLowerCase();
  if (sub === 'sleep' && argv.length === 3) {
    const ms = Math.max(0, Math.round(leadingNumber(argv[2]!.toString('latin1')) * 1000));
    await c.fanOut(['slotkv-debug', 'sleep', String(ms)]);
    return c.out.ok();
  }
  if (sub === 'set-active-expire' && argv.length === 3) {
    const on = Number.parseInt(argv[2]!.toString('latin1'), 10) || 0; // atoi
    await c.fanOut(['slotkv-debug', 'set-active-expire', on !== 0 ? '1' : '0']);
    return c.out.ok();
  }
  c.out.error(errSubcommandSyntax(given, 'debug'));
}

/** A shard's part of DEBUG: it sleeps (blocking its thread) or sets its background expiry. */
function debugShardCommand(x: ExecCtx, argv: Buffer[]): void {
  const value = Number(argv[2]!.toString('latin1'));
  if (argv[1]!.toString('latin1') === 'sleep') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, value);
  else x.config.activeExpire = value !== 0;
  x.out.ok();
}

export const DEBUG_COMMANDS: readonly CommandSpec[] = [
  connCmd('debug', -2, ADMIN | NOSCRIPT | LOADING | STALE, debugCommand),
  cmd('slotkv-debug', 3, ADMIN | INTERNAL, 0, 0, 0, debugShardCommand, { runsOn: RunsOn.ALL }),
];
