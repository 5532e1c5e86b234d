/**
 * The latin1 string of a byte range, one char per byte: binary safe, and the compact form V8
 * keeps such strings in, which is how keys, small values and collection members live in the
 * keyspace. One place, with Buffer's method looked up once: on the hot path a
 * `Buffer.prototype.latin1Slice.call(...)` at each call site cost a global load per call.
 *
 * Up to 16 bytes, String.fromCharCode with one argument per byte makes the same flat one-byte
 * string in JS, without latin1Slice's trip through C++ (which costs ~60 ns whatever the length):
 * 3 bytes ~16 ns, 16 bytes ~30 ns (bench:micro). Keys, fields, members and small values are
 * mostly that short. A call per length, because the argument count must be the length.
 */
const latin1Slice = Buffer.prototype.latin1Slice;
const chars = String.fromCharCode;

export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const b = bytes;
  const s = start;
  switch (end - start) {
    case 0: return '';
    case 1: return chars(b[s]!);
    case 2: return chars(b[s]!, b[s + 1]!);
    case 3: return chars(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!,
      b[s + 10]!);
    case 12: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!,
      b[s + 10]!, b[s + 11]!);
    case 13: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!,
      b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!,
      b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!,
      b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!,
      b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
    default: return latin1Slice.call(bytes, start, end);
  }
}

/** argv[from...] as latin1 strings (members, elements, fields). */
export function latin1Args(argv: readonly Uint8Array[], from: number): string[] {
  const out: string[] = [];
  for (let j = from; j < argv.length; j++) out.push(latin1(argv[j]!));
  return out;
}

/** V8 makes a slice this long or longer a view into its parent string; shorter ones are copies. */
const SLICE_MIN_LENGTH = 13;

/**
 * s as a string of its own: a slice of SLICE_MIN_LENGTH chars or more is a view that keeps its
 * whole parent alive (a packed hash or sorted set), which a string kept past its parent must
 * not do.
 */
export function ownString(s: string): string {
  return s.length >= SLICE_MIN_LENGTH ? Buffer.from(s, 'latin1').toString('latin1') : s;
}
