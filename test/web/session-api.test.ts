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

/** Signs in with `key` and returns the cookie header to send back and the session body. */
async function signIn(key: string) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/session', payload: { key } });
  const setCookie = String(res.headers['set-cookie'] ?? '');
  const cookie = setCookie.split(';')[0] ?? '';
  return { res, setCookie, cookie, body: res.json() };
}

describe('dashboard sign-in (POST /v1/session)', () => {
  it('refuses an unknown key with 401 and an ingest-only key with 403, and sets no cookie', async () => {
    const wrong = await signIn(`lg_${'b'.repeat(43)}`);
    expect(wrong.res.statusCode).toBe(401);
    expect(wrong.body.error.code).toBe('LG_ERR_UNAUTHORIZED');
    expect(wrong.setCookie).toBe('');
    const ingest = await signIn(t.keys.ingest);
    expect(ingest.res.statusCode).toBe(403);
    expect(ingest.body.error.code).toBe('LG_ERR_FORBIDDEN');
    expect(ingest.setCookie).toBe('');
  });

  it('gives an httpOnly, SameSite=Strict, signed cookie that never holds the key, and audits it', async () => {
    const { res, setCookie, cookie, body } = await signIn(t.keys.read);
    expect(res.statusCode).toBe(200);
    expect(setCookie).toMatch(/^lg_session=[^;]+\.[^;]+;/); // value.signature
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toContain(t.keys.read);
    expect(JSON.stringify(body)).not.toContain(t.keys.read);
    expect(body).toMatchObject({ keyName: 'test-read', scopes: ['read'] });
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);

    const me = await t.app.inject({ url: '/v1/session', headers: { cookie } });
    expect(me.json().csrfToken).toBe(body.csrfToken);
    const list = await t.app.inject({ url: '/v1/assessments', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    // The session has the key's scopes, no more.
    const audit = await t.app.inject({ url: '/v1/audit', headers: { cookie } });
    expect(audit.statusCode).toBe(403);

    const log = await t.app.inject({ url: '/v1/audit?action=session.create', headers: auth(t.keys.admin) });
    expect(log.json().items[0]).toMatchObject({
      action: 'session.create',
      actor: expect.stringMatching(/test-read/),
    });
  });

  it('refuses a tampered or unsigned cookie', async () => {
    const { cookie } = await signIn(t.keys.read);
    const value = cookie.slice('lg_session='.length);
    const [id] = value.split('.');
    for (const bad of [`lg_session=${id}`, `lg_session=${value.slice(0, -2)}xx`, 'lg_session=abc.def']) {
      const res = await t.app.inject({ url: '/v1/assessments', headers: { cookie: bad } });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('CSRF on cookie-authenticated actions', () => {
  it('refuses an unsafe request without the session token, and accepts it with the token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(t.keys.ingest),
      payload: eventBody({ userId: 'bob@example.com' }),
    });
    expect(res.statusCode).toBe(202);
    await t.drain();
    const { cookie, body } = await signIn(t.keys.admin);
    const url = `/v1/users/${encodeURIComponent('bob@example.com')}/unlock`;

    const none = await t.app.inject({ method: 'POST', url, headers: { cookie }, payload: {} });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toMatchObject({ code: 'LG_ERR_FORBIDDEN', needed: 'csrf' });
    const wrong = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie,
        'x-csrf-token': `${body.csrfToken.slice(0, -1)}${body.csrfToken.endsWith('A') ? 'B' : 'A'}`,
      },
      payload: {},
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'x-csrf-token': body.csrfToken },
      payload: { note: 'from the dashboard' },
    });
    expect(ok.statusCode).toBe(200);

    // Only the accepted one is in the audit log, under the key the session was opened with.
    const log = await t.app.inject({ url: '/v1/audit?action=account.unlock', headers: auth(t.keys.admin) });
    const items = log.json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ target: 'bob@example.com', detail: { note: 'from the dashboard' } });
    expect(items[0].actor).toMatch(/\(admin\)$/);
  });

  it('does not ask a Bearer-key client for a CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/users/nobody/unlock',
      headers: auth(t.keys.admin),
      payload: {},
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('sign-out (DELETE /v1/session)', () => {
  it('ends the session: the cookie stops working and is cleared', async () => {
    const { cookie, body } = await signIn(t.keys.read);
    const noToken = await t.app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/v1/session',
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ signedOut: true });
    expect(String(out.headers['set-cookie'])).toMatch(/^lg_session=;.*Max-Age=0/);
    expect((await t.app.inject({ url: '/v1/assessments', headers: { cookie } })).statusCode).toBe(401);
  });
});
