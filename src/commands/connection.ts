/**
 * Connection commands: AUTH, ECHO, PING, QUIT, SELECT. They run on the connection thread and
 * touch only the client's own state, so no shard is involved.
 */
import {
  ERR_DB_INDEX,
  ERR_INVALID_PASSWORD,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  PONG,
  type ReplyWriter,
} from './replies.ts';
import { connCmd, FAST, LOADING, NOAUTH, NOSCRIPT, STALE, type CommandSpec, type ConnCtx } from './table.ts';
import type { FramedArgs } from '../server/framer.ts';

const ERR_NOAUTH_HELLO = 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
const ERR_NO_PASSWORD =
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';

// AUTH password | AUTH instance-id:password (CKV's form)
function authCommand(c: ConnCtx, argv: Buffer[]): void {
  if (argv.length > 3) return c.out.error(ERR_SYNTAX);
  if (c.server.requirePass === '') {
    // AUTH default <anything> passes for a password-less default user (Redis 6+ ACL form).
    if (argv.length === 3 && argv[1]!.toString('latin1') === 'default') return c.out.ok();
    return c.out.error(ERR_NO_PASSWORD);
  }
  const userOk = argv.length === 2 || argv[1]!.toString('latin1') === 'default';
  if (!userOk || !passwordOk(c, argv[argv.length - 1]!.toString('latin1'))) {
    c.authenticated = false;
    return c.out.error(ERR_INVALID_PASSWORD);
  }
  c.authenticated = true;
  c.out.ok();
}

/** The password check AUTH and HELLO AUTH share: plain, or CKV's instance-id:password. */
function passwordOk(c: ConnCtx, given: string): boolean {
  const { requirePass, instanceId } = c.server;
  return given === requirePass || (instanceId !== '' && given === `${instanceId}:${requirePass}`);
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
// slotkv speaks RESP2 only: HELLO 3 answers NOPROTO, and clients that try it (node-redis 6
// does by default) can be set to RESP2.
function helloCommand(c: ConnCtx, argv: Buffer[]): void {
  let i = 1;
  if (argv.length > 1) {
    const text = argv[1]!.toString('latin1');
    if (!/^-?\d{1,18}$/.test(text)) return c.out.error('ERR Protocol version is not an integer or out of range');
    if (Number(text) !== 2) return c.out.error('NOPROTO unsupported protocol version');
    i = 2;
  }
  let name: string | undefined;
  for (; i < argv.length; i++) {
    const opt = argv[i]!.toString('latin1').toLowerCase();
    if (opt === 'auth' && i + 2 < argv.length) {
      const user = argv[i + 1]!.toString('latin1');
      // With no requirepass the default user has no password: any password passes, as in Redis.
      const open = c.server.requirePass === '';
      if (user !== 'default' || (!open && !passwordOk(c, argv[i + 2]!.toString('latin1')))) {
        return c.out.error(ERR_INVALID_PASSWORD);
      }
      c.authenticated = true;
      i += 2;
    } else if (opt === 'setname' && i + 1 < argv.length) {
      name = argv[++i]!.toString('latin1');
    } else {
      return c.out.error(`ERR Syntax error in HELLO option '${argv[i]!.toString('latin1')}'`);
    }
  }
  if (!c.authenticated) return c.out.error(ERR_NOAUTH_HELLO);
  if (name !== undefined) c.clientName = name;
  c.out.arrayHeader(14);
  for (const s of ['server', 'redis', 'version', c.server.redisVersion, 'proto']) c.out.bulkLatin1(s);
  c.out.integer(2);
  c.out.bulkLatin1('id');
  c.out.integer(c.clientId);
  for (const s of ['mode', 'standalone', 'role', 'master', 'modules']) c.out.bulkLatin1(s);
  c.out.arrayHeader(0);
}

// ECHO message
function echoCommand(c: ConnCtx, argv: Buffer[]): void {
  c.out.bulk(argv[1]!);
}

function echoDirect(out: ReplyWriter, args: FramedArgs): boolean {
  out.bulkRange(args.data, args.starts[1]!, args.ends[1]!);
  return true;
}

// PING [message]
function pingCommand(c: ConnCtx, argv: Buffer[]): void {
  if (argv.length > 2) return c.out.error("ERR wrong number of arguments for 'ping' command");
  if (c.pubsub.subscribed()) {
    // In the subscribed context PING answers in the shape of a message: [pong, message].
    c.out.arrayHeader(2);
    c.out.bulkLatin1('pong');
    return c.out.bulk(argv[1] ?? Buffer.alloc(0));
  }
  if (argv.length === 2) c.out.bulk(argv[1]!);
  else c.out.raw(PONG);
}

// PING [message], outside the subscribed context (a ConnDirectHandler runs only there)
function pingDirect(out: ReplyWriter, args: FramedArgs): boolean {
  if (args.argc > 2) return false;
  if (args.argc === 2) return echoDirect(out, args);
  out.raw(PONG);
  return true;
}

// QUIT
function quitCommand(c: ConnCtx): void {
  c.out.ok();
  c.closeAfterReply();
}

// SELECT index
function selectCommand(c: ConnCtx, argv: Buffer[]): void {
  const text = argv[1]!.toString('latin1');
  if (!/^-?(0|[1-9]\d{0,18})$/.test(text)) return c.out.error(ERR_NOT_INTEGER);
  const index = Number(text);
  if (index < 0 || index >= c.server.databases) return c.out.error(ERR_DB_INDEX);
  c.db = index;
  c.out.ok();
}

export const CONNECTION_COMMANDS: readonly CommandSpec[] = [
  //      name      arity flags                                  handler
  connCmd('auth',     -2, NOSCRIPT | LOADING | STALE | FAST | NOAUTH, authCommand),
  connCmd('echo',      2, FAST,                                   echoCommand, echoDirect),
  connCmd('hello',    -1, NOSCRIPT | LOADING | STALE | FAST | NOAUTH, helloCommand),
  connCmd('ping',     -1, STALE | FAST,                           pingCommand, pingDirect),
  connCmd('quit',     -1, NOAUTH | LOADING | STALE | FAST,        quitCommand),
  connCmd('select',    2, LOADING | STALE | FAST,                 selectCommand),
];
