import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '../../src/store/api-key-repository.js';
import { scopeAllows } from '../../src/store/api-key-scope.js';
import type { Database } from '../../src/store/database.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let db: Kysely<Database>;
let keys: ApiKeyRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  db = t.db;
  keys = new ApiKeyRepository(db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

describe('ApiKeyRepository', () => {
  it('creates a random lg_ key, returns it once and stores only its hash', async () => {
    const a = await keys.create({ name: 'idp', scopes: ['ingest'] }, T0);
    const b = await keys.create({ name: 'idp', scopes: ['ingest'] }, T0);
    expect(a.key).toMatch(/^lg_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.id).not.toBe(b.id);
    const rows = await db.selectFrom('api_keys').selectAll().execute();
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(a.key);
    expect(stored).not.toContain(a.key.slice(3));
    expect(rows.map((r) => r.key_hash)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.any(String),
    ]);
  });

  it('verifies a key to its owner and scopes; unknown, malformed and revoked keys fail', async () => {
    const { id, key } = await keys.create({ name: 'dashboard', scopes: ['read', 'ingest', 'read'] }, T0);
    expect(await keys.verify(key, T0)).toEqual({ id, name: 'dashboard', scopes: ['read', 'ingest'] });
    const other = `lg_${'A'.repeat(43)}`;
    expect(await keys.verify(other, T0)).toBeUndefined();
    expect(await keys.verify(`${key}x`, T0)).toBeUndefined();
    expect(await keys.verify('', T0)).toBeUndefined();
    expect(await keys.revoke(id, T0 + 1)).toBe(true);
    expect(await keys.revoke(id, T0 + 2)).toBe(false);
    expect(await keys.revoke('ak_nope', T0 + 2)).toBe(false);
    expect(await keys.verify(key, T0 + 3)).toBeUndefined();
  });

  it('records the last use at most once a minute', async () => {
    const { key } = await keys.create({ name: 'idp', scopes: ['ingest'] }, T0);
    const lastUsed = async () => (await keys.list())[0]?.lastUsedAt;
    expect(await lastUsed()).toBeUndefined();
    await keys.verify(key, T0 + 1000);
    expect(await lastUsed()).toBe(T0 + 1000);
    await keys.verify(key, T0 + 30_000);
    expect(await lastUsed()).toBe(T0 + 1000);
    await keys.verify(key, T0 + 61_000);
    expect(await lastUsed()).toBe(T0 + 61_000);
  });

  it('lists keys without secrets and counts the ones that still work', async () => {
    expect(await keys.count()).toBe(0);
    const a = await keys.create({ name: 'admin', scopes: ['admin'] }, T0);
    const b = await keys.create({ name: 'idp', scopes: ['ingest'] }, T0 + 1);
    await keys.revoke(b.id, T0 + 2);
    expect(await keys.count()).toBe(1);
    expect(await keys.list()).toEqual([
      { id: a.id, name: 'admin', scopes: ['admin'], createdAt: T0 },
      { id: b.id, name: 'idp', scopes: ['ingest'], createdAt: T0 + 1, revokedAt: T0 + 2 },
    ]);
  });

  it('refuses a key without a name or with an unknown scope', async () => {
    await expect(keys.create({ name: ' ', scopes: ['read'] })).rejects.toThrow(RangeError);
    await expect(keys.create({ name: 'x', scopes: [] })).rejects.toThrow(/scope/);
    await expect(keys.create({ name: 'x', scopes: ['root' as 'admin'] })).rejects.toThrow(/root/);
  });
});

describe('scopeAllows', () => {
  it('grants what a key holds, and everything to admin', () => {
    expect(scopeAllows(['ingest'], 'ingest')).toBe(true);
    expect(scopeAllows(['ingest'], 'read')).toBe(false);
    expect(scopeAllows(['read'], 'admin')).toBe(false);
    expect(scopeAllows(['admin'], 'ingest')).toBe(true);
    expect(scopeAllows(['admin'], 'read')).toBe(true);
  });
});
