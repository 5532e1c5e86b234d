/**
 * Request templates for each test, pre-encoded as RESP once: a request is a copy of its
 * template plus the key number (and, for field/member tests, a second number) written into
 * fixed-width digit slots, so building a pipeline costs a few memcpys and no string work.
 *
 * Keys look like redis-benchmark's (`key:000000012345`). Multi-key tests (MSET, MGET) put the
 * request's number in a hash tag so all ten keys share a slot: slotkv, like Redis Cluster,
 * refuses a multi-key command whose keys span slots.
 */
import type { TestName } from './options.ts';

const DIGITS = 12;
const KEY_MARK = '\u0001'.repeat(DIGITS);
const AUX_MARK = '\u0002'.repeat(DIGITS);

export interface Template {
  bytes: Buffer;
  /** Offsets of 12-digit slots that take the key number. */
  keySlots: number[];
  /** Offsets of 12-digit slots that take the auxiliary number (field, member, score). */
  auxSlots: number[];
}

function encode(args: string[]): Template {
  let text = `*${args.length}\r\n`;
  for (const a of args) text += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  const bytes = Buffer.from(text, 'latin1');
  const keySlots: number[] = [];
  const auxSlots: number[] = [];
  for (let at = bytes.indexOf(KEY_MARK, 0, 'latin1'); at >= 0; at = bytes.indexOf(KEY_MARK, at + DIGITS, 'latin1')) keySlots.push(at);
  for (let at = bytes.indexOf(AUX_MARK, 0, 'latin1'); at >= 0; at = bytes.indexOf(AUX_MARK, at + DIGITS, 'latin1')) auxSlots.push(at);
  return { bytes, keySlots, auxSlots };
}

/** The template of one request of `test`, with values of valueSize bytes. */
export function templateFor(test: TestName, valueSize: number): Template {
  const value = 'x'.repeat(valueSize);
  const key = `key:${KEY_MARK}`;
  switch (test) {
    case 'ping': return encode(['PING']);
    case 'set': return encode(['SET', key, value]);
    case 'get': return encode(['GET', key]);
    case 'incr': return encode(['INCR', `counter:${KEY_MARK}`]);
    case 'lpush': return encode(['LPUSH', `list:${KEY_MARK}`, value]);
    case 'rpush': return encode(['RPUSH', `list:${KEY_MARK}`, value]);
    case 'lpop': return encode(['LPOP', `list:${KEY_MARK}`]);
    case 'rpop': return encode(['RPOP', `list:${KEY_MARK}`]);
    case 'sadd': return encode(['SADD', `set:${KEY_MARK}`, `element:${AUX_MARK}`]);
    case 'spop': return encode(['SPOP', `set:${KEY_MARK}`]);
    case 'hset': return encode(['HSET', `hash:${KEY_MARK}`, `field:${AUX_MARK}`, value]);
    case 'zadd': return encode(['ZADD', `zset:${KEY_MARK}`, AUX_MARK, `element:${AUX_MARK}`]);
    case 'mset': {
      const args = ['MSET'];
      for (let i = 0; i < 10; i++) args.push(`{key:${KEY_MARK}}:${i}`, value);
      return encode(args);
    }
    case 'mget': {
      const args = ['MGET'];
      for (let i = 0; i < 10; i++) args.push(`{key:${KEY_MARK}}:${i}`);
      return encode(args);
    }
  }
}

/** Writes n as DIGITS zero-padded decimal digits at buf[at]. */
export function writeDigits(buf: Buffer, at: number, n: number): void {
  for (let i = at + DIGITS - 1; i >= at; i--) {
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
}

/** Appends one request from t at buf[pos]; returns the new end. buf must have room. */
export function writeRequest(buf: Buffer, pos: number, t: Template, key: number, aux: number): number {
  t.bytes.copy(buf, pos);
  for (const s of t.keySlots) writeDigits(buf, pos + s, key);
  for (const s of t.auxSlots) writeDigits(buf, pos + s, aux);
  return pos + t.bytes.length;
}

