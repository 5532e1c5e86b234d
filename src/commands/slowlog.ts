/**
 * SLOWLOG GET [count] | LEN | RESET | HELP. Every shard keeps the slow commands it ran
 * (src/shard/slowlog.ts); the connection thread merges them newest first. Entries have Redis
 * 7's six fields; the client address and name are empty, since shards do not know them.
 */
import { errUnknownSubcommand, errWrongArgs } from './replies.ts';
import { ADMIN, cmd, LOADING, Merge, RANDOM, RunsOn, STALE, type CommandSpec, type ConnCtx, type ExecCtx } from './table.ts';
import type { SlowEntry } from '../shard/slowlog.ts';

const HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

const ERR_COUNT = 'ERR count should be greater than or equal to -1';

/** The count of SLOWLOG GET, or an error text. */
function countArg(argv: Buffer[]): number | string {
  if (argv.length < 3) return 10;
  const text = argv[2]!.toString('latin1');
  if (!/^-?\d{1,18}$/.test(text) || Number(text) < -1) return ERR_COUNT;
  return Number(text);
}

/** Checks the subcommand and its arguments; an error text when they are wrong. */
function check(argv: Buffer[]): string | undefined {
  const sub = argv[1]!.toString('latin1').toLowerCase();
  const argc = argv.length;
  if (sub === 'get') {
    if (argc > 3) return errWrongArgs('slowlog|get');
    const count = countArg(argv);
    return typeof count === 'string' ? count : undefined;
  }
  if (sub === 'len' || sub === 'reset' || sub === 'help') return argc === 2 ? undefined : errWrongArgs(`slowlog|${sub}`);
  return errUnknownSubcommand(argv[1]!.toString('latin1'), 'slowlog');
}

// On each shard: GET answers its entries as JSON for the merge below.
function slowlogShardCommand(x: ExecCtx, argv: Buffer[]): void {
  const error = check(argv);
  if (error) return x.out.error(error);
  switch (argv[1]!.toString('latin1').toLowerCase()) {
    case 'get':
      return x.out.bulkLatin1(JSON.stringify(x.slowlog.newest(countArg(argv) as number)));
    case 'len':
      return x.out.integer(x.slowlog.length);
    case 'reset':
      x.slowlog.reset();
      return x.out.ok();
    default:
      return x.out.ok(); // HELP is answered by the merge
  }
}

// SLOWLOG GET [count] | LEN | RESET | HELP
function slowlogCommand(c: ConnCtx, argv: Buffer[]): void {
  const parts = c.shardReplies ?? [];
  const failed = parts.find((p) => p[0] === 0x2d);
  if (failed) return c.out.raw(failed);
  switch (argv[1]!.toString('latin1').toLowerCase()) {
    case 'get': {
      const count = countArg(argv) as number;
      const all = parts
        .flatMap((p) => JSON.parse(p.toString('latin1', p.indexOf('\r\n') + 2, p.length - 2)) as SlowEntry[])
        .sort((a, b) => b.at - a.at || b.id - a.id);
      const shown = count < 0 ? all : all.slice(0, count);
      c.out.arrayHeader(shown.length);
      for (const e of shown) {
        c.out.arrayHeader(6);
        c.out.integer(e.id);
        c.out.integer(Math.floor(e.at / 1000));
        c.out.integer(e.durationUs);
        c.out.latin1Array(e.args);
        c.out.bulkLatin1('');
        c.out.bulkLatin1('');
      }
      return;
    }
    case 'len':
      return c.out.integer(parts.reduce((n, p) => n + Number(p.toString('latin1', 1, p.length - 2)), 0));
    case 'reset':
      return c.out.ok();
    default:
      c.out.arrayHeader(HELP.length);
      for (const line of HELP) c.out.simple(line);
  }
}

export const SLOWLOG_COMMANDS: readonly CommandSpec[] = [
  cmd('slowlog', -2, ADMIN | RANDOM | LOADING | STALE, 0, 0, 0, slowlogShardCommand, {
    runsOn: RunsOn.ALL,
    merge: Merge.CUSTOM,
    connHandler: slowlogCommand,
  }),
];
