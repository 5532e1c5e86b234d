/**
 * Micro-benchmarks of the hot-path pieces, in one thread, with tinybench:
 * `npm run bench:micro [-- --time MS] [--json FILE]`.
 *
 * - the RESP framer fed pipelines of GET/SET (src/server/framer.ts);
 * - the slot hash over bytes and over latin1 strings (src/routing/slot.ts);
 * - a ring round trip, raw (src/ring/byte-ring.ts) and length-framed (src/ring/framed.ts),
 *   beside ringbuf.js's RingBuffer moving the same bytes: byte-ring.ts claims ringbuf.js's pop
 *   copies element by element once the read index is not 0, which is always in a byte stream;
 * - reply writing (src/commands/replies.ts) and the request codec (src/ring/codec.ts);
 * - keyspace get/set (src/shard/keyspace.ts);
 * - a field looked up in a small hash's packed form (src/shard/types/listpack.ts findPair).
 */
import { RingBuffer } from 'ringbuf.js';
import { Bench } from 'tinybench';
import { ByteRing } from '../../src/ring/byte-ring.ts';
import { ReplyWriter } from '../../src/commands/replies.ts';
import { readArgs, REQUEST_HEADER_BYTES, writeArgs, writeRequestHeader } from '../../src/ring/codec.ts';
import { RingReader, RingWriter } from '../../src/ring/framed.ts';
import { slotOfBytes, slotOfLatin1 } from '../../src/routing/slot.ts';
import { Framer } from '../../src/server/framer.ts';
import { Db } from '../../src/shard/keyspace.ts';
import { HashValue } from '../../src/shard/types/hash.ts';
import { latin1 } from '../../src/util/latin1.ts';
import { defaultPath, markdownTable, timestamp, writeOut } from '../report.ts';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const time = Number(argValue('--time') ?? 400);
const bench = new Bench({ time, warmupTime: 100 });
/** Units of work per op (commands, bytes, ...), to report a rate per unit; reps of the op per sample. */
const units = new Map<string, { n: number; unit: string; reps: number }>();
/**
 * Each sample runs the op `reps` times: a single sub-microsecond call is below the timer's
 * resolution, and its median would be rounded to the timer's step.
 */
function add(name: string, n: number, unit: string, fn: () => void): void {
  const reps = n >= 4096 ? 10 : unit === 'cmd' ? 10 : 200;
  units.set(name, { n, unit, reps });
  bench.add(name, () => {
    for (let i = 0; i < reps; i++) fn();
  });
}
let sink = 0;

// --- RESP framer -----------------------------------------------------------------------------
function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}
const value = 'x'.repeat(64);
let pipeline = '';
for (let i = 0; i < 16; i++) pipeline += resp(['GET', `key:${100000 + i}`]) + resp(['SET', `key:${100000 + i}`, value]);
const pipelineBuf = Buffer.from(pipeline, 'latin1');
let framed = 0;
const framer = new Framer({ command: () => { framed++; }, protocolError: (m) => { throw new Error(m); } }, 512 * 1024 * 1024, true);
add('framer: 32-command GET/SET pipeline, one read', 32, 'cmd', () => framer.feed(pipelineBuf));
// The same pipeline split into reads of 100 bytes, so commands straddle reads.
const pieces: Buffer[] = [];
for (let at = 0; at < pipelineBuf.length; at += 100) pieces.push(pipelineBuf.subarray(at, at + 100));
add('framer: same pipeline in 100-byte reads', 32, 'cmd', () => {
  for (const p of pieces) framer.feed(p);
});

// --- slot hash -------------------------------------------------------------------------------
const keyBytes = Buffer.from('key:000000123456', 'latin1');
const keyString = 'key:000000123456';
add('slot: slotOfBytes 16-byte key', 1, 'key', () => { sink ^= slotOfBytes(keyBytes); });
add('slot: slotOfLatin1 16-byte key', 1, 'key', () => { sink ^= slotOfLatin1(keyString); });
const taggedBytes = Buffer.from('{user:1000}:profile', 'latin1');
add('slot: slotOfBytes hash-tagged key', 1, 'key', () => { sink ^= slotOfBytes(taggedBytes); });

// --- latin1 strings of bytes (src/util/latin1.ts): every key, field, member and small value --
const latin1Source = Buffer.from('key:000000123456'.repeat(64), 'latin1');
for (const length of [3, 16, 64]) {
  let at = 0;
  add(`latin1: ${length}-byte range to a string`, 1, 'string', () => {
    sink ^= latin1(latin1Source, at, at + length).length;
    at = (at + 17) & 511;
  });
}

// --- rings -----------------------------------------------------------------------------------
const RING_BYTES = 1 << 20;
for (const size of [64, 4096]) {
  const src = new Uint8Array(size).fill(7);
  const dst = new Uint8Array(size);
  const ours = new ByteRing(ByteRing.allocate(RING_BYTES));
  add(`ring: byte-ring push+pop ${size} B`, size, 'B', () => {
    ours.push(src);
    sink ^= ours.pop(dst);
  });
  const theirs = new RingBuffer(RingBuffer.getStorageForCapacity(RING_BYTES, Uint8Array), Uint8Array);
  add(`ring: ringbuf.js push+pop ${size} B`, size, 'B', () => {
    theirs.push(src);
    sink ^= theirs.pop(dst);
  });
  const ring = new ByteRing(ByteRing.allocate(RING_BYTES));
  const writer = new RingWriter(ring);
  const reader = new RingReader(ring);
  const onMessage = (_b: Buffer, s: number, e: number): void => { sink ^= e - s; };
  add(`ring: framed message ${size} B (write, flush, drain)`, size, 'B', () => {
    const at = writer.beginMessage();
    writer.out.raw(src);
    writer.endMessage(at);
    writer.flush();
    reader.drain(onMessage);
  });
}

// --- replies ---------------------------------------------------------------------------------
// What a shard writes per GET/SET/INCR at pipeline 16: bulk replies of short values and integers
// (src/commands/replies.ts), and the request codec both sides use (src/ring/codec.ts).
const replyOut = new ReplyWriter(64 * 1024);
const shortValue = Buffer.from('xyz');
add('replies: 16 bulk replies of 3 bytes + 16 integers', 32, 'reply', () => {
  replyOut.reset();
  for (let i = 0; i < 16; i++) {
    replyOut.bulk(shortValue);
    replyOut.integer(i * 1000);
  }
});
const shortString = latin1(shortValue);
add('replies: 16 bulk replies of a 3-byte string + 16 integers', 32, 'reply', () => {
  replyOut.reset();
  for (let i = 0; i < 16; i++) {
    replyOut.bulkLatin1(shortString);
    replyOut.integer(i * 1000);
  }
});
const requestArgs = [Buffer.from('SET'), Buffer.from('key:100000'), shortValue];
const parsedArgs: Buffer[] = [];
add('codec: write + read a SET request', 1, 'cmd', () => {
  replyOut.reset();
  writeRequestHeader(replyOut, 1234, 0, 42);
  writeArgs(replyOut, requestArgs);
  readArgs(replyOut.buf, REQUEST_HEADER_BYTES, parsedArgs);
  sink ^= parsedArgs.length;
});

// --- keyspace --------------------------------------------------------------------------------
const db = new Db();
const KEYS = 100_000;
const keys = Array.from({ length: KEYS }, (_, i) => `key:${String(i).padStart(12, '0')}`);
for (const k of keys) db.set(k, value);
let ki = 0;
add('keyspace: lookup (100k keys)', 1, 'op', () => {
  const v = db.lookup(keys[ki]!);
  ki = ki + 1 === KEYS ? 0 : ki + 1;
  if (v !== undefined) sink++;
});
add('keyspace: set existing key (100k keys)', 1, 'op', () => {
  db.set(keys[ki]!, value);
  ki = ki + 1 === KEYS ? 0 : ki + 1;
});
// What a GET in a shard starts from: the key's bytes in the request, not a string. Measured both
// ways: making the key string to look it up, and looking it up by its bytes (Db.lookupBytes).
const keyBytesAll = Buffer.from(keys.join(''), 'latin1');
const KEY_LENGTH = keys[0]!.length;
add('keyspace: lookup of request bytes via a key string (100k keys)', 1, 'op', () => {
  const at = ki * KEY_LENGTH;
  const v = db.lookup(keyBytesAll.latin1Slice(at, at + KEY_LENGTH));
  ki = ki + 1 === KEYS ? 0 : ki + 1;
  if (v !== undefined) sink++;
});
add('keyspace: lookupBytes of request bytes (100k keys)', 1, 'op', () => {
  const at = ki * KEY_LENGTH;
  const v = db.lookupBytes(keyBytesAll, at, at + KEY_LENGTH);
  ki = ki + 1 === KEYS ? 0 : ki + 1;
  if (v !== undefined) sink++;
});
let fresh = 0;
add('keyspace: set + delete new key', 1, 'op', () => {
  const k = `new:${fresh++ & 0xffff}`;
  db.set(k, value);
  db.delete(k);
});

// --- a small hash, packed (one string, as Redis's listpack) -------------------------------------
// 64 fields named as the bench's HSET names them: what HGET and HSET search before they read or
// write. A missing field is what adding one starts with.
const packedHash = new HashValue();
const FIELDS = 64;
for (let i = 0; i < FIELDS; i++) packedHash.set(`field:${String(i).padStart(12, '0')}`, 'xxx');
const lastField = `field:${String(FIELDS - 1).padStart(12, '0')}`;
const missingField = `field:${String(FIELDS).padStart(12, '0')}`;
add(`packed hash: get the last of ${FIELDS} fields`, 1, 'op', () => { if (packedHash.get(lastField) !== undefined) sink++; });
add(`packed hash: get a missing field (${FIELDS} fields)`, 1, 'op', () => { if (packedHash.get(missingField) === undefined) sink++; });

await bench.run();
if (framed === 0 || sink === -1) throw new Error('nothing was framed');

function rate(perSec: number, unit: string): string {
  if (unit === 'B') return `${(perSec / 1e9).toFixed(2)} GB/s`;
  const v = perSec >= 1e6 ? `${(perSec / 1e6).toFixed(1)}M` : `${(perSec / 1e3).toFixed(0)}k`;
  return `${v} ${unit}/s`;
}
const rows = bench.tasks.map((t) => {
  // Medians: on a shared machine the means carry every preemption by a neighbour.
  const r = t.result as { state: string; latency?: { p50: number; rme: number } };
  const u = units.get(t.name)!;
  const nsPerCall = ((r.latency?.p50 ?? 0) * 1e6) / u.reps;
  const perSec = nsPerCall > 0 ? 1e9 / nsPerCall : 0;
  return {
    name: t.name,
    callsPerSec: perSec,
    nsPerCall,
    rme: r.latency?.rme ?? 0,
    rate: rate(perSec * u.n, u.unit),
  };
});
process.stdout.write(`${markdownTable(
  ['benchmark', 'ops/s (median)', 'ns/op (median)', 'rme ±%', 'rate'],
  rows.map((r) => [r.name, Math.round(r.callsPerSec).toLocaleString('en-US'), r.nsPerCall.toFixed(1), r.rme.toFixed(1), r.rate]),
  [false, true, true, true, true],
)}\n`);
const ratio = (size: number): string => {
  const ours = rows.find((r) => r.name === `ring: byte-ring push+pop ${size} B`)!;
  const theirs = rows.find((r) => r.name === `ring: ringbuf.js push+pop ${size} B`)!;
  return `${(ours.callsPerSec / theirs.callsPerSec).toFixed(1)}x`;
};
process.stdout.write(`\nbyte-ring vs ringbuf.js round trip: ${ratio(64)} at 64 B, ${ratio(4096)} at 4096 B\n`);
const jsonPath = argValue('--json') ?? defaultPath('micro', 'json', timestamp());
writeOut(jsonPath, `${JSON.stringify({ kind: 'micro', date: new Date().toISOString(), node: process.version, results: rows }, null, 2)}\n`);
process.stdout.write(`wrote ${jsonPath}\n`);
