import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/server/in-flight.ts';
import { Pending } from '../../../src/server/pending.ts';

describe('InFlight', () => {
  it('hands back requests answered in the order they were sent', () => {
    const q = new InFlight();
    const p = [new Pending(1, null), new Pending(1, null), new Pending(1, null)];
    p.forEach((x, i) => q.push(i, x));
    expect([q.take(0), q.take(1), q.take(2)]).toEqual(p);
    expect(q.take(3)).toBeUndefined();
  });

  it('keeps a request overtaken by a later reply (a parked BLPOP) for its late reply', () => {
    const q = new InFlight();
    const parked = new Pending(1, null);
    const next = new Pending(1, null);
    q.push(7, parked);
    q.push(8, next);
    expect(q.take(8)).toBe(next);
    q.push(9, new Pending(1, null));
    expect(q.take(7)).toBe(parked);
    expect(q.take(7)).toBeUndefined();
  });

  it('grows past its initial size and across a wrap of its circular storage', () => {
    const q = new InFlight();
    const all: Pending[] = [];
    for (let i = 0; i < 700; i++) q.push(i, (all[i] = new Pending(1, null)));
    for (let i = 0; i < 600; i++) expect(q.take(i)).toBe(all[i]);
    for (let i = 700; i < 3000; i++) q.push(i, (all[i] = new Pending(1, null)));
    for (let i = 600; i < 3000; i++) expect(q.take(i)).toBe(all[i]);
  });

  it('forgets a parked request whose client went away', () => {
    const q = new InFlight();
    q.push(1, new Pending(1, null));
    q.push(2, new Pending(1, null));
    q.take(2);
    q.forget(1);
    expect(q.take(1)).toBeUndefined();
  });
});
