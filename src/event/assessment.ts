import type { ReasonCode } from '../detect/reason-codes.js';

export type Action = 'allow' | 'challenge' | 'deny';
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** One reason an event looks risky, as shown to people. */
export interface Reason {
  code: ReasonCode;
  /** 0..1: how strongly this reason alone points at an attack. */
  score: number;
  /** A sentence a person understands, e.g. "1,180 km from Delhi in 40 min (1,770 km/h)". */
  message: string;
}

export interface AssessmentContext {
  country?: string;
  city?: string;
  /** Where the login came from (GeoIP or the event's location), for maps. */
  lat?: number;
  lon?: number;
  asn?: number;
  org?: string;
  network: string;
  device: { browser?: string; os?: string; type: string };
}

/** The output contract (DESIGN §2): what every entry point answers for one event. */
export interface Assessment {
  eventId: string;
  userId: string;
  /** RFC 3339, from the event. */
  timestamp: string;
  riskScore: number;
  riskLevel: RiskLevel;
  action: Action;
  accountLocked: boolean;
  reasons: Reason[];
  scores: Record<string, number>;
  /**
   * Present in monitor-only mode (`policy.mode: monitor`): `action` is then always `allow`, and
   * this is what enforcement would have answered (alerts follow it).
   */
  monitor?: { action: Action };
  context: AssessmentContext;
}
