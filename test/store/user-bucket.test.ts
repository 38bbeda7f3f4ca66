import { describe, expect, it } from 'vitest';
import { USER_BUCKETS, userBucket } from '../../src/store/user-bucket.js';

describe('userBucket', () => {
  it('gives the same bucket as every earlier version (the value is stored in rows)', () => {
    expect(userBucket('alice@example.com')).toBe(6);
    expect(userBucket('alice')).toBe(39);
    expect(userBucket('bob')).toBe(20);
    expect(userBucket('sybil')).toBe(20);
    expect(userBucket('')).toBe(5);
    expect(userBucket('ü—𝒳')).toBe(userBucket('ü—𝒳'));
  });

  it('spreads ids over all buckets about evenly', () => {
    const counts = new Array<number>(USER_BUCKETS).fill(0);
    for (let i = 0; i < 64_000; i++) {
      const bucket = userBucket(`u${i}@tenant-${i % 200}.example`);
      expect(Number.isInteger(bucket) && bucket >= 0 && bucket < USER_BUCKETS).toBe(true);
      counts[bucket] = (counts[bucket] as number) + 1;
    }
    expect(Math.min(...counts)).toBeGreaterThan(900);
    expect(Math.max(...counts)).toBeLessThan(1100);
  });
});
