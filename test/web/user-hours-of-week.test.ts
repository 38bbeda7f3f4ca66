import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, eventBody, testService } from '../server/test-service.js';

type TestService = Awaited<ReturnType<typeof testService>>;
let t: TestService;

beforeEach(async () => {
  t = await testService();
});
afterEach(async () => {
  await t.close();
});

// Tokyo has no daylight saving time: UTC+9 all year, so the expected cells do not move with the date.
const TOKYO = { country: 'JP', city: 'Tokyo', lat: 35.68, lon: 139.69 };

describe('GET /v1/users/:id hoursOfWeekShare', () => {
  it("places logins by hour of week in the user's home time zone, Monday 00:00 first", async () => {
    const events = [
      // Mondays 01:00 UTC = Monday 10:00 in Tokyo (cell 10).
      ...['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26'].map((d) =>
        eventBody({ userId: 'kenji', timestamp: `${d}T01:00:00Z`, location: TOKYO }),
      ),
      // Fridays 15:00 UTC = Saturday 00:00 in Tokyo (cell 5 × 24 = 120).
      ...['2026-01-09', '2026-01-16'].map((d) =>
        eventBody({ userId: 'kenji', timestamp: `${d}T15:00:00Z`, location: TOKYO }),
      ),
    ];
    const sent = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.ingest),
      payload: events,
    });
    expect(sent.json().accepted).toBe(6);
    await t.drain();

    const res = await t.app.inject({ url: '/v1/users/kenji', headers: auth(t.keys.read) });
    expect(res.statusCode).toBe(200);
    const b = res.json().baseline as {
      homeTimeZone: string;
      learnedLogins: number;
      hoursOfWeekShare: number[];
      hoursOfDayShare: number[];
    };
    expect(b.learnedLogins).toBe(6);
    expect(b.homeTimeZone).toBe('Asia/Tokyo');
    const week = b.hoursOfWeekShare;
    expect(week).toHaveLength(168);
    const used = week.flatMap((share, cell) => (share > 0 ? [cell] : []));
    expect(used).toEqual([10, 120]);
    expect(week[10]).toBeGreaterThan(week[120] ?? 1);
    expect(week.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 3);
    // The hours of the day are the same histogram folded over the days of the week.
    expect(b.hoursOfDayShare[10]).toBeCloseTo(week[10] ?? 0, 3);
    expect(b.hoursOfDayShare[0]).toBeCloseTo(week[120] ?? 0, 3);
  });
});
