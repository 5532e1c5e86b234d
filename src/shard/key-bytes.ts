/**
 * How the key tables hash keys and compare and write their bytes: a key arrives as a request's
 * bytes (GET, SET) or as a latin1 string (every other command), and both must hash and compare
 * the same against the bytes a table stores.
 */

/** FNV-1a's offset basis as an int32: hashes are int32s, as the table stores them. */
const FNV_OFFSET = 0x811c9dc5 | 0;

/** A 32-bit FNV-1a hash of a latin1 string's chars. */
export function hashLatin1(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** hashLatin1() of the latin1 string of bytes[start, end), computed from the bytes. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

/**
 * Whether the `length` key bytes stored from ints[word] are bytes[start, start + length),
 * compared four bytes at a time; the last word's bytes past the key (the value's) are masked.
 */
export function sameWords(ints: Int32Array, word: number, bytes: Uint8Array, start: number, length: number): boolean {
  let j = 0;
  for (; j + 4 <= length; j += 4, word++) {
    const w = bytes[start + j]! | (bytes[start + j + 1]! << 8) | (bytes[start + j + 2]! << 16) | (bytes[start + j + 3]! << 24);
    if (w !== ints[word]) return false;
  }
  if (j === length) return true;
  let w = 0;
  for (let k = 0; j + k < length; k++) w |= bytes[start + j + k]! << (8 * k);
  const mask = (1 << (8 * (length - j))) - 1;
  return w === (ints[word]! & mask);
}

/** sameWords() for a key given as a latin1 string. */
export function sameWordsAsChars(ints: Int32Array, word: number, key: string): boolean {
  const length = key.length;
  let j = 0;
  for (; j + 4 <= length; j += 4, word++) {
    const w = key.charCodeAt(j) | (key.charCodeAt(j + 1) << 8) | (key.charCodeAt(j + 2) << 16) | (key.charCodeAt(j + 3) << 24);
    if (w !== ints[word]) return false;
  }
  if (j === length) return true;
  let w = 0;
  for (let k = 0; j + k < length; k++) w |= key.charCodeAt(j + k) << (8 * k);
  return w === (ints[word]! & ((1 << (8 * (length - j))) - 1));
}

/**
 * Whether key's chars are the bytes at bytes[start, start + key.length). Compared from the end:
 * keys sharing a chain often share a prefix ("user:1234", "user:1299") and differ at the end.
 */
export function sameChars(key: string, bytes: Uint8Array, start: number): boolean {
  for (let i = key.length - 1; i >= 0; i--) if (key.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/** A latin1 string's chars as bytes at memory[at...] (at most INLINE_BYTES of them). */
export function writeChars(memory: Uint8Array, at: number, s: string): void {
  for (let j = 0; j < s.length; j++) memory[at + j] = s.charCodeAt(j);
}
