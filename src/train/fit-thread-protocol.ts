import type { ScoringConfig } from '../config/scoring-config.js';
import type { TrainedModels } from './train-models.js';

/** What the fit thread is started with (plain data: it is copied to the thread). */
export interface FitThreadData {
  /** The service's SQLite file: its stored events are the history. */
  file: string;
  /** Where the models are saved (`ensemble.json` last: a directory without it holds no models). */
  outDir: string;
  scoring: ScoringConfig;
  seed: number;
  /** Autoencoder epochs; default that of `trainModels`. */
  epochs?: number;
}

/** The fit thread's one message before it ends. */
export type FitThreadReply =
  | { type: 'fitted'; training: TrainedModels['training']; seconds: TrainedModels['seconds'] }
  | { type: 'failed'; error: string };
