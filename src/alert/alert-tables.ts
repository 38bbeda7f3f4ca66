import type { Kysely } from 'kysely';
import type { Database, EpochMsColumn } from '../store/database.js';

/** An incident and its throttle state (`IncidentState` as JSON). */
export interface AlertIncidentsTable {
  key: string;
  kind: string;
  state: string;
  last_at: EpochMsColumn;
  updated_at: EpochMsColumn;
}

/** One webhook POST of one alert to one URL: the delivery log, retries, dead letters. */
export interface WebhookDeliveriesTable {
  id: string;
  alert_id: string;
  url: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: EpochMsColumn | null;
  last_status: number | null;
  last_error: string | null;
  created_at: EpochMsColumn;
  updated_at: EpochMsColumn;
}

/** One answered "was this you?" mail: its links are spent. */
export interface AlertLinkUsesTable {
  mail_id: string;
  action: string;
  used_at: EpochMsColumn;
}

export interface AlertSettingsTable {
  name: string;
  value: string;
}

/** The tables of migration 0002, next to the core schema. */
export interface AlertTables {
  alert_incidents: AlertIncidentsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  alert_link_uses: AlertLinkUsesTable;
  alert_settings: AlertSettingsTable;
}

export type AlertDatabase = Database & AlertTables;

/** The same connection, seeing the alert tables too (they live outside the core `Database` type). */
export function alertDb(db: Kysely<Database>): Kysely<AlertDatabase> {
  // Kysely's `withTables` wants a type alias; an interface carries the JSDoc. Both are only a cast.
  return db as unknown as Kysely<AlertDatabase>;
}
