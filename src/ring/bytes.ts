/**
 * Little-endian u32 loads and stores on plain byte arrays. Buffer's readUInt32LE/writeUInt32LE
 * validate their offset and, for writes, stay a call of their own in profiles (~1% of the
 * connection thread at pipeline 16); these are small enough to inline. Callers keep offsets
 * in bounds (they reserved the room first).
 */

export function getU32(buf: Uint8Array, p: number): number {
  return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
}

export function putU32(buf: Uint8Array, p: number, v: number): void {
  buf[p] = v;
  buf[p + 1] = v >>> 8;
  buf[p + 2] = v >>> 16;
  buf[p + 3] = v >>> 24;
}

/** Up to this many bytes, a loop copies faster than making a view for TypedArray.set. */
const SMALL_COPY = 64;

/** Copies src[start, end) into dest at `at`. */
export function copyBytes(src: Uint8Array, start: number, end: number, dest: Uint8Array, at: number): void {
  if (end - start <= SMALL_COPY) {
    for (let i = start; i < end; i++) dest[at++] = src[i]!;
  } else {
    dest.set(src.subarray(start, end), at);
  }
}
