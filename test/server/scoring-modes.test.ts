import { describe, expect, it } from 'vitest';
import { auth, eventBody, testService } from './test-service.js';

/**
 * The same traffic through a service scoring on its worker thread (the default) and one scoring
 * on the main thread (LOGINGUARD_SCORING_THREAD=false): the same assessments, locks and admin
 * changes, through the queue and the synchronous endpoint alike.
 */
describe('scoring on a worker thread or on the main thread', () => {
  it('gives the same assessments, lock and unlock either way', async () => {
    const queued = [
      ...Array.from({ length: 6 }, () => eventBody({ userId: 'erin' })),
      eventBody({ userId: 'erin', ip: '45.155.205.233', deviceId: 'unknown-box' }),
    ];
    const attack = Array.from({ length: 12 }, () =>
      eventBody({ userId: 'frank', ip: '45.155.205.233', deviceId: 'attacker', success: false }),
    );
    const right = eventBody({ userId: 'frank', ip: '45.155.205.233', deviceId: 'attacker', success: true });
    const afterUnlock = eventBody({ userId: 'frank', success: true });

    const run = async (scoringThread: boolean) => {
      const t = await testService({ scoringThread });
      try {
        const post = (url: string, payload: unknown, key = t.keys.ingest) =>
          t.app.inject({ method: 'POST', url, headers: auth(key), payload: payload as object });
        expect((await post('/v1/events', queued)).statusCode).toBe(202);
        await t.drain();
        for (const e of attack) expect((await post('/v1/assess', e)).statusCode).toBe(200);
        const denied = (await post('/v1/assess', right)).json();
        const unlock = (await post('/v1/users/frank/unlock', {}, t.keys.admin)).json();
        const allowed = (await post('/v1/assess', afterUnlock)).json();
        const list = (
          await t.app.inject({ url: '/v1/assessments?limit=100', headers: auth(t.keys.read) })
        ).json();
        const user = (await t.app.inject({ url: '/v1/users/erin', headers: auth(t.keys.read) })).json();
        return {
          denied: [denied.action, denied.accountLocked],
          unlock,
          allowed: [allowed.action, allowed.accountLocked],
          assessments: list.items.map(
            (a: { eventId: string; action: string; riskScore: number; reasons: { code: string }[] }) =>
              `${a.eventId} ${a.action} ${a.riskScore} ${a.reasons.map((r) => r.code).join(',')}`,
          ),
          baseline: user.baseline,
        };
      } finally {
        await t.close();
      }
    };
    const threaded = await run(true);
    const inline = await run(false);
    expect(threaded.denied).toEqual(['deny', true]);
    expect(threaded.unlock).toMatchObject({ userId: 'frank', unlocked: true });
    expect(threaded.allowed[1]).toBe(false);
    expect(threaded.assessments).toHaveLength(queued.length + attack.length + 2);
    expect(threaded.baseline).not.toBeNull();
    expect(inline).toEqual(threaded);
  });
});
