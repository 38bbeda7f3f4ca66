import type { Assessment } from '../event/assessment.js';
import type { LoginEvent } from '../event/login-event.js';

/** What an incident is about; the team sees one alert per incident, not one per event. */
export type IncidentKind = 'brute_force' | 'password_spray' | 'credential_stuffing' | 'account_takeover';

/** The incident an alerting login belongs to: `key` groups its events, `kind` names it. */
export interface IncidentRef {
  key: string;
  kind: IncidentKind;
}

/**
 * Groups alerting logins into incidents: a spray from one IP and a stuffing campaign span users
 * (keyed by IP, and by tenant for stuffing, which comes from many IPs); everything aimed at one
 * account (brute force, takeover suspicion) is keyed by the user, so that a brute force whose
 * first attempts only looked like a new device is still one incident. Pure.
 */
export function incidentOf(assessment: Assessment, event: Pick<LoginEvent, 'ip' | 'tenant'>): IncidentRef {
  const codes = new Set(assessment.reasons.map((r) => r.code));
  if (codes.has('PASSWORD_SPRAY')) return { key: `ip:${event.ip}:password_spray`, kind: 'password_spray' };
  if (codes.has('CREDENTIAL_STUFFING')) {
    return { key: `campaign:${event.tenant ?? '*'}:credential_stuffing`, kind: 'credential_stuffing' };
  }
  const kind: IncidentKind =
    codes.has('BRUTE_FORCE') || codes.has('ACCOUNT_LOCKED') || codes.has('REPORTED_FAILED_ATTEMPTS')
      ? 'brute_force'
      : 'account_takeover';
  return { key: `user:${assessment.userId}`, kind };
}
