import { describe, expect, it } from 'vitest';
import { DistinctMembers } from '../../src/profile/distinct-members.js';
import { WindowRing } from '../../src/profile/window-ring.js';

const MIN = 60_000;

describe('WindowRing', () => {
  it('counts what falls in the last window and forgets the rest', () => {
    const ring = WindowRing.over(15 * MIN, 15);
    ring.add(0);
    ring.add(5 * MIN);
    ring.add(10 * MIN, 3);
    expect(ring.sum(10 * MIN)).toBe(5);
    expect(ring.sum(15 * MIN + 1)).toBe(4); // the first one left the window
    expect(ring.sum(25 * MIN + 1)).toBe(0);
    ring.add(60 * MIN);
    expect(ring.sum(60 * MIN)).toBe(1);
  });

  it('takes a late event inside the window, ignores one older than it', () => {
    const ring = WindowRing.over(15 * MIN, 15);
    ring.add(20 * MIN);
    ring.add(10 * MIN);
    ring.add(1 * MIN);
    expect(ring.sum(20 * MIN)).toBe(2);
  });
});

describe('DistinctMembers', () => {
  it('counts distinct members in the window, and saturates at its cap', () => {
    const d = new DistinctMembers(60 * MIN, 3);
    d.add('a', 0);
    d.add('b', MIN);
    d.add('a', 2 * MIN);
    expect(d.count(2 * MIN)).toBe(2);
    expect(d.count(60 * MIN + MIN / 2)).toBe(2); // b (at 1 min) and a (at 2 min) are both still in
    expect(d.count(61 * MIN + 1)).toBe(1); // b left
    d.add('c', 62 * MIN);
    d.add('d', 62 * MIN);
    d.add('e', 62 * MIN);
    expect(d.count(62 * MIN)).toBe(3);
  });
});
