/**
 * CLIENT ID | GETNAME | SETNAME | INFO | LIST | KILL | PAUSE | UNPAUSE | REPLY, MONITOR and
 * SHUTDOWN. They run on the connection thread; LIST, KILL and PAUSE cover every connection
 * thread (src/server/clients.ts, src/server/client-pause.ts).
 */
import { ERR_SYNTAX, errSubcommandSyntax, errUnknownSubcommand, errWrongArgs } from './replies.ts';
import { timeoutMsOrReply } from './timeouts.ts';
import { ADMIN, connCmd, LOADING, NOSCRIPT, STALE, type ClientFilter, type CommandSpec, type ConnCtx } from './table.ts';

const ERR_BAD_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';

/** Parses KILL's filters (new form) into a filter; a string is the error. */
function killFilter(c: ConnCtx, args: Buffer[]): ClientFilter | string {
  const filter: ClientFilter = { skip: c.clientId };
  for (let i = 0; i < args.length; i += 2) {
    const opt = args[i]!.toString('latin1').toLowerCase();
    const value = args[i + 1]?.toString('latin1');
    if (value === undefined) return ERR_SYNTAX;
    if (opt === 'id') {
      if (!/^\d+$/.test(value)) return 'ERR client-id should be greater than 0';
      filter.ids = [Number(value)];
    } else if (opt === 'addr') filter.addr = value;
    else if (opt === 'laddr') filter.laddr = value;
    else if (opt === 'skipme') {
      if (value !== 'yes' && value !== 'no') return ERR_SYNTAX;
      if (value === 'no') delete filter.skip;
    } else return ERR_SYNTAX;
  }
  return filter;
}

// CLIENT ID | GETNAME | SETNAME name | INFO | LIST [ID id ...] | KILL addr | KILL <filter> value ...
// | PAUSE timeout [WRITE | ALL] | UNPAUSE | REPLY ON | OFF | SKIP
async function clientCommand(c: ConnCtx, argv: Buffer[]): Promise<void> {
  const sub = argv[1]!.toString('latin1').toLowerCase();
  const argc = argv.length;
  switch (sub) {
    case 'id':
      if (argc !== 2) break;
      return c.out.integer(c.clientId);
    case 'getname':
      if (argc !== 2) break;
      return c.clientName === '' ? c.out.nullBulk() : c.out.bulkLatin1(c.clientName);
    case 'setname': {
      if (argc !== 3) break;
      const name = argv[2]!.toString('latin1');
      if (!/^[\x21-\x7e]*$/.test(name)) return c.out.error(ERR_BAD_NAME);
      c.clientName = name;
      return c.out.ok();
    }
    case 'info':
      if (argc !== 2) break;
      return c.out.bulkLatin1(`${c.clients.line()}\n`);
    case 'list': {
      let filter: ClientFilter = {};
      if (argc > 2) {
        if (argv[2]!.toString('latin1').toLowerCase() !== 'id' || argc < 4) return c.out.error(ERR_SYNTAX);
        const ids = argv.slice(3).map((b) => b.toString('latin1'));
        if (ids.some((id) => !/^\d+$/.test(id))) return c.out.error('ERR Invalid client ID');
        filter = { ids: ids.map(Number) };
      }
      const lines = await c.clients.list(filter);
      return c.out.bulkLatin1(lines.map((l) => `${l}\n`).join(''));
    }
    case 'kill': {
      if (argc === 3) {
        // The old form: one address, +OK or an error.
        const killed = await c.clients.kill({ addr: argv[2]!.toString('latin1') });
        return killed > 0 ? c.out.ok() : c.out.error('ERR No such client');
      }
      if (argc < 4 || argc % 2 !== 0) return c.out.error(argc < 3 ? errWrongArgs('client|kill') : ERR_SYNTAX);
      const filter = killFilter(c, argv.slice(2));
      if (typeof filter === 'string') return c.out.error(filter);
      const killed = await c.clients.kill(filter);
      return c.out.integer(killed);
    }
    case 'pause': {
      if (argc < 3) break;
      if (argc > 4) return c.out.error(errSubcommandSyntax(argv[1]!.toString('latin1'), 'client'));
      const timeoutMs = timeoutMsOrReply(c.out, argv[2]!);
      if (timeoutMs === undefined) return;
      const mode = argc === 4 ? argv[3]!.toString('latin1').toLowerCase() : 'all';
      if (mode !== 'all' && mode !== 'write') return c.out.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      await c.clients.pause(Date.now() + timeoutMs, mode === 'write');
      return c.out.ok();
    }
    case 'reply': {
      if (argc !== 3) break;
      const mode = argv[2]!.toString('latin1').toLowerCase();
      if (mode !== 'on' && mode !== 'off' && mode !== 'skip') return c.out.error(ERR_SYNTAX);
      c.setReplyMode(mode);
      // OFF and SKIP are not answered; ON is, even when replies were off.
      return mode === 'on' ? c.out.ok() : undefined;
    }
    case 'unpause':
      if (argc !== 2) break;
      await c.clients.unpause();
      return c.out.ok();
    default:
      return c.out.error(errUnknownSubcommand(argv[1]!.toString('latin1'), 'client'));
  }
  c.out.error(errWrongArgs(`client|${sub}`));
}

// SHUTDOWN [NOSAVE | SAVE]
// Stops the server as SIGTERM does (every write is already in the log); SAVE (or a configured
// `save` rule, as in Redis) snapshots every shard first. The connection closes with no reply.
async function shutdownCommand(c: ConnCtx, argv: Buffer[]): Promise<void> {
  const opts = argv.slice(1).map((b) => b.toString('latin1').toLowerCase());
  if (opts.some((o) => !['nosave', 'save', 'now', 'force'].includes(o)) || (opts.includes('save') && opts.includes('nosave'))) {
    return c.out.error(ERR_SYNTAX);
  }
  const save = opts.includes('save') || (!opts.includes('nosave') && c.server.config.get('save')!.trim() !== '');
  if (save) {
    const replies = await c.fanOut(['save']);
    if (replies.some((r) => r[0] === 0x2d) && !opts.includes('force')) {
      return c.out.error('ERR Errors trying to SHUTDOWN. Check logs.');
    }
  }
  c.closeAfterReply();
  c.shutdown(save);
}

// MONITOR
function monitorCommand(c: ConnCtx): void {
  c.startMonitor();
  c.out.ok();
}

export const CLIENT_COMMANDS: readonly CommandSpec[] = [
  connCmd('client',   -2, ADMIN | NOSCRIPT | LOADING | STALE, clientCommand),
  connCmd('monitor',   1, ADMIN | NOSCRIPT | LOADING | STALE, monitorCommand),
  connCmd('shutdown', -1, ADMIN | NOSCRIPT | LOADING | STALE, shutdownCommand),
];
