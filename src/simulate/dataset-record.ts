import type { RecordLocation } from './ip-pool.js';

/** The attack scenarios of the dataset, in the order reports list them. Also the `label` values. */
export const ATTACK_SCENARIOS = [
  'brute_force',
  'password_spray',
  'credential_stuffing',
  'impossible_travel',
  'new_device_odd_hours',
  'anonymizing_takeover',
  'low_and_slow',
] as const;

/** One attack scenario. */
export type AttackScenario = (typeof ATTACK_SCENARIOS)[number];

/** The ground truth of a record: `benign`, or the attack scenario it belongs to. */
export type DatasetLabel = 'benign' | AttackScenario;

/**
 * One generated login: every field of the login event contract (DESIGN §2), in the input shape
 * (`timestamp` as RFC 3339 UTC with milliseconds, nested `location`), plus the ground truth.
 * `sessionDurationSec` is set on successes only; `mfa` only where a challenge happened
 * (docs/dataset.md); `attackId` only on attack records.
 *
 * @example
 * { eventId: 'ev-1-0', userId: 'u00042@acme-3.example', timestamp: '2026-01-05T08:12:03.412Z',
 *   success: true, ip: '73.22.14.9', userAgent: 'Mozilla/5.0 …', deviceId: 'd-9f…', deviceType: 'desktop',
 *   location: { country: 'US', region: 'Illinois', city: 'Chicago', lat: 41.88, lon: -87.63 },
 *   sessionDurationSec: 2710, failedAttempts: 0, behavioralScore: 0.87,
 *   email: 'u00042@acme-3.example', tenant: 'acme-3', label: 'benign' }
 */
export interface DatasetRecord {
  eventId: string;
  userId: string;
  timestamp: string;
  success: boolean;
  ip: string;
  userAgent: string;
  deviceId: string;
  deviceType: string;
  location: RecordLocation;
  sessionDurationSec?: number;
  failedAttempts: number;
  behavioralScore: number;
  mfa?: 'passed' | 'failed';
  email: string;
  tenant: string;
  label: DatasetLabel;
  attackId?: string;
}

/** Short code of each scenario in attack ids (`atk-bf-0007`). */
export const SCENARIO_CODES: Readonly<Record<AttackScenario, string>> = {
  brute_force: 'bf',
  password_spray: 'ps',
  credential_stuffing: 'cs',
  impossible_travel: 'it',
  new_device_odd_hours: 'nd',
  anonymizing_takeover: 'an',
  low_and_slow: 'ls',
};
