/**
 * Publish/subscribe: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB. They run
 * on the connection threads (src/server/pubsub.ts holds the subscriptions and carries messages
 * between threads); no shard and no key is involved, so channels are server-wide whatever the
 * shard count.
 */
import { errUnknownSubcommand, errWrongArgs } from './replies.ts';
import { connCmd, FAST, LOADING, NOSCRIPT, PUBSUB, RANDOM, STALE, type CommandSpec, type ConnCtx } from './table.ts';

// SUBSCRIBE channel [channel ...]
function subscribeCommand(c: ConnCtx, argv: Buffer[]): void {
  c.pubsub.subscribe(argv.slice(1), false);
}

// UNSUBSCRIBE [channel ...]
function unsubscribeCommand(c: ConnCtx, argv: Buffer[]): void {
  c.pubsub.unsubscribe(argv.slice(1), false);
}

// PSUBSCRIBE pattern [pattern ...]
function psubscribeCommand(c: ConnCtx, argv: Buffer[]): void {
  c.pubsub.subscribe(argv.slice(1), true);
}

// PUNSUBSCRIBE [pattern ...]
function punsubscribeCommand(c: ConnCtx, argv: Buffer[]): void {
  c.pubsub.unsubscribe(argv.slice(1), true);
}

// PUBLISH channel message
function publishCommand(c: ConnCtx, argv: Buffer[]): void | Promise<void> {
  const reached = c.pubsub.publish(argv[1]!, argv[2]!);
  if (typeof reached === 'number') return c.out.integer(reached);
  return reached.then((n) => c.out.integer(n));
}

// PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT
async function pubsubCommand(c: ConnCtx, argv: Buffer[]): Promise<void> {
  const sub = argv[1]!.toString('latin1').toLowerCase();
  if (sub === 'channels' && argv.length <= 3) {
    const names = await c.pubsub.channels(argv[2]?.toString('latin1'));
    return c.out.latin1Array(names);
  }
  if (sub === 'numsub') {
    const names = argv.slice(2).map((b) => b.toString('latin1'));
    const counts = await c.pubsub.numsub(names);
    c.out.arrayHeader(names.length * 2);
    names.forEach((name, i) => {
      c.out.bulkLatin1(name);
      c.out.integer(counts[i]!);
    });
    return;
  }
  if (sub === 'numpat' && argv.length === 2) {
    // Await first: c.out is a different writer once the handler has awaited.
    const n = await c.pubsub.numpat();
    return c.out.integer(n);
  }
  if (sub === 'channels' || sub === 'numpat') return c.out.error(errWrongArgs(`pubsub|${sub}`));
  c.out.error(errUnknownSubcommand(argv[1]!.toString('latin1'), 'pubsub'));
}

export const PUBSUB_COMMANDS: readonly CommandSpec[] = [
  //      name            arity flags                                    handler
  connCmd('subscribe',       -2, PUBSUB | NOSCRIPT | LOADING | STALE,    subscribeCommand),
  connCmd('unsubscribe',     -1, PUBSUB | NOSCRIPT | LOADING | STALE,    unsubscribeCommand),
  connCmd('psubscribe',      -2, PUBSUB | NOSCRIPT | LOADING | STALE,    psubscribeCommand),
  connCmd('punsubscribe',    -1, PUBSUB | NOSCRIPT | LOADING | STALE,    punsubscribeCommand),
  connCmd('publish',          3, PUBSUB | LOADING | STALE | FAST,        publishCommand),
  connCmd('pubsub',          -2, PUBSUB | RANDOM | LOADING | STALE,      pubsubCommand),
];
