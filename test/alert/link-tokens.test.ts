import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LinkClaims, LinkTokens } from '../../src/alert/link-tokens.js';
import { openTestDatabase } from '../store/temp-database.js';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.cleanup();
});

const NOW = 1_800_000_000_000;
const claims = (over: Partial<LinkClaims> = {}): LinkClaims => ({
  mailId: 'm_1',
  action: 'secure',
  eventId: 'ev-1',
  userId: 'bob@example.com',
  ts: NOW - 1000,
  exp: NOW + 3600_000,
  ...over,
});

describe('LinkTokens', () => {
  it('accepts its own token once: checking does not spend it, consuming does, for both links of a mail', async () => {
    const links = await LinkTokens.open(db.db);
    const secure = links.sign(claims());
    const confirm = links.sign(claims({ action: 'confirm' }));
    expect(await links.check(secure, NOW)).toEqual({ ok: true, claims: claims() });
    expect(await links.check(secure, NOW)).toMatchObject({ ok: true });
    expect(await links.consume(secure, NOW)).toMatchObject({ ok: true, claims: { action: 'secure' } });
    expect(await links.consume(secure, NOW)).toEqual({ ok: false, reason: 'used' });
    expect(await links.check(confirm, NOW)).toEqual({ ok: false, reason: 'used' });
  });

  it('refuses an expired, a tampered or a foreign token', async () => {
    const links = await LinkTokens.open(db.db);
    const token = links.sign(claims());
    expect(await links.consume(token, NOW + 3600_000)).toEqual({ ok: false, reason: 'expired' });
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify(claims({ userId: 'admin@example.com' }))).toString('base64url');
    expect(await links.consume(`${forged}.${mac}`, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await links.consume(`${payload}.${mac.slice(0, -2)}`, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await links.consume('garbage', NOW)).toEqual({ ok: false, reason: 'invalid' });
    const other = await LinkTokens.open(db.db, 'x'.repeat(40));
    expect(await other.check(token, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('keeps the generated secret across restarts', async () => {
    const token = (await LinkTokens.open(db.db)).sign(claims());
    expect(await (await LinkTokens.open(db.db)).check(token, NOW)).toMatchObject({ ok: true });
  });
});
