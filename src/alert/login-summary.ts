import type { Assessment } from '../event/assessment.js';
import type { LoginEvent } from '../event/login-event.js';

export type LoginOutcome = 'blocked' | 'asked for a second verification' | 'allowed';

/** A login in plain words, for mails and pages. Every field is raw text: escape it for HTML. */
export interface LoginSummary {
  /** e.g. "26 Nov 2026, 09:00 UTC" */
  when: string;
  /** e.g. "Chicago, US" or "an unknown place" */
  where: string;
  /** e.g. "Chrome on Windows (desktop)" */
  device: string;
  ip: string;
  /** The raw user agent, when the event had one. */
  userAgent?: string;
  /** What loginguard did. */
  outcome: LoginOutcome;
  /** The reasons' sentences. */
  reasons: string[];
  /** Whether the password was right, when the event is known. */
  passwordCorrect?: boolean;
  /** The attempt found or left the account locked. */
  accountLocked: boolean;
}

const FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** Describes a login the way its owner reads it. Pure. */
export function summarizeLogin(
  assessment: Assessment,
  event: Pick<LoginEvent, 'ip' | 'userAgent' | 'success'> | undefined,
): LoginSummary {
  const c = assessment.context;
  const place = [c.city, c.country].filter((p): p is string => typeof p === 'string' && p !== '');
  const d = c.device;
  const software = [d.browser, d.os].filter((p): p is string => typeof p === 'string' && p !== '');
  const outcome: LoginOutcome =
    assessment.action === 'deny'
      ? 'blocked'
      : assessment.action === 'challenge'
        ? 'asked for a second verification'
        : 'allowed';
  const summary: LoginSummary = {
    when: `${FORMAT.format(new Date(assessment.timestamp))} UTC`,
    where: place.length > 0 ? place.join(', ') : 'an unknown place',
    device: `${software.length > 0 ? software.join(' on ') : 'an unknown device'} (${d.type})`,
    ip: event?.ip ?? 'unknown',
    outcome,
    reasons: assessment.reasons.map((r) => r.message),
    accountLocked: assessment.accountLocked,
  };
  if (event?.userAgent) summary.userAgent = event.userAgent;
  if (event) summary.passwordCorrect = event.success;
  return summary;
}
