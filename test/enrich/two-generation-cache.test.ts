import { describe, expect, it } from 'vitest';
import { TwoGenerationCache } from '../../src/enrich/two-generation-cache.js';

describe('TwoGenerationCache', () => {
  it('keeps hot keys, forgets cold ones, and stays under twice its capacity', () => {
    const cache = new TwoGenerationCache<string, number>(3);
    for (const k of ['a', 'b', 'c']) cache.set(k, k.charCodeAt(0));
    cache.set('d', 100); // young was full: a, b, c become old
    expect(cache.get('a')).toBe(97); // promoted back to young
    for (const k of ['e', 'f']) cache.set(k, 1); // young full again (d, a, e) → old; f young
    cache.set('g', 1);
    expect(cache.get('b')).toBeUndefined(); // b was never used again: dropped with its generation
    expect(cache.get('a')).toBe(97);
    expect(cache.size).toBeLessThanOrEqual(6);
  });
});
