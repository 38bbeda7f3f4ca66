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

const HOUR = 3_600_000;

describe('GET /v1/stats', () => {
  it('counts what /v1/assessments lists, per bucket, by action and level, with the top reasons', async () => {
    // Hour 0: five normal logins; hour 2: twelve failures from a stranger's address (brute force).
    const t0 = Math.floor(Date.now() / HOUR - 48) * HOUR;
    const events = [
      ...Array.from({ length: 5 }, (_, i) => eventBody({ userId: 'carol', timestamp: t0 + i * 60_000 })),
      ...Array.from({ length: 12 }, (_, i) =>
        eventBody({
          userId: 'carol',
          success: false,
          ip: '203.0.113.9',
          deviceId: 'x',
          timestamp: t0 + 2 * HOUR + i * 10_000,
        }),
      ),
      eventBody({ userId: 'outside', timestamp: t0 + 5 * HOUR }),
    ];
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: auth(t.keys.ingest),
          payload: events,
        })
      ).statusCode,
    ).toBe(202);
    await t.drain();

    const from = new Date(t0).toISOString();
    const to = new Date(t0 + 4 * HOUR).toISOString();
    const res = await t.app.inject({
      url: `/v1/stats?from=${from}&to=${to}&bucket=1h`,
      headers: auth(t.keys.read),
    });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    const listed = (
      await t.app.inject({
        url: `/v1/assessments?from=${from}&to=${to}&limit=1000`,
        headers: auth(t.keys.read),
      })
    ).json().items as { action: string; riskLevel: string; reasons: { code: string }[] }[];
    expect(listed).toHaveLength(17);

    expect(stats.buckets.map((b: { t: string }) => b.t)).toEqual([
      from,
      new Date(t0 + 2 * HOUR).toISOString(),
    ]);
    expect(stats.buckets.map((b: { total: number }) => b.total)).toEqual([5, 12]);
    const count = (pred: (a: (typeof listed)[number]) => boolean) => listed.filter(pred).length;
    for (const action of ['allow', 'challenge', 'deny']) {
      expect(stats.totals[action]).toBe(count((a) => a.action === action));
    }
    for (const level of ['low', 'medium', 'high', 'critical']) {
      expect(stats.totals[level]).toBe(count((a) => a.riskLevel === level));
    }
    expect(stats.totals.deny).toBeGreaterThan(0);
    const byCode = new Map<string, number>();
    for (const a of listed) for (const r of a.reasons) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
    expect(stats.topReasons).toEqual(
      [...byCode]
        .map(([code, n]) => ({ code, count: n }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    );
    expect(stats.topReasons.map((r: { code: string }) => r.code)).toContain('BRUTE_FORCE');
    expect(stats.queue).toEqual({ ready: expect.any(Number), leased: expect.any(Number), failed: 0 });
    // The batches drain() scored were observed (an empty histogram would give nulls, not zeros).
    expect(stats.latency.workerBatch.count).toBeGreaterThanOrEqual(1);
    expect(stats.latency.workerBatch.meanMs).toBeGreaterThan(0);
    expect(stats.latency.workerBatch.p95MsAtMost).toBeGreaterThan(0);
  });

  it('answers empty counts for a range without events, and 400 for too many buckets or a reversed range', async () => {
    const empty = await t.app.inject({ url: '/v1/stats?bucket=1h', headers: auth(t.keys.read) });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ buckets: [], topReasons: [], totals: { total: 0 } });
    const many = await t.app.inject({
      url: '/v1/stats?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=1m',
      headers: auth(t.keys.read),
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().error.code).toBe('LG_ERR_VALIDATION');
    const reversed = await t.app.inject({
      url: '/v1/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      headers: auth(t.keys.read),
    });
    expect(reversed.statusCode).toBe(400);
    const badBucket = await t.app.inject({ url: '/v1/stats?bucket=7s', headers: auth(t.keys.read) });
    expect(badBucket.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/v1/stats' })).statusCode).toBe(401);
  });
});
