import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { alertDb } from './alert-tables.js';

/** What a link in a "was this you?" mail does. */
export type LinkAction = 'confirm' | 'secure';

/** What a link token carries (signed, not secret). */
export interface LinkClaims {
  /** The mail: both of its links share it, and answering one spends both. */
  mailId: string;
  action: LinkAction;
  eventId: string;
  userId: string;
  /** The event's time (epoch ms), to find it in the store. */
  ts: number;
  /** Wall-clock expiry (epoch ms). */
  exp: number;
}

/** Why a link is refused. */
export type LinkRefusal = 'invalid' | 'expired' | 'used';

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal };

const SECRET_SETTING = 'link_secret';

/**
 * Signed, expiring, single-use link tokens: `<base64url claims>.<base64url HMAC-SHA256>`. The
 * signature is compared with `timingSafeEqual`; the mails already answered are stored, so a
 * token works once however often it is replayed.
 */
export class LinkTokens {
  private constructor(
    private readonly db: Kysely<Database>,
    private readonly secret: Buffer,
  ) {}

  /**
   * With the configured secret, or the one generated on a previous start (stored in the
   * database), or a new one stored now: links stay valid across restarts.
   */
  static async open(db: Kysely<Database>, configured?: string): Promise<LinkTokens> {
    if (configured) return new LinkTokens(db, Buffer.from(configured, 'utf8'));
    const adb = alertDb(db);
    await adb
      .insertInto('alert_settings')
      .values({ name: SECRET_SETTING, value: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await adb
      .selectFrom('alert_settings')
      .select('value')
      .where('name', '=', SECRET_SETTING)
      .executeTakeFirstOrThrow();
    return new LinkTokens(db, Buffer.from(row.value, 'base64url'));
  }

  sign(claims: LinkClaims): string {
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** Checks signature, expiry and use without spending the token (for the GET landing page). */
  async check(token: string, nowMs: number): Promise<LinkCheck> {
    const claims = this.verify(token);
    if (!claims) return { ok: false, reason: 'invalid' };
    if (nowMs >= claims.exp) return { ok: false, reason: 'expired' };
    const used = await alertDb(this.db)
      .selectFrom('alert_link_uses')
      .select('mail_id')
      .where('mail_id', '=', claims.mailId)
      .executeTakeFirst();
    return used ? { ok: false, reason: 'used' } : { ok: true, claims };
  }

  /**
   * Checks the token and spends it, atomically (an insert on the mail id): of two concurrent
   * clicks, one wins.
   */
  async consume(token: string, nowMs: number): Promise<LinkCheck> {
    const claims = this.verify(token);
    if (!claims) return { ok: false, reason: 'invalid' };
    if (nowMs >= claims.exp) return { ok: false, reason: 'expired' };
    const result = await alertDb(this.db)
      .insertInto('alert_link_uses')
      .values({ mail_id: claims.mailId, action: claims.action, used_at: nowMs })
      .onConflict((oc) => oc.column('mail_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
      ? { ok: true, claims }
      : { ok: false, reason: 'used' };
  }

  private verify(token: string): LinkClaims | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 2048) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<LinkClaims>;
      if (
        typeof c.mailId !== 'string' ||
        (c.action !== 'confirm' && c.action !== 'secure') ||
        typeof c.eventId !== 'string' ||
        typeof c.userId !== 'string' ||
        typeof c.ts !== 'number' ||
        typeof c.exp !== 'number'
      ) {
        return undefined;
      }
      return c as LinkClaims;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest();
  }
}
