import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { VerifiedApiKey } from '../store/api-key-repository.js';
import type { Database } from '../store/database.js';

/** The cookie that carries the (signed) session id. */
export const SESSION_COOKIE = 'lg_session';
/** The header a cookie-authenticated unsafe request must carry, holding the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** How long a dashboard session lasts from sign-in (a working day); sign-in again after it. */
const DEFAULT_TTL_MS = 12 * 3600_000;
/** A revoked key ends its sessions within this long (the same delay as for the key itself). */
const REVOCATION_CHECK_MS = 5_000;
/** Sessions kept at most: past this, the oldest go first (sign-in is not a way to fill memory). */
const MAX_SESSIONS = 10_000;

/**
 * A signed-in dashboard user: the API key they signed in with (never the key itself, only its id,
 * name and scopes) and the token their unsafe requests must echo in `X-CSRF-Token`.
 */
export interface Session {
  id: string;
  key: VerifiedApiKey;
  csrfToken: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Dashboard sessions, in this process's memory: a restart signs everyone out, which is the
 * embedded deployment's trade-off (no session table to migrate, nothing secret at rest). The
 * session id is 256 random bits; the cookie holding it is also signed with a per-process secret
 * (`cookieSecret`), so a cookie from another server or an earlier run is refused before any lookup.
 *
 * @example
 * const sessions = new SessionStore(db);
 * const s = sessions.create(verifiedKey); // → Set-Cookie lg_session=<signed s.id>
 * await sessions.get(s.id);               // undefined once expired, deleted, or the key revoked
 */
export class SessionStore {
  /** Signs session cookies; random per process (see the class comment). */
  readonly cookieSecret = randomBytes(32);
  private readonly sessions = new Map<string, Session & { checkedAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
    readonly ttlMs: number = DEFAULT_TTL_MS,
  ) {}

  create(key: VerifiedApiKey): Session {
    const t = this.now();
    this.prune(t);
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      key,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: t,
      expiresAt: t + this.ttlMs,
    };
    this.sessions.set(session.id, { ...session, checkedAt: t });
    return session;
  }

  /** The live session with this id: not expired, not signed out, its key not revoked. */
  async get(id: string): Promise<Session | undefined> {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const t = this.now();
    if (s.expiresAt <= t) {
      this.sessions.delete(id);
      return undefined;
    }
    if (t - s.checkedAt >= REVOCATION_CHECK_MS) {
      const row = await this.db
        .selectFrom('api_keys')
        .select('revoked_at')
        .where('id', '=', s.key.id)
        .executeTakeFirst();
      if (!row || row.revoked_at !== null) {
        this.sessions.delete(id);
        return undefined;
      }
      s.checkedAt = t;
    }
    const { checkedAt: _, ...session } = s;
    return session;
  }

  /** Signs out. Returns false when there was no such session. */
  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(t: number): void {
    for (const [id, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(id);
    // Map iteration is insertion order: the first ones are the oldest.
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < MAX_SESSIONS) break;
      this.sessions.delete(id);
    }
  }
}

/** Whether the token a request presented is the session's, in constant time. */
export function csrfTokenMatches(session: Session, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
