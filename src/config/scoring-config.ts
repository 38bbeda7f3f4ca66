import { type Static, Type } from '@sinclair/typebox';

/**
 * Everything that tunes scoring and decisions, with the defaults of the embedded deployment.
 * docs/detectors.md explains each value and where the default comes from.
 */
export const ScoringConfigSchema = Type.Object({
  policy: Type.Object({
    /** riskScore at or above which a login is challenged (step-up / MFA). */
    challengeThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
    /** riskScore at or above which a login is denied. */
    denyThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.85 }),
    /** Below this a login is `low` risk; between it and challengeThreshold, `medium`. */
    mediumThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.3 }),
    /**
     * `enforce`: the action is what the thresholds and the lockout say. `monitor`: every login is
     * answered `allow` (nobody is challenged, denied or locked out) while everything else — scores,
     * reasons, alerts, what the baseline learns — works as if enforcing; `monitor.action` in the
     * assessment says what enforcement would have answered. For trying loginguard on live traffic.
     */
    mode: Type.Union([Type.Literal('enforce'), Type.Literal('monitor')], { default: 'enforce' }),
  }),
  lockout: Type.Object({
    enabled: Type.Boolean({ default: true }),
    /** Failures for one user within `fastWindowMin` that lock the account (Auth0 and Okta: 10). */
    fastFailures: Type.Integer({ minimum: 1, default: 10 }),
    fastWindowMin: Type.Number({ exclusiveMinimum: 0, default: 15 }),
    /** Failures for one user within `slowWindowHours` that lock it too (low-and-slow guessing). */
    slowFailures: Type.Integer({ minimum: 1, default: 20 }),
    slowWindowHours: Type.Number({ exclusiveMinimum: 0, default: 24 }),
    /** First lock duration; each further lock multiplies it (Keycloak-style progressive wait). */
    baseDurationMin: Type.Number({ exclusiveMinimum: 0, default: 5 }),
    multiplier: Type.Number({ minimum: 1, default: 2 }),
    maxDurationMin: Type.Number({ exclusiveMinimum: 0, default: 60 }),
    /** After this long without a lock, the back-off starts again from the base duration (Keycloak: 12 h). */
    resetAfterHours: Type.Number({ exclusiveMinimum: 0, default: 12 }),
    /**
     * How much a failure from the user's own device and network counts towards brute force and
     * lockout (Azure AD smart lockout keeps familiar and unfamiliar failures apart): a phone
     * retrying an old password after a change should not lock its owner out like a guesser would.
     */
    ownDeviceFailureWeight: Type.Number({ minimum: 0, maximum: 1, default: 0.2 }),
  }),
  baseline: Type.Object({
    /** Half-life of habits: a device or place not seen for this long counts half as much. */
    halfLifeDays: Type.Number({ exclusiveMinimum: 0, default: 45 }),
    /** Learned logins before novelty counts fully; below it novelty signals are damped. */
    learningLogins: Type.Integer({ minimum: 0, default: 10 }),
    /** Decayed weight above which a device, place or network is "known". */
    knownWeight: Type.Number({ exclusiveMinimum: 0, default: 0.2 }),
  }),
  travel: Type.Object({
    /** Implied ground speed (after subtracting location uncertainty) above which travel is impossible. */
    maxSpeedKmh: Type.Number({ exclusiveMinimum: 0, default: 1000 }),
    /** Distances shorter than this (after uncertainty) never alarm. */
    minDistanceKm: Type.Number({ minimum: 0, default: 500 }),
    /** Extra uncertainty for mobile networks, whose addresses geolocate to the carrier's hub. */
    mobileExtraKm: Type.Number({ minimum: 0, default: 200 }),
  }),
  location: Type.Object({
    /** A new city closer than this (after uncertainty) to a place the user knows is the same area. */
    farKm: Type.Number({ minimum: 0, default: 300 }),
    /** Distance at which UNFAMILIAR_LOCATION reaches its full strength. */
    fullKm: Type.Number({ exclusiveMinimum: 0, default: 1500 }),
  }),
  hours: Type.Object({
    /** Learned logins before the hour habit is trusted. */
    minLogins: Type.Integer({ minimum: 0, default: 15 }),
    /** An hour whose smoothed share of the user's logins is below this fraction of a uniform share is unusual. */
    rareShare: Type.Number({ exclusiveMinimum: 0, default: 0.15 }),
  }),
  bruteForce: Type.Object({
    /** Failures for one user in the fast window at which the signal starts. */
    fastStart: Type.Integer({ minimum: 1, default: 6 }),
    /** Failures for one user in the slow window at which the signal starts. */
    slowStart: Type.Integer({ minimum: 1, default: 10 }),
  }),
  spray: Type.Object({
    windowMin: Type.Number({ exclusiveMinimum: 0, default: 60 }),
    /** Distinct users with failures from one IP within the window at which spray starts. */
    minUsers: Type.Integer({ minimum: 2, default: 6 }),
    /** Share of failed attempts from the IP needed (an office NAT mostly succeeds). */
    minFailureRatio: Type.Number({ minimum: 0, maximum: 1, default: 0.6 }),
  }),
  stuffing: Type.Object({
    windowMin: Type.Number({ exclusiveMinimum: 0, default: 60 }),
    /** Distinct users with failures sharing one client fingerprint or IP within the window. */
    minUsers: Type.Integer({ minimum: 2, default: 3 }),
    minFailureRatio: Type.Number({ minimum: 0, maximum: 1, default: 0.8 }),
  }),
  models: Type.Object({
    /** Strength of ML_ANOMALY at full surprise: what the models add to the rules (0 turns them off). */
    weight: Type.Number({ minimum: 0, maximum: 1, default: 0.45 }),
    /** Surprise (−log10 of the share of normal logins more unusual) at which ML_ANOMALY starts: 2.5 ≈ 1 in 300. */
    minSurprise: Type.Number({ minimum: 0, default: 2.5 }),
    /** Surprise at which ML_ANOMALY reaches `weight`: 4 = 1 in 10,000. */
    fullSurprise: Type.Number({ exclusiveMinimum: 0, default: 4 }),
    /** How much each model counts in the combined surprise. */
    forestWeight: Type.Number({ minimum: 0, default: 0.5 }),
    autoencoderWeight: Type.Number({ minimum: 0, default: 0.5 }),
    /**
     * Share of `scores.ensemble` given to `scores.models`, so that logins the rules and ML_ANOMALY
     * score alike are ranked by how rare the models find them. Small on purpose: the ensemble score
     * stays within this much of the risk score; `riskScore` and the action never use it.
     */
    tieBreakShare: Type.Number({ minimum: 0, maximum: 0.01, default: 0.001 }),
  }),
  behavior: Type.Object({
    /** behavioralScore below which it counts as a signal (1 = typical). */
    lowScore: Type.Number({ minimum: 0, maximum: 1, default: 0.35 }),
  }),
});

export type ScoringConfig = Static<typeof ScoringConfigSchema>;
