/**
 * Redis Cluster's key -> slot function: CRC16 (XMODEM) of the key, or of its hash tag, mod 16384.
 * The hash tag is the text between the first '{' and the first '}' after it, when non-empty.
 *
 * Written here rather than taken from cluster-key-slot because that package hashes a key like
 * "{}a}" by its "a" (Redis hashes the whole key: the first tag is empty), and because the hot
 * path needs to hash both byte ranges and the latin1 strings the keyspace stores without
 * allocating either.
 */

export const SLOT_COUNT = 16384;
const SLOT_MASK = SLOT_COUNT - 1;
const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** CRC16 of one byte b entering a register r: ((r << 8) & 0xffff) ^ BYTE[(r >> 8) ^ b]. */
const BYTE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  BYTE[i] = crc;
}
/**
 * Two bytes at a time: a 16-bit CRC shifts its whole register out per pair, so the register
 * after a pair is a function of (register ^ pair) alone, split by its two bytes: BYTE for the
 * low one, PAIR_HIGH (a byte followed by a zero byte) for the high one. Half the dependent
 * steps of the byte loop (a 16-byte key: ~55 → ~27 ns).
 */
const PAIR_HIGH = new Uint16Array(256);
for (let i = 0; i < 256; i++) PAIR_HIGH[i] = ((BYTE[i]! << 8) & 0xffff) ^ BYTE[BYTE[i]! >> 8]!;

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const x = crc ^ ((bytes[i]! << 8) | bytes[i + 1]!);
    crc = PAIR_HIGH[x >> 8]! ^ BYTE[x & 0xff]!;
  }
  if (i < end) crc = ((crc << 8) & 0xffff) ^ BYTE[(crc >> 8) ^ bytes[i]!]!;
  return crc;
}

function crc16Latin1(key: string, start: number, end: number): number {
  let crc = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const x = crc ^ ((key.charCodeAt(i) << 8) | key.charCodeAt(i + 1));
    crc = PAIR_HIGH[x >> 8]! ^ BYTE[x & 0xff]!;
  }
  if (i < end) crc = ((crc << 8) & 0xffff) ^ BYTE[(crc >> 8) ^ key.charCodeAt(i)]!;
  return crc;
}

/** Slot of the key held in bytes[start, end). */
export function slotOfBytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  // Scanned here rather than with indexOf: keys are short, and a native call per key cost more
  // than the loop (~4% of the connection thread at pipeline 16).
  let open = start;
  while (open < end && bytes[open] !== OPEN) open++;
  if (open < end) {
    let close = open + 1;
    while (close < end && bytes[close] !== CLOSE) close++;
    if (close < end && close > open + 1) return crc16(bytes, open + 1, close) & SLOT_MASK;
  }
  return crc16(bytes, start, end) & SLOT_MASK;
}

/** Slot of a key held as a latin1 string (one char per byte), as the keyspace stores keys. */
export function slotOfLatin1(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16Latin1(key, open + 1, close) & SLOT_MASK;
  }
  return crc16Latin1(key, 0, key.length) & SLOT_MASK;
}

/**
 * The shard that owns `slot` when slots are split over `shardCount` shards in contiguous ranges
 * (so that a walk over slots visits each shard once, and files can be re-routed by slot when
 * the shard count changes between runs).
 */
export function shardOfSlot(slot: number, shardCount: number): number {
  return Math.floor((slot * shardCount) / SLOT_COUNT);
}
