import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type ApiKeyScope, isApiKeyScope } from './api-key-scope.js';
import type { Database } from './database.js';

/** A key as listed: never the key, never its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: number;
  revokedAt?: number;
  lastUsedAt?: number;
}

/** Who a verified key belongs to and what it may do (see `scopeAllows`). */
export interface VerifiedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
}

/** A key as created: `key` is shown once and cannot be recovered. */
export interface CreatedApiKey {
  id: string;
  key: string;
}

const KEY_PREFIX = 'lg_';
/** Operator-chosen keys (LOGINGUARD_ADMIN_KEY) must be at least this long; ours are 'lg_' + 43. */
const MIN_PRESET_LENGTH = 24;
const MAX_KEY_LENGTH = 256;
/** `last_used_at` is precise to this much: a busy ingest key does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * API keys. A key is `lg_` + 32 random bytes (base64url), returned once by `create`; the table
 * keeps only its SHA-256. A fast hash is the right one here: slow password hashes (bcrypt,
 * scrypt, argon2) exist to make guessing low-entropy passwords expensive, but a 256-bit random
 * key cannot be guessed at any hashing speed, and verifying it happens on every request.
 * Looking the hash up by equality in an index leaks nothing useful through timing: an attacker
 * who learns a hash prefix still needs a preimage.
 */
export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** @throws RangeError for an empty name or an unknown or missing scope. */
  async create(
    input: { name: string; scopes: readonly ApiKeyScope[] },
    createdAt: number = Date.now(),
    /** A key chosen by the operator (LOGINGUARD_ADMIN_KEY) instead of a random one. */
    presetKey?: string,
  ): Promise<CreatedApiKey> {
    if (
      presetKey !== undefined &&
      (presetKey.length < MIN_PRESET_LENGTH || presetKey.length > MAX_KEY_LENGTH)
    ) {
      throw new RangeError(`a preset key must have ${MIN_PRESET_LENGTH} to ${MAX_KEY_LENGTH} characters`);
    }
    const name = input.name.trim();
    if (name.length === 0 || name.length > 128) throw new RangeError('name must have 1 to 128 characters');
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) throw new RangeError('a key needs at least one scope');
    for (const s of scopes) if (!isApiKeyScope(s)) throw new RangeError(`unknown scope ${JSON.stringify(s)}`);
    const id = `ak_${randomBytes(8).toString('hex')}`;
    const key = presetKey ?? KEY_PREFIX + randomBytes(32).toString('base64url');
    await this.db
      .insertInto('api_keys')
      .values({
        id,
        name,
        key_hash: hashKey(key),
        scopes: scopes.join(','),
        created_at: createdAt,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    return { id, key };
  }

  /**
   * The key's owner and scopes, or undefined for an unknown, malformed or revoked key. Records
   * the use (`lastUsedAt`), at most once a minute per key.
   */
  async verify(key: string, nowMs: number = Date.now()): Promise<VerifiedApiKey | undefined> {
    if (key.length < MIN_PRESET_LENGTH || key.length > MAX_KEY_LENGTH) return undefined;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'scopes', 'revoked_at', 'last_used_at'])
      .where('key_hash', '=', hashKey(key))
      .executeTakeFirst();
    if (row === undefined || row.revoked_at !== null) return undefined;
    const lastUsed = row.last_used_at === null ? undefined : Number(row.last_used_at);
    if (lastUsed === undefined || nowMs - lastUsed >= LAST_USED_RESOLUTION_MS) {
      await this.db
        .updateTable('api_keys')
        .set({ last_used_at: nowMs })
        .where('id', '=', row.id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', nowMs - LAST_USED_RESOLUTION_MS)]),
        )
        .execute();
    }
    return { id: row.id, name: row.name, scopes: parseScopes(row.scopes) };
  }

  /** Revokes a key for good. Returns false when there is no such key or it was revoked already. */
  async revoke(id: string, nowMs: number = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: nowMs })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'scopes', 'created_at', 'revoked_at', 'last_used_at'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => {
      const info: ApiKeyInfo = {
        id: r.id,
        name: r.name,
        scopes: parseScopes(r.scopes),
        createdAt: Number(r.created_at),
      };
      if (r.revoked_at !== null) info.revokedAt = Number(r.revoked_at);
      if (r.last_used_at !== null) info.lastUsedAt = Number(r.last_used_at);
      return info;
    });
  }

  /** Keys that still work (not revoked): 0 means the deployment needs its first admin key. */
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function parseScopes(text: string): ApiKeyScope[] {
  return text.split(',').filter(isApiKeyScope);
}
