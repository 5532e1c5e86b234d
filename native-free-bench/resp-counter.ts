/**
 * Counts complete top-level RESP2 replies in a byte stream without building them: the load
 * generator only needs to know how many answers came back and how many were errors, and
 * decoding values would make the generator, not the server, the thing being measured.
 *
 * Replies split across reads resume where they stopped: the unfinished tail (from the start of
 * the element being parsed) is kept and joined to the next read, and the nesting stack of
 * arrays survives between calls.
 */

const PLUS = 0x2b; // '+'
const MINUS = 0x2d; // '-'
const COLON = 0x3a; // ':'
const DOLLAR = 0x24; // '$'
const STAR = 0x2a; // '*'
const CR = 0x0d;

export class ReplyCounter {
  /** Top-level replies completed so far. */
  replies = 0;
  /** Top-level replies that were errors. */
  errors = 0;
  /** The first error text seen, to report what went wrong. */
  firstError: string | null = null;
  private tail: Buffer | null = null;
  /** Elements still expected by each open array, innermost last. */
  private readonly stack: number[] = [];

  /** Feeds one read; returns how many top-level replies it completed. */
  feed(chunk: Buffer): number {
    let data = chunk;
    if (this.tail !== null) {
      data = Buffer.concat([this.tail, chunk]);
      this.tail = null;
    }
    const before = this.replies;
    let pos = 0;
    const len = data.length;
    while (pos < len) {
      const cr = data.indexOf(CR, pos + 1);
      if (cr < 0 || cr + 1 >= len) break;
      const type = data[pos];
      let next = cr + 2;
      if (type === DOLLAR) {
        const n = parseInt(data.latin1Slice(pos + 1, cr), 10);
        if (n >= 0) {
          next += n + 2;
          if (next > len) break;
        }
        this.element();
      } else if (type === STAR) {
        const n = parseInt(data.latin1Slice(pos + 1, cr), 10);
        if (n > 0) this.stack.push(n);
        else this.element();
      } else if (type === MINUS) {
        if (this.stack.length === 0) {
          this.errors++;
          this.firstError ??= data.latin1Slice(pos + 1, cr);
        }
        this.element();
      } else if (type === PLUS || type === COLON) {
        this.element();
      } else {
        throw new Error(`unexpected reply byte 0x${(type ?? 0).toString(16)}`);
      }
      pos = next;
    }
    if (pos < len) this.tail = Buffer.from(data.subarray(pos));
    return this.replies - before;
  }

  /** One element finished: it closes arrays whose last element it was, maybe the whole reply. */
  private element(): void {
    const stack = this.stack;
    for (;;) {
      if (stack.length === 0) {
        this.replies++;
        return;
      }
      const left = --stack[stack.length - 1]!;
      if (left > 0) return;
      stack.pop();
    }
  }
}
