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
} from './replies.ts';
import { connCmd, FAST, LOADING, NOAUTH, NOSCRIPT, STALE, type CommandSpec, type ConnCtx } from './table.ts';

const ERR_NO_PASSWORD =
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';

// AUTH password | AUTH instance-id:password (CKV's form)
function authCommand(c: ConnCtx, argv: Buffer[]): void {
  const { requirePass, instanceId } = c.server;
  if (argv.length > 3) return c.out.error(ERR_SYNTAX);
  if (requirePass === '') return c.out.error(ERR_NO_PASSWORD);
  const given = argv[argv.length - 1]!.toString('latin1');
  const ok = given === requirePass || (instanceId !== '' && given === `${instanceId}:${requirePass}`);
  if (!ok) {
    c.authenticated = false;
    return c.out.error(ERR_INVALID_PASSWORD);
  }
  c.authenticated = true;
  c.out.ok();
}

// ECHO message
function echoCommand(c: ConnCtx, argv: Buffer[]): void {
  c.out.bulk(argv[1]!);
}

// PING [message]
function pingCommand(c: ConnCtx, argv: Buffer[]): void {
  if (argv.length > 2) return c.out.error("ERR wrong number of arguments for 'ping' command");
  if (argv.length === 2) c.out.bulk(argv[1]!);
  else c.out.raw(PONG);
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
  connCmd('echo',      2, FAST,                                   echoCommand),
  connCmd('ping',     -1, STALE | FAST,                           pingCommand),
  connCmd('quit',     -1, NOAUTH | LOADING | STALE | FAST,        quitCommand),
  connCmd('select',    2, LOADING | STALE | FAST,                 selectCommand),
];
