/**
 * `scores.ensemble`: the rules and ML_ANOMALY combined (the risk score before the lockout), with
 * a small share (`models.tieBreakShare`, 0.001 by default) given to the models' combined rank.
 *
 * Why the share: most logins raise the same few rule signals or none, and ML_ANOMALY speaks only
 * for the rarest, so thousands of logins share one risk score. A threshold cannot split such a
 * tie, and ROC-AUC counts a tied attack as half caught. The share orders logins that score alike
 * by how rare the models find them, and moves no score by more than the share: two logins whose
 * risk scores differ by more than share / (1 − share) keep their order. `riskScore` and the
 * action do not use this score.
 *
 * @example
 * ensembleScore(0.35, 0.9993, 0.001); // 0.350649: above 0.35 logins the models find common
 * ensembleScore(0, 0.2, 0.001);       // 0.0002
 */
export function ensembleScore(riskBeforeLockout: number, models: number, tieBreakShare: number): number {
  const score = (1 - tieBreakShare) * riskBeforeLockout + tieBreakShare * models;
  // Six decimals: the models' term (share × a rank with four) must survive the rounding.
  return Math.round(score * 1_000_000) / 1_000_000;
}
