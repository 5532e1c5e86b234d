/**
 * Runs shard handlers with no rings or sockets: a fake ExecCtx over real Dbs, and a tiny RESP
 * reply decoder so unit tests can assert on what a handler wrote.
 */
import { ReplyWriter } from '../../src/commands/replies.ts';
import { newShardStats, type CommandSpec, type ExecCtx, type ShardHandler } from '../../src/commands/table.ts';
import { Db } from '../../src/shard/keyspace.ts';
import { SlowLog } from '../../src/shard/slowlog.ts';

export interface FakeShard {
  dbs: Db[];
  /** Effects the handlers logged, as arrays of latin1 strings. */
  log: string[][];
  now: number;
  /** Commands that called ctx.block(), and keys signalled ready, in call order. */
  blocked: { keys: string[]; deadlineMs: number; db: number }[];
  ready: string[];
  /** Which slots this fake shard owns (all, unless a test narrows it). */
  ownsSlot: (slot: number) => boolean;
  /** Runs handler on argv (strings are latin1 bytes) in db, returning the raw reply bytes. */
  run(handler: ShardHandler, args: (string | Buffer)[], db?: number): Buffer;
}

export function fakeShard(now = 1_700_000_000_000): FakeShard {
  const dbs = Array.from({ length: 16 }, () => new Db());
  const shard: FakeShard = {
    dbs,
    log: [],
    blocked: [],
    ready: [],
    now,
    ownsSlot: () => true,
    run(handler, args, dbIndex = 0) {
      const out = new ReplyWriter(64);
      const argv = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
      let propagated = false;
      for (const d of dbs) d.now = shard.now;
      const ctx: ExecCtx = {
        db: dbs[dbIndex]!,
        dbIndex,
        dbs,
        now: shard.now,
        out,
        dirty: 0,
        propagate(effect) {
          propagated = true;
          shard.log.push(effect.map((e) => (typeof e === 'string' ? e : Buffer.from(e).toString('latin1'))));
        },
        config: { protoMaxBulkLen: 512 * 1024 * 1024, activeExpire: true },
        shardId: 0,
        ownsSlot: (slot) => shard.ownsSlot(slot),
        stats: newShardStats(),
        block(keys, deadlineMs) {
          shard.blocked.push({ keys: [...keys], deadlineMs, db: dbIndex });
        },
        signalReady(key) {
          shard.ready.push(key);
        },
        execTransaction: () => {
          throw new Error('execTransaction is not available on the fake shard');
        },
        scripts: () => {
          throw new Error('scripts are not available on the fake shard');
        },
        runScript: () => {
          throw new Error('runScript is not available on the fake shard');
        },
        watches: { watch: () => {}, unwatch: () => {}, isDirty: () => false },
        slowlog: new SlowLog(0, 1, -1, 0),
        swapDbs: (a, b) => {
          [dbs[a], dbs[b]] = [dbs[b]!, dbs[a]!];
        },
        persistence: {
          bgsave: () => true,
          save: () => true,
          lastSaveMs: () => shard.now,
          logOffset: () => 0,
          saving: () => false,
          started: () => 0,
          finished: () => 0,
          linkLastSnapshot: () => '',
          restoreFrom: () => 0,
        },
      };
      handler(ctx, argv);
      if (ctx.dirty > 0 && !propagated) shard.log.push(argv.map((a) => a.toString('latin1')));
      return Buffer.from(out.view());
    },
  };
  return shard;
}

/** The row of `table` named `name`; throws when there is none. */
export function rowOf(table: readonly CommandSpec[], name: string): CommandSpec {
  const row = table.find((c) => c.name === name.toLowerCase());
  if (!row) throw new Error(`no row ${name}`);
  return row;
}

/** Runs the row named by args[0] in db 0 (or `db`) and decodes its reply. */
export function runRow(table: readonly CommandSpec[], shard: FakeShard, args: (string | Buffer)[], db = 0): Reply {
  const name = typeof args[0] === 'string' ? args[0] : args[0]!.toString();
  return decodeReply(shard.run(rowOf(table, name).handler as ShardHandler, args, db));
}

/** A fake shard at `now` whose db 0 holds each of keys with the value 'v'. */
export function shardWithKeys(now: number, ...keys: string[]): FakeShard {
  const shard = fakeShard(now);
  for (const k of keys) shard.dbs[0]!.set(k, 'v');
  return shard;
}

export type Reply = string | number | null | Reply[] | { error: string };

/** Decodes exactly one RESP2 reply (throws on trailing or missing bytes). */
export function decodeReply(bytes: Buffer): Reply {
  const [value, end] = decodeAt(bytes, 0);
  if (end !== bytes.length) throw new Error(`trailing bytes after reply: ${JSON.stringify(bytes.toString('latin1'))}`);
  return value;
}

function decodeAt(bytes: Buffer, pos: number): [Reply, number] {
  const lineEnd = bytes.indexOf('\r\n', pos, 'latin1');
  if (lineEnd === -1) throw new Error('incomplete reply');
  const type = String.fromCharCode(bytes[pos]!);
  const line = bytes.toString('latin1', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [{ error: line }, next];
    case ':':
      return [Number(line), next];
    case '$': {
      const n = Number(line);
      if (n < 0) return [null, next];
      return [bytes.toString('latin1', next, next + n), next + n + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const [v, after] = decodeAt(bytes, p);
        items.push(v);
        p = after;
      }
      return [items, p];
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)}`);
  }
}
