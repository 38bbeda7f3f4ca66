import type { ScoringConfig } from './config/scoring-config.js';
import { evaluateLockout } from './decide/lockout.js';
import { decide } from './decide/policy.js';
import { combineSignals } from './detect/combine-signals.js';
import type { DetectionContext, Detector, Familiarity } from './detect/detection-context.js';
import { formatDuration } from './detect/format.js';
import type { ModelScorer } from './detect/models/anomaly-ensemble.js';
import { ensembleScore } from './detect/models/ensemble-score.js';
import { RULE_DETECTORS } from './detect/rule-detectors.js';
import type { Signal } from './detect/signal.js';
import type { Enricher } from './enrich/enricher.js';
import type { Assessment, Reason } from './event/assessment.js';
import type { LoginEvent } from './event/login-event.js';
import { isKnown, learnLogin } from './profile/learn-login.js';
import { type LoginObservation, observe } from './profile/login-observation.js';
import type { ScoringState } from './profile/scoring-state.js';
import { emptyProfile, type UserProfile } from './profile/user-profile.js';

export interface PipelineOptions {
  enricher: Enricher;
  config: Readonly<ScoringConfig>;
  /** Detectors to run; the rules by default. */
  detectors?: readonly Detector[];
  /** The anomaly models (`loadAnomalyModels`); their ML_ANOMALY signal joins the rules'. */
  models?: ModelScorer;
}

export interface Pipeline {
  /**
   * Scores one login and updates the state it learned from: the one path every entry point
   * (sync API, queue worker, replay) uses. Deterministic for a given state and event; reads no clock.
   */
  assess(event: LoginEvent, state: ScoringState): Assessment;
  /**
   * Counts an event that another thread scores in the counters that span users (per IP, per
   * client, per tenant), so that a replay split by user across threads gives every thread the
   * same cross-user counts as a single-threaded run. Touches no user's state.
   */
  witness(event: LoginEvent, state: ScoringState): void;
  /**
   * Teaches the user's baseline this login as a confirmed one (feedback "legitimate" on a
   * challenged or denied login). Counts nothing in the activity windows: the event was counted
   * when it was assessed.
   */
  learn(event: LoginEvent, state: ScoringState): void;
}

const DAY_MS = 86_400_000;
/** Reasons weaker than this are noise to a reader; they still count in the score. */
const MIN_REASON_SCORE = 0.05;
const PRUNE_EVERY = 50_000;

/** Builds the pipeline once (rules compiled, lookups open); `assess` stays cheap per event. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { enricher, config } = options;
  const detectors = options.detectors ?? RULE_DETECTORS;
  const halfLifeMs = config.baseline.halfLifeDays * DAY_MS;
  let sincePrune = 0;

  function familiarity(profile: UserProfile | undefined, obs: LoginObservation): Familiarity {
    if (!profile) return { device: false, country: false, city: false, network: false };
    const known = config.baseline.knownWeight;
    return {
      device: isKnown(profile.devices.get(obs.deviceKey), obs.t, halfLifeMs, known),
      country:
        obs.country !== undefined && isKnown(profile.countries.get(obs.country), obs.t, halfLifeMs, known),
      city: obs.cityKey !== undefined && isKnown(profile.cities.get(obs.cityKey), obs.t, halfLifeMs, known),
      network: isKnown(profile.networks.get(obs.networkKey), obs.t, halfLifeMs, known),
    };
  }

  function assess(event: LoginEvent, state: ScoringState): Assessment {
    const enrichment = enricher.enrich(event);
    const obs = observe(event, enrichment);
    const profile = state.getProfile(event.userId);
    const familiar = familiarity(profile, obs);
    const activity = state.activity.record(event, familiar.device && familiar.network);
    const learning = config.baseline.learningLogins;
    const ctx: DetectionContext = {
      event,
      enrichment,
      obs,
      profile,
      activity,
      familiar,
      maturity: !profile ? 0 : learning === 0 ? 1 : Math.min(1, profile.learned / learning),
      config,
    };

    const signals: Signal[] = [];
    for (const detect of detectors) {
      const signal = detect(ctx);
      if (signal) signals.push(signal);
    }
    const rulesScore = combineSignals(signals);
    const verdict = options.models?.score(ctx);
    if (verdict?.signal) signals.push(verdict.signal);
    const combined = verdict?.signal ? combineSignals(signals) : rulesScore;

    const lockout = evaluateLockout(
      state.getLock(event.userId),
      activity,
      event.timestampMs,
      event.success,
      familiar.device && familiar.network,
      config,
    );
    if (lockout.lock !== state.getLock(event.userId)) state.setLock(event.userId, lockout.lock);
    const riskScore = lockout.locked ? 1 : combined;
    const { riskLevel, action } = decide(riskScore, lockout.locked, config);

    const reasons: Reason[] = [];
    if (lockout.locked && lockout.lock) {
      reasons.push({
        code: 'ACCOUNT_LOCKED',
        score: 1,
        message: `Account locked for brute force until ${new Date(lockout.lock.until).toISOString()} (lock ${lockout.lock.count}, ${formatDuration(lockout.lock.until - lockout.lock.lastLockAt)})`,
      });
    }
    for (const s of signals.sort((a, b) => b.score - a.score)) {
      if (s.score >= MIN_REASON_SCORE)
        reasons.push({ code: s.code, score: round(s.score), message: s.message });
    }

    // The baseline learns from what the policy let through; a challenged login only once confirmed,
    // except while the user is still in the learning period: there is no habit to protect yet, and
    // a user (a service account on a cloud host, say) that is always challenged would never get one.
    const inLearning = !profile || profile.learned < learning;
    const learnable =
      event.success &&
      !lockout.locked &&
      (action === 'allow' || (action === 'challenge' && (event.mfa === 'passed' || inLearning)));
    if (learnable) {
      state.setProfile(
        event.userId,
        learnLogin(profile ?? emptyProfile(event.timestampMs), obs, config, familiar),
      );
    } else if (profile) {
      profile.lastSeen = Math.max(profile.lastSeen, event.timestampMs);
    }
    pruneNowAndThen(state, event.timestampMs);

    const { geo, network, device } = enrichment;
    // Monitor-only: answer allow, but learn and alert as enforcement would (see ScoringConfig.policy.mode).
    const monitorOnly = config.policy.mode === 'monitor';
    return {
      eventId: event.eventId,
      userId: event.userId,
      timestamp: new Date(event.timestampMs).toISOString(),
      riskScore: round(riskScore),
      riskLevel,
      action: monitorOnly ? 'allow' : action,
      accountLocked: lockout.locked,
      reasons,
      // `ensemble`: rules and models together, before the lockout overrides the score, with logins
      // that score alike ordered by the models (src/detect/models/ensemble-score.ts).
      scores: verdict
        ? {
            rules: round(rulesScore),
            ...verdict.scores,
            ensemble: ensembleScore(combined, verdict.scores.models, config.models.tieBreakShare),
          }
        : { rules: round(rulesScore) },
      context: {
        country: geo?.country,
        city: geo?.city,
        lat: geo?.lat,
        lon: geo?.lon,
        asn: network.asn,
        org: network.org,
        network: network.type,
        device: { browser: device.browser, os: device.os, type: device.type },
      },
      ...(monitorOnly ? { monitor: { action } } : {}),
    };
  }

  /** Idle counter keys are dropped every PRUNE_EVERY events, whichever path counted them. */
  function pruneNowAndThen(state: ScoringState, t: number): void {
    if (++sincePrune >= PRUNE_EVERY) {
      sincePrune = 0;
      state.activity.prune(t);
    }
  }

  function witness(event: LoginEvent, state: ScoringState): void {
    state.activity.recordShared(event);
    pruneNowAndThen(state, event.timestampMs);
  }

  function learn(event: LoginEvent, state: ScoringState): void {
    if (!event.success) return;
    const obs = observe(event, enricher.enrich(event));
    const profile = state.getProfile(event.userId);
    state.setProfile(
      event.userId,
      learnLogin(profile ?? emptyProfile(event.timestampMs), obs, config, familiarity(profile, obs)),
    );
  }

  return { assess, witness, learn };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
