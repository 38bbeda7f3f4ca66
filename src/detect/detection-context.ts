import type { ScoringConfig } from '../config/scoring-config.js';
import type { Enrichment } from '../enrich/enrichment.js';
import type { LoginEvent } from '../event/login-event.js';
import type { ActivitySnapshot } from '../profile/activity-counters.js';
import type { LoginObservation } from '../profile/login-observation.js';
import type { UserProfile } from '../profile/user-profile.js';
import type { Signal } from './signal.js';

/** Which parts of this login the user's baseline already knows. */
export interface Familiarity {
  device: boolean;
  country: boolean;
  city: boolean;
  network: boolean;
}

/** Everything a detector may read about one login. Built once per event by the pipeline. */
export interface DetectionContext {
  event: LoginEvent;
  enrichment: Enrichment;
  obs: LoginObservation;
  /** The user's baseline before this login; undefined for a user never seen. */
  profile: UserProfile | undefined;
  activity: ActivitySnapshot;
  familiar: Familiarity;
  /** 0 for a new user, rising to 1 once the learning period is over: damps novelty signals. */
  maturity: number;
  config: Readonly<ScoringConfig>;
}

/** A rule: looks at one login, says nothing or one signal. Pure. */
export type Detector = (ctx: DetectionContext) => Signal | undefined;
