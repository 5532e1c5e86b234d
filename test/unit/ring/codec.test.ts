import { describe, expect, it } from 'vitest';
import { ReplyWriter } from '../../../src/commands/replies.ts';
import {
  NO_SLOT,
  REQUEST_HEADER_BYTES,
  RequestArgs,
  requestCmdId,
  requestDb,
  requestSlot1,
  writeArgs,
  writeRequestHeader,
} from '../../../src/ring/codec.ts';
import { slotOfLatin1 } from '../../../src/routing/slot.ts';

/** A request as a connection thread writes it, after some bytes already in the buffer. */
function request(args: (string | Uint8Array)[], slot1?: number): { buf: Buffer; start: number } {
  const out = new ReplyWriter(16);
  out.raw(Buffer.from('junk'));
  const start = out.len;
  writeRequestHeader(out, 0xdeadbeef, 15, 0x1234, slot1);
  writeArgs(out, args);
  return { buf: out.buf, start };
}

describe('request codec', () => {
  it('reads back the header fields and every argument, binary ones included', () => {
    const binary = Uint8Array.of(0, 0xff, 13, 10);
    const { buf, start } = request(['SET', 'key:1', binary], 9999);
    expect(buf.readUInt32LE(start)).toBe(0xdeadbeef);
    expect(requestDb(buf, start)).toBe(15);
    expect(requestCmdId(buf, start)).toBe(0x1234);
    expect(requestSlot1(buf, start)).toBe(9999);
    const args = new RequestArgs();
    args.read(buf, start + REQUEST_HEADER_BYTES, requestSlot1(buf, start));
    expect(args.count).toBe(3);
    expect(args.latin1(1)).toBe('key:1');
    expect(args.length(2)).toBe(4);
    expect([...args.views([])[2]!]).toEqual([...binary]);
    expect(args.buf.subarray(args.start(1), args.end(1)).toString()).toBe('key:1');
  });

  it("takes argument 1's slot from the header when it has one, and hashes the key otherwise", () => {
    const args = new RequestArgs();
    const told = request(['GET', 'user:{42}'], 1234); // a slot no hash of this key gives
    args.read(told.buf, told.start + REQUEST_HEADER_BYTES, requestSlot1(told.buf, told.start));
    expect(args.slotOf(1)).toBe(1234);
    const untold = request(['GET', 'user:{42}', 'other']);
    expect(requestSlot1(untold.buf, untold.start)).toBe(NO_SLOT);
    args.read(untold.buf, untold.start + REQUEST_HEADER_BYTES, requestSlot1(untold.buf, untold.start));
    expect(args.slotOf(1)).toBe(slotOfLatin1('42'));
    expect(args.slotOf(2)).toBe(slotOfLatin1('other'));
  });
});
