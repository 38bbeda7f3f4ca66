/** The API's shapes, as the dashboard reads them (docs/API.md, DESIGN §2). */

export type Action = 'allow' | 'challenge' | 'deny';
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

export interface Reason {
  code: string;
  score: number;
  message: string;
}

export interface Assessment {
  eventId: string;
  userId: string;
  timestamp: string;
  riskScore: number;
  riskLevel: RiskLevel;
  action: Action;
  accountLocked: boolean;
  reasons: Reason[];
  scores: Record<string, number>;
  context: {
    country?: string;
    city?: string;
    lat?: number;
    lon?: number;
    asn?: number;
    org?: string;
    network: string;
    device: { browser?: string; os?: string; type: string };
  };
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

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
    lastLocatedLogin: { at: string; country: string; city: string | null } | null;
  } | null;
  recent: Assessment[];
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target?: string | null;
  sourceIp?: string | null;
  detail: Record<string, unknown>;
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

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: string;
  eventId: string;
  userId: string;
  kind: string;
  severity: RiskLevel;
  createdAt: number;
  status: AlertStatus;
  body: Record<string, unknown>;
}
