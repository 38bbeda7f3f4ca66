import { describe, expect, it } from 'vitest';
import { hourOfWeek, utcOffsetMs } from '../../src/profile/local-time.js';

const H = 3_600_000;

describe('local time', () => {
  it('gives hour of week in the zone (Monday 00:00 = 0)', () => {
    // 2024-03-04 is a Monday. 04:30 UTC is 10:00 in Delhi (+05:30).
    expect(hourOfWeek(Date.UTC(2024, 2, 4, 4, 30), 'Asia/Kolkata')).toBe(10);
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    expect(hourOfWeek(Date.UTC(2024, 2, 3, 23, 30), 'Asia/Tokyo')).toBe(8);
    // Monday 02:00 UTC is Sunday 21:00 in Chicago (CST, -6).
    expect(hourOfWeek(Date.UTC(2024, 2, 4, 2, 0), 'America/Chicago')).toBe(6 * 24 + 20);
    expect(hourOfWeek(Date.UTC(2024, 2, 4, 2, 0), undefined)).toBe(2);
    expect(hourOfWeek(Date.UTC(2024, 2, 4, 2, 0), 'Not/AZone')).toBe(2);
  });

  it('follows daylight saving changes to the minute', () => {
    // US DST began 2024-03-10 at 02:00 local (08:00 UTC) in Chicago: -6 h before, -5 h after.
    expect(utcOffsetMs(Date.UTC(2024, 2, 10, 7, 59), 'America/Chicago')).toBe(-6 * H);
    expect(utcOffsetMs(Date.UTC(2024, 2, 10, 8, 0), 'America/Chicago')).toBe(-5 * H);
    expect(utcOffsetMs(Date.UTC(2024, 2, 11, 12, 0), 'America/Chicago')).toBe(-5 * H);
    expect(utcOffsetMs(Date.UTC(2024, 6, 1), 'Asia/Kathmandu')).toBe(5.75 * H);
  });
});
