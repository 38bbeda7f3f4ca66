import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertRepository } from '../../src/store/alert-repository.js';
import { auth, eventBody, testService } from './test-service.js';

type TestService = Awaited<ReturnType<typeof testService>>;
let t: TestService;

beforeEach(async () => {
  t = await testService();
});
afterEach(async () => {
  await t.close();
});

/** `POST /v1/events` with a body that is not JSON. */
function postUnparsable(service: TestService) {
  return service.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...auth(service.keys.ingest), 'content-type': 'application/json' },
    payload: '{"userId": ',
  });
}

describe('auth', () => {
  it('answers health without a key, and 401 without or with a wrong key elsewhere', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    const none = await t.app.inject({ url: '/v1/assessments' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('LG_ERR_UNAUTHORIZED');
    const wrong = await t.app.inject({ url: '/v1/assessments', headers: auth(`lg_${'b'.repeat(43)}`) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('LG_ERR_UNAUTHORIZED');
  });

  it('answers 403 naming the scope when a key lacks it, and admin implies the others', async () => {
    const ingestReads = await t.app.inject({ url: '/v1/assessments', headers: auth(t.keys.ingest) });
    expect(ingestReads.statusCode).toBe(403);
    expect(ingestReads.json().error).toMatchObject({ code: 'LG_ERR_FORBIDDEN', needed: 'read' });
    const readAudits = await t.app.inject({ url: '/v1/audit', headers: auth(t.keys.read) });
    expect(readAudits.statusCode).toBe(403);
    const readIngests = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.read),
      payload: eventBody(),
    });
    expect(readIngests.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/assessments', headers: auth(t.keys.admin) })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ url: '/v1/audit', headers: auth(t.keys.admin) })).statusCode).toBe(200);
  });
});

describe('POST /v1/events', () => {
  it('queues the good events of a mixed batch and reports each bad one by index and field', async () => {
    const good1 = eventBody();
    const good2 = eventBody({ success: false });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.ingest),
      payload: [
        good1,
        { ...eventBody(), userId: undefined },
        good2,
        eventBody({ ip: '999.1.1.1' }),
        'not an event',
      ],
    });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.eventIds).toEqual([good1.eventId, good2.eventId]);
    expect(body.errors.map((e: { index: number }) => e.index)).toEqual([1, 3, 4]);
    expect(body.errors[0].errors[0]).toMatchObject({ field: 'userId', rule: 'required' });
    expect(body.errors[1].errors[0]).toMatchObject({ field: 'ip', rule: 'format' });

    await t.drain();
    const list = await t.app.inject({ url: '/v1/assessments', headers: auth(t.keys.read) });
    expect(
      list
        .json()
        .items.map((a: { eventId: string }) => a.eventId)
        .sort(),
    ).toEqual([good1.eventId, good2.eventId].sort());
  });

  it('changes nothing when the same eventId is sent again, before or after scoring', async () => {
    const e = eventBody();
    const send = () =>
      t.app.inject({ method: 'POST', url: '/v1/events', headers: auth(t.keys.ingest), payload: e });
    expect((await send()).json()).toMatchObject({ accepted: 1, duplicates: [] });
    expect((await send()).json()).toMatchObject({ accepted: 0, duplicates: [e.eventId] });
    await t.drain();
    expect((await send()).json()).toMatchObject({ accepted: 0, duplicates: [e.eventId] });
    await t.drain();
    const audit = await t.app.inject({ url: '/v1/audit?action=decision.allow', headers: auth(t.keys.admin) });
    expect(audit.json().items).toHaveLength(1);
    const list = await t.app.inject({ url: '/v1/assessments', headers: auth(t.keys.read) });
    expect(list.json().items).toHaveLength(1);
  });

  it('refuses a batch over the bound with 413 and a body that is not JSON with 400', async () => {
    const t2 = await testService({ maxBatch: 3 });
    try {
      const res = await t2.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: auth(t2.keys.ingest),
        payload: [eventBody(), eventBody(), eventBody(), eventBody()],
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('LG_ERR_BATCH_TOO_LARGE');
      const broken = await postUnparsable(t2);
      expect(broken.statusCode).toBe(400);
      expect(broken.json().error.code).toBeDefined();
    } finally {
      await t2.close();
    }
  });

  it('answers 503 with Retry-After once the backlog passes its bound, and accepts again once drained', async () => {
    const t2 = await testService({ maxQueueDepth: 3 });
    try {
      const post = (n: number) =>
        t2.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: auth(t2.keys.ingest),
          payload: Array.from({ length: n }, () => eventBody()),
        });
      expect((await post(2)).statusCode).toBe(202);
      const full = await post(2);
      expect(full.statusCode).toBe(503);
      expect(full.headers['retry-after']).toBe('5');
      expect(full.json().error.code).toBe('LG_ERR_BACKLOG');
      expect((await post(1)).statusCode).toBe(202); // at the bound, not past it
      // Full: refused before the body is read, so even a body that does not parse gets the 503.
      const unread = await postUnparsable(t2);
      expect(unread.statusCode).toBe(503);
      expect(unread.json().error.code).toBe('LG_ERR_BACKLOG');
      // The key is still checked first: no one without it learns the backlog.
      const anonymous = await t2.app.inject({ method: 'POST', url: '/v1/events', payload: [eventBody()] });
      expect(anonymous.statusCode).toBe(401);
      await t2.drain();
      await t2.service.app.inject({ url: '/metrics', headers: auth(t2.keys.read) }); // polls the depth
      expect((await post(2)).statusCode).toBe(202);
    } finally {
      await t2.close();
    }
  });
});

describe('POST /v1/assess', () => {
  it('answers the assessment at once, records the event, and returns the same one for the same eventId', async () => {
    const e = eventBody();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/assess',
      headers: auth(t.keys.ingest),
      payload: e,
    });
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a).toMatchObject({
      eventId: e.eventId,
      userId: 'alice@example.com',
      action: 'allow',
      accountLocked: false,
    });
    expect(a.context).toMatchObject({ country: 'GB' });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/assess',
      headers: auth(t.keys.ingest),
      payload: e,
    });
    expect(again.json()).toEqual(a);
    const viaQueue = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.ingest),
      payload: e,
    });
    expect(viaQueue.json()).toMatchObject({ accepted: 0, duplicates: [e.eventId] });
    const stored = await t.app.inject({ url: `/v1/assessments/${e.eventId}`, headers: auth(t.keys.read) });
    expect(stored.json()).toMatchObject({ ...a, event: { eventId: e.eventId, ip: '81.2.69.160' } });
  });

  it('scores the user’s queued events first, so per-user order is the same whichever endpoint', async () => {
    const queued = [eventBody(), eventBody()];
    await t.app.inject({ method: 'POST', url: '/v1/events', headers: auth(t.keys.ingest), payload: queued });
    const later = eventBody();
    await t.app.inject({ method: 'POST', url: '/v1/assess', headers: auth(t.keys.ingest), payload: later });
    const list = await t.app.inject({
      url: '/v1/assessments?userId=alice@example.com',
      headers: auth(t.keys.read),
    });
    // Newest first: the synchronous one was scored last although it came through the other endpoint.
    expect(list.json().items.map((a: { eventId: string }) => a.eventId)).toEqual(
      [later, queued[1], queued[0]].map((e) => e?.eventId),
    );
    const user = await t.app.inject({ url: '/v1/users/alice@example.com', headers: auth(t.keys.read) });
    expect(user.json().baseline.learnedLogins).toBe(3);
  });

  it('answers 400 naming the field for a bad event', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/assess',
      headers: auth(t.keys.ingest),
      payload: { userId: 'bob', timestamp: 'yesterday', success: true, ip: '10.0.0.1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('LG_ERR_INVALID_EVENT');
    expect(res.json().error.message).toMatch(/timestamp/);
    expect(res.json().error.errors[0]).toMatchObject({ field: 'timestamp' });
  });

  it('locks the account on brute force: even the right password is denied, until an admin unlocks it', async () => {
    const assess = (over: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/assess',
        headers: auth(t.keys.ingest),
        payload: eventBody({ userId: 'carol', ip: '45.155.205.233', deviceId: 'attacker', ...over }),
      });
    for (let i = 0; i < 12; i++) await assess({ success: false });
    const right = (await assess({ success: true })).json();
    expect(right.action).toBe('deny');
    expect(right.accountLocked).toBe(true);
    expect(right.reasons[0].code).toBe('ACCOUNT_LOCKED');
    const user = await t.app.inject({ url: '/v1/users/carol', headers: auth(t.keys.read) });
    expect(user.json().locked).toBeNull(); // the lock is judged by wall-clock time here; the events are days old

    const unlock = await t.app.inject({
      method: 'POST',
      url: '/v1/users/carol/unlock',
      headers: auth(t.keys.admin),
      payload: { note: 'called the user' },
    });
    expect(unlock.statusCode).toBe(200);
    const after = (await assess({ success: true })).json();
    expect(after.accountLocked).toBe(false);
    const audit = await t.app.inject({ url: '/v1/audit?action=account.unlock', headers: auth(t.keys.admin) });
    expect(audit.json().items[0]).toMatchObject({
      action: 'account.unlock',
      target: 'carol',
      detail: { note: 'called the user' },
    });
    expect(audit.json().items[0].actor).toMatch(/^key:ak_/);
    const locks = await t.app.inject({ url: '/v1/audit?action=account.lock', headers: auth(t.keys.admin) });
    expect(locks.json().items.length).toBeGreaterThan(0);
  });
});

describe('reads', () => {
  it('filters assessments by action and reason, pages with a cursor, and rejects a forged cursor', async () => {
    const events = Array.from({ length: 5 }, () => eventBody({ userId: 'dave' }));
    await t.app.inject({ method: 'POST', url: '/v1/events', headers: auth(t.keys.ingest), payload: events });
    await t.drain();
    const page1 = (
      await t.app.inject({ url: '/v1/assessments?userId=dave&limit=2', headers: auth(t.keys.read) })
    ).json();
    expect(page1.items).toHaveLength(2);
    const page2 = (
      await t.app.inject({
        url: `/v1/assessments?userId=dave&limit=2&cursor=${page1.nextCursor}`,
        headers: auth(t.keys.read),
      })
    ).json();
    expect(page2.items[0].eventId).not.toBe(page1.items[1].eventId);
    const denied = (
      await t.app.inject({ url: '/v1/assessments?action=deny', headers: auth(t.keys.read) })
    ).json();
    expect(denied.items).toHaveLength(0);
    const bad = await t.app.inject({ url: '/v1/assessments?cursor=nonsense', headers: auth(t.keys.read) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('LG_ERR_INVALID_CURSOR');
    const tooMany = await t.app.inject({ url: '/v1/assessments?limit=5000', headers: auth(t.keys.read) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({ code: 'LG_ERR_VALIDATION' });
    expect(tooMany.json().error.message).toMatch(/limit/);
    const reason = await t.app.inject({
      url: '/v1/assessments?reason=NOT_A_CODE',
      headers: auth(t.keys.read),
    });
    expect(reason.statusCode).toBe(400);
  });

  it("shows a user's baseline and 404s an unknown user or assessment", async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/assess',
      headers: auth(t.keys.ingest),
      payload: eventBody({ userId: 'erin' }),
    });
    const user = (await t.app.inject({ url: '/v1/users/erin', headers: auth(t.keys.read) })).json();
    expect(user.baseline.devices[0].key).toBe('id:alice-laptop');
    expect(user.baseline.countries[0].key).toBe('GB');
    expect(user.recent).toHaveLength(1);
    const nobody = await t.app.inject({ url: '/v1/users/nobody', headers: auth(t.keys.read) });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().error.code).toBe('LG_ERR_NOT_FOUND');
    expect((await t.app.inject({ url: '/v1/assessments/nope', headers: auth(t.keys.read) })).statusCode).toBe(
      404,
    );
  });

  it('learns a challenged login confirmed as legitimate by feedback, and audits who said so', async () => {
    // A settled user, then a login from a new device in a new country: challenged.
    for (let i = 0; i < 15; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/v1/assess',
        headers: auth(t.keys.ingest),
        payload: eventBody({ userId: 'fred' }),
      });
    }
    const odd = eventBody({ userId: 'fred', ip: '1.0.16.1', deviceId: 'new-pc' });
    const a = (
      await t.app.inject({ method: 'POST', url: '/v1/assess', headers: auth(t.keys.ingest), payload: odd })
    ).json();
    expect(a.action).not.toBe('allow');
    const fb = await t.app.inject({
      method: 'POST',
      url: `/v1/assessments/${odd.eventId}/feedback`,
      headers: auth(t.keys.admin),
      payload: { verdict: 'legitimate' },
    });
    expect(fb.json()).toMatchObject({ learned: true, verdict: 'legitimate' });
    const user = (await t.app.inject({ url: '/v1/users/fred', headers: auth(t.keys.read) })).json();
    expect(user.baseline.devices.map((d: { key: string }) => d.key)).toContain('id:new-pc');
    const audit = (
      await t.app.inject({ url: '/v1/audit?action=feedback.legitimate', headers: auth(t.keys.admin) })
    ).json();
    expect(audit.items[0]).toMatchObject({ target: 'fred', detail: { eventId: odd.eventId } });
    const badVerdict = await t.app.inject({
      method: 'POST',
      url: `/v1/assessments/${odd.eventId}/feedback`,
      headers: auth(t.keys.admin),
      payload: { verdict: 'maybe' },
    });
    expect(badVerdict.statusCode).toBe(400);
    expect(badVerdict.json().error.message).toMatch(/verdict/);
  });

  it('exposes Prometheus metrics with actions and queue depth', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/assess',
      headers: auth(t.keys.ingest),
      payload: eventBody(),
    });
    await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.ingest),
      payload: eventBody(),
    });
    const res = await t.app.inject({ url: '/metrics', headers: auth(t.keys.read) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/loginguard_assessments_total\{action="allow"\} 1/);
    expect(res.body).toMatch(/loginguard_queue_depth 1/);
    expect(res.body).toMatch(/loginguard_assess_duration_seconds_count 1/);
  });

  it('returns a stored event and an (empty) alert list, and 404s an unknown event', async () => {
    const e = eventBody({ userId: 'gina' });
    await t.app.inject({ method: 'POST', url: '/v1/assess', headers: auth(t.keys.ingest), payload: e });
    const stored = await t.app.inject({ url: `/v1/events/${e.eventId}`, headers: auth(t.keys.read) });
    expect(stored.json()).toMatchObject({ eventId: e.eventId, userId: 'gina', ip: '81.2.69.160' });
    expect((await t.app.inject({ url: '/v1/events/nope', headers: auth(t.keys.read) })).statusCode).toBe(404);
    const alerts = await t.app.inject({
      url: '/v1/alerts?status=open&severity=critical&kind=brute_force',
      headers: auth(t.keys.read),
    });
    expect(alerts.statusCode).toBe(200);
    expect(alerts.json()).toEqual({ items: [] });
    const badLevel = await t.app.inject({ url: '/v1/alerts?severity=extreme', headers: auth(t.keys.read) });
    expect(badLevel.statusCode).toBe(400);
  });

  it('filters alerts by severity, kind, reason and IP in their evidence', async () => {
    const alerts = new AlertRepository(t.service.db);
    const base = { eventId: 'e1', userId: 'hank', createdAt: Date.now(), status: 'open' as const };
    await alerts.insertMany([
      {
        ...base,
        id: 'al_1',
        kind: 'brute_force',
        severity: 'critical',
        body: { reasons: ['BRUTE_FORCE'], ips: ['203.0.113.7'] },
      },
      {
        ...base,
        id: 'al_2',
        kind: 'takeover',
        severity: 'high',
        body: { reasons: ['IMPOSSIBLE_TRAVEL'], ips: ['198.51.100.1'] },
      },
    ]);
    const ids = async (q: string) => {
      const res = await t.app.inject({ url: `/v1/alerts?${q}`, headers: auth(t.keys.read) });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { id: string }[]).map((a) => a.id);
    };
    expect(await ids('severity=critical')).toEqual(['al_1']);
    expect(await ids('kind=takeover')).toEqual(['al_2']);
    expect(await ids('reason=IMPOSSIBLE_TRAVEL')).toEqual(['al_2']);
    expect(await ids('ip=203.0.113.7')).toEqual(['al_1']);
    expect(await ids('ip=203.0.113.70')).toEqual([]);
    const bad = await t.app.inject({ url: '/v1/alerts?ip=%25', headers: auth(t.keys.read) });
    expect(bad.statusCode).toBe(400);
  });

  it('limits requests per key with 429, other keys unaffected', async () => {
    const t2 = await testService({ rateLimitPerMinute: 3 });
    try {
      const get = (key: string) => t2.app.inject({ url: '/v1/assessments', headers: auth(key) });
      for (let i = 0; i < 3; i++) expect((await get(t2.keys.read)).statusCode).toBe(200);
      const limited = await get(t2.keys.read);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('LG_ERR_RATE_LIMITED');
      expect((await get(t2.keys.admin)).statusCode).toBe(200);
      expect((await t2.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await t2.close();
    }
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/assess', '/v1/audit', '/v1/queue/failed']),
    );
  });
});

describe('GET /v1/queue/failed', () => {
  it('lists the poison events for an admin, with their error and the event as queued', async () => {
    const bodies = [eventBody(), eventBody()];
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.ingest),
      payload: bodies,
    });
    expect(res.json().accepted).toBe(2);
    // The worker is off: the test plays it, and fails the first event as the scorer would.
    const taken = await t.service.queue.take(10, 60_000, Date.now());
    const poison = taken[0];
    if (!poison) throw new Error('nothing queued');
    await t.service.queue.fail(poison, 'Error: cannot score this', Date.now());
    const url = '/v1/queue/failed?limit=10';

    expect((await t.app.inject({ url, headers: auth(t.keys.read) })).statusCode).toBe(403);
    const failed = await t.app.inject({ url, headers: auth(t.keys.admin) });
    expect(failed.statusCode).toBe(200);
    const items = failed.json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      eventId: bodies[0]?.eventId,
      timestampMs: Date.parse(String(bodies[0]?.timestamp)),
      error: 'Error: cannot score this',
      event: { eventId: bodies[0]?.eventId, userId: 'alice@example.com', ip: '81.2.69.160' },
    });
    expect(items[0].failedAt).toBeGreaterThan(0);
    const bad = await t.app.inject({ url: '/v1/queue/failed?limit=0', headers: auth(t.keys.admin) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('limit');

    // Put back in the queue by an admin (audited), then scored like any other event.
    const requeue = (key: string, timestampMs: number) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/queue/failed/${encodeURIComponent(String(bodies[0]?.eventId))}/requeue`,
        headers: auth(key),
        payload: { timestampMs, note: 'fixed in 1.2.1' },
      });
    const timestampMs = items[0].timestampMs as number;
    expect((await requeue(t.keys.read, timestampMs)).statusCode).toBe(403);
    const wrongTime = await requeue(t.keys.admin, timestampMs + 1);
    expect(wrongTime.statusCode).toBe(404);
    expect(wrongTime.json().error.code).toBe('LG_ERR_NOT_FOUND');
    const done = await requeue(t.keys.admin, timestampMs);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ eventId: bodies[0]?.eventId, timestampMs, requeued: true });
    expect((await t.app.inject({ url, headers: auth(t.keys.admin) })).json().items).toEqual([]);
    const audit = await t.app.inject({ url: '/v1/audit?action=queue.requeue', headers: auth(t.keys.admin) });
    expect(audit.json().items).toMatchObject([
      {
        action: 'queue.requeue',
        target: bodies[0]?.eventId,
        detail: { timestampMs, note: 'fixed in 1.2.1' },
      },
    ]);
    await t.service.queue.release(taken.slice(1));
    await t.drain();
    const assessed = await t.app.inject({
      url: `/v1/assessments/${encodeURIComponent(String(bodies[0]?.eventId))}`,
      headers: auth(t.keys.read),
    });
    expect(assessed.statusCode).toBe(200);
  });
});
