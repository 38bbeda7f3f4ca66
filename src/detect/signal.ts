import type { ReasonCode } from './reason-codes.js';

/** What a detector says about one login: a stable code, a strength in 0..1 and a sentence. */
export interface Signal {
  code: ReasonCode;
  score: number;
  message: string;
}
