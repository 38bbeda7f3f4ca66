/**
 * The API's shapes, as the dashboard reads them (docs/API.md, DESIGN §2). Where the server has a
 * type for one, it is imported for its shape only (nothing of the server is bundled), so the
 * dashboard cannot drift from what the API sends.
 */
import type { Action, Assessment, RiskLevel } from '../../src/event/assessment.js';

export type { Action, Assessment, Reason, RiskLevel } from '../../src/event/assessment.js';
export type { AlertStatus, StoredAlert as Alert } from '../../src/store/alert-repository.js';
export type { StoredAuditEntry as AuditEntry } from '../../src/store/audit-repository.js';
export type { Page } from '../../src/store/page-cursor.js';

export interface StatsBucket {
  t: string;
  total: number;
  allow: number;
  challenge: number;
  deny: number;
  low: number;
  medium: number;
  high: number;
  critical: number;
}

export interface Latency {
  count: number;
  meanMs: number | null;
  p95MsAtMost: number | null;
}

export interface Stats {
  from: string;
  to: string;
  bucketMs: number;
  buckets: StatsBucket[];
  totals: Omit<StatsBucket, 't'>;
  topReasons: { code: string; count: number }[];
  queue: { ready: number; leased: number; failed: number };
  latency: { assess: Latency; workerBatch: Latency };
}

export interface HabitEntry {
  key: string;
  weight: number;
  firstSeen: string;
  lastSeen: string;
  label?: string;
}

export interface UserView {
  userId: string;
  locked: { until: string; lockCount: number } | null;
  baseline: {
    learnedLogins: number;
    firstSeen: string;
    lastSeen: string;
    homeTimeZone: string | null;
    devices: HabitEntry[];
    countries: HabitEntry[];
    cities: HabitEntry[];
    networks: HabitEntry[];
    hoursOfDayShare: number[];
    /** 168 shares, Monday 00:00 first, in the home time zone. */
    hoursOfWeekShare: number[];
    lastLocatedLogin: { at: string; country: string; city: string | null } | null;
  } | null;
  recent: Assessment[];
}

export interface StoredEvent {
  eventId: string;
  userId: string;
  ip: string;
  userAgent?: string;
  deviceId?: string;
  success: boolean;
  [field: string]: unknown;
}

/** One entry of `GET /v1/queue/failed`. */
export interface FailedEventView {
  eventId: string;
  timestampMs: number;
  failedAt: number;
  error: string;
  /** The event as it was queued; null when it is no longer stored (or was not JSON: `payload`). */
  event: StoredEvent | null;
  payload?: string;
}

export interface AlertRuleView {
  actions?: Action[];
  minLevel?: RiskLevel;
  reasons?: string[];
  accountLocked?: boolean;
  channels: string[];
}

/** `GET /v1/settings`: the running configuration, secrets removed (admin). */
export interface SettingsView {
  mode: 'enforce' | 'monitor';
  /** Sections (policy, lockout, travel…) of named numbers and switches. */
  scoring: Record<string, Record<string, number | boolean | string>>;
  alerts: {
    enabled: boolean;
    rules: AlertRuleView[];
    tenants: Record<string, { rules?: AlertRuleView[]; teamEmails?: string[]; disabled?: boolean }>;
    teamEmails: string[];
    delivery: {
      smtp: string | null;
      mailFrom: string;
      webhooks: string[];
      webhookSecretSet: boolean;
      linkSecretSet: boolean;
    };
    [setting: string]: unknown;
  };
}

export interface CurvePoint {
  x: number;
  y: number;
  threshold: number | null;
}

export interface DetectorFigures {
  rocAuc: number | null;
  prAuc: number | null;
  recallAtFpr: { recall: number; threshold: number | null; fpr: number } | null;
  roc: CurvePoint[];
  /** The ROC curve up to 5% false positives, finer. */
  rocLowFpr: CurvePoint[];
}

export interface ScenarioFigures {
  scenario: string;
  events: number;
  successes: number;
  rules: { flagged: number; denied: number; eventsFlagged: number };
  ensemble: { flagged: number; denied: number; eventsFlagged: number };
  addedByModels: number;
}

/** `GET /v1/models`: the anomaly models in use and the latest `loginguard evaluate --json`. */
export interface ModelsView {
  loaded: boolean;
  models: {
    dir: string;
    tag: string | null;
    version: number | null;
    featureSchemaVersion: number | null;
    features: string[];
    training: Record<string, unknown> | null;
    savedAt: string | null;
  } | null;
  evaluation: {
    input: string;
    models: string;
    generatedAt: string;
    thresholds: { challenge: number; deny: number };
    counts: Record<string, number>;
    populations: Record<
      'successful' | 'all',
      { benign: number; attack: number; detectors: Record<string, DetectorFigures> }
    >;
    scenarios: ScenarioFigures[];
  } | null;
  evaluationError: string | null;
  evaluationFile: string;
  howToEvaluate: string;
}
