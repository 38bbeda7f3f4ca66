import type { DatasetLabel, DatasetRecord } from './dataset-record.js';
import type { PickedIp, RecordLocation } from './ip-pool.js';

/** The account a login is for: a simulated user, or a name from a combo list that does not exist. */
export interface SimAccount {
  userId: string;
  email: string;
  tenant: string;
}

/**
 * A login attempt as the simulation produces it, already in the shape of the record it becomes.
 * What depends on the global time order (`eventId`, `timestamp` text, `failedAttempts`) is filled
 * in by the sorter on release; the epoch-ms time lives in a private field, which JSON.stringify
 * and the CSV writer do not see.
 *
 * One object per event, created with every property in the same order: at a million events,
 * building a second object per record, or records of varying shapes, measurably slowed the run
 * (allocation and garbage collection were the largest costs after JSON encoding).
 */
export class SimEvent implements DatasetRecord {
  eventId = '';
  userId: string;
  timestamp = '';
  success: boolean;
  ip: string;
  userAgent: string;
  deviceId: string;
  deviceType: string;
  location: RecordLocation;
  sessionDurationSec: number | undefined;
  failedAttempts = 0;
  behavioralScore: number;
  mfa: 'passed' | 'failed' | undefined;
  email: string;
  tenant: string;
  label: DatasetLabel;
  attackId: string | undefined;
  readonly #t: number;

  constructor(
    t: number,
    account: SimAccount,
    success: boolean,
    ip: PickedIp,
    client: { userAgent: string; deviceId: string; deviceType: string },
    behavioralScore: number,
    label: DatasetLabel,
    extra?: {
      sessionDurationSec?: number | undefined;
      mfa?: 'passed' | 'failed' | undefined;
      attackId?: string;
    },
  ) {
    // Whole milliseconds: the timestamp's precision, so that sort order and output agree.
    this.#t = Math.floor(t);
    this.userId = account.userId;
    this.success = success;
    this.ip = ip.ip;
    this.userAgent = client.userAgent;
    this.deviceId = client.deviceId;
    this.deviceType = client.deviceType;
    this.location = ip.location;
    this.sessionDurationSec = extra?.sessionDurationSec;
    this.behavioralScore = behavioralScore;
    this.mfa = extra?.mfa;
    this.email = account.email;
    this.tenant = account.tenant;
    this.label = label;
    this.attackId = extra?.attackId;
  }

  /** Epoch milliseconds of the attempt. */
  get t(): number {
    return this.#t;
  }
}

/** Where simulated events go (the time-ordering buffer). */
export interface EventSink {
  emit(event: SimEvent): void;
}
