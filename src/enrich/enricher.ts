import type { LoginEvent } from '../event/login-event.js';
import type { Enrichment } from './enrichment.js';

/** Turns an event into its enrichment; built once at start (opens databases), cheap per event. */
export interface Enricher {
  enrich(event: LoginEvent): Enrichment;
}
