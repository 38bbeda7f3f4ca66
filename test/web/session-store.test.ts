import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csrfTokenMatches, SessionStore } from '../../src/server/session.js';
import { ApiKeyRepository } from '../../src/store/api-key-repository.js';
import { openSqliteDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';

let db: ReturnType<typeof openSqliteDatabase>;
beforeEach(async () => {
  db = openSqliteDatabase(':memory:');
  await migrateToLatest(db);
});
afterEach(async () => {
  await db.destroy();
});

describe('SessionStore', () => {
  it('ends a session at its expiry, on sign-out, and when its key is revoked', async () => {
    let now = 1_000_000;
    const keys = new ApiKeyRepository(db);
    const created = await keys.create({ name: 'analyst', scopes: ['read'] }, now);
    const key = { id: created.id, name: 'analyst', scopes: ['read' as const] };
    const store = new SessionStore(db, () => now, 60_000);

    const a = store.create(key);
    expect((await store.get(a.id))?.key.name).toBe('analyst');
    now += 60_000;
    expect(await store.get(a.id)).toBeUndefined();

    const b = store.create(key);
    expect(store.delete(b.id)).toBe(true);
    expect(await store.get(b.id)).toBeUndefined();

    const c = store.create(key);
    await keys.revoke(created.id, now);
    now += 10_000;
    expect(await store.get(c.id)).toBeUndefined();
    expect(await store.get('not-a-session')).toBeUndefined();
  });

  it('gives each session its own id and CSRF token, and compares tokens exactly', () => {
    const store = new SessionStore(db);
    const key = { id: 'ak_1', name: 'k', scopes: ['read' as const] };
    const a = store.create(key);
    const b = store.create(key);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(csrfTokenMatches(a, a.csrfToken)).toBe(true);
    expect(csrfTokenMatches(a, b.csrfToken)).toBe(false);
    expect(csrfTokenMatches(a, undefined)).toBe(false);
    expect(csrfTokenMatches(a, a.csrfToken.slice(1))).toBe(false);
  });
});
