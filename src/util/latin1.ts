/**
 * The latin1 string of a byte range, one char per byte: binary safe, and the compact form V8
 * keeps such strings in, which is how keys, small values and collection members live in the
 * keyspace. One place, with Buffer's method looked up once: on the hot path a
 * `Buffer.prototype.latin1Slice.call(...)` at each call site cost a global load per call.
 */
const latin1Slice = Buffer.prototype.latin1Slice;

export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return latin1Slice.call(bytes, start, end);
}
