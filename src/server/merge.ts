/**
 * Merging the replies of several shards into the one reply a client sees, by the row's Merge
 * kind. An error from any shard wins (the first one, in shard order), as if the command had
 * failed on one server.
 */
import { Merge, type CommandSpec } from '../commands/table.ts';
import { ERR_SYNTAX, NULL_BULK, OK, ReplyWriter } from '../commands/replies.ts';

const MINUS = 0x2d; // '-'
const CR = 0x0d;

/** End (exclusive) of the RESP value starting at pos. */
export function skipReply(buf: Buffer, pos: number): number {
  const lineEnd = buf.indexOf(CR, pos);
  const type = buf[pos];
  if (type === 0x24 /* $ */) {
    const n = Number(buf.latin1Slice(pos + 1, lineEnd));
    return n < 0 ? lineEnd + 2 : lineEnd + 2 + n + 2;
  }
  if (type === 0x2a /* * */) {
    const n = Number(buf.latin1Slice(pos + 1, lineEnd));
    let p = lineEnd + 2;
    for (let i = 0; i < n; i++) p = skipReply(buf, p);
    return p;
  }
  return lineEnd + 2;
}

/** The count in an array or integer reply's header line. */
function headerNumber(buf: Buffer): number {
  return Number(buf.latin1Slice(1, buf.indexOf(CR)));
}

/** Start offsets of the elements of an array reply, plus its end as the last entry. */
export function arrayElements(buf: Buffer): number[] {
  const n = headerNumber(buf);
  const offsets: number[] = [];
  let p = buf.indexOf(CR) + 2;
  for (let i = 0; i < n; i++) {
    offsets.push(p);
    p = skipReply(buf, p);
  }
  offsets.push(p);
  return offsets;
}

export function mergeReplies(spec: CommandSpec, parts: Buffer[], positions: number[][] | null): Buffer {
  const error = parts.find((p) => p[0] === MINUS);
  if (error) return error;
  const out = new ReplyWriter(256);
  switch (spec.merge) {
    case Merge.SUM: {
      let sum = 0;
      for (const p of parts) sum += headerNumber(p);
      out.integer(sum);
      break;
    }
    case Merge.OK:
      out.raw(OK);
      break;
    case Merge.FIRST:
      out.raw(parts[0]!);
      break;
    case Merge.MIN:
      out.integer(Math.min(...parts.map(headerNumber)));
      break;
    case Merge.CONCAT: {
      let total = 0;
      for (const p of parts) total += headerNumber(p);
      out.arrayHeader(total);
      for (const p of parts) out.raw(p.subarray(p.indexOf(CR) + 2));
      break;
    }
    case Merge.BY_POSITION: {
      // Each part answered its own keys in order; put every element back at its key's index.
      const count = positions!.reduce((n, ps) => n + ps.length, 0);
      const slots: Buffer[] = new Array(count);
      parts.forEach((p, i) => {
        const offsets = arrayElements(p);
        positions![i]!.forEach((index, k) => (slots[index] = p.subarray(offsets[k], offsets[k + 1])));
      });
      out.arrayHeader(count);
      for (const s of slots) out.raw(s);
      break;
    }
    case Merge.ANY_BULK: {
      const found = parts.filter((p) => !p.equals(NULL_BULK));
      out.raw(found.length === 0 ? NULL_BULK : found[Math.floor(Math.random() * found.length)]!);
      break;
    }
    default:
      out.error(ERR_SYNTAX);
  }
  return Buffer.from(out.view());
}
