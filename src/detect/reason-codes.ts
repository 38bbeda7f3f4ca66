/**
 * Every reason code loginguard emits. Stable: integrations match on these strings.
 * docs/detectors.md documents each one (a test checks that it does).
 */
export const REASON_CODES = [
  'IMPOSSIBLE_TRAVEL',
  'NEW_DEVICE',
  'NEW_COUNTRY',
  'NEW_NETWORK',
  'UNFAMILIAR_LOCATION',
  'UNUSUAL_HOUR',
  'BRUTE_FORCE',
  'PASSWORD_SPRAY',
  'CREDENTIAL_STUFFING',
  'ANONYMIZING_NETWORK',
  'HOSTING_NETWORK',
  'LOW_BEHAVIORAL_SCORE',
  'REPORTED_FAILED_ATTEMPTS',
  'AUTOMATED_CLIENT',
  'ACCOUNT_LOCKED',
  'ML_ANOMALY',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
