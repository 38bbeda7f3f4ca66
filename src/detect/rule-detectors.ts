import type { Detector } from './detection-context.js';
import { anonymizingNetwork } from './rules/anonymizing-network.js';
import { automatedClient } from './rules/automated-client.js';
import { bruteForce } from './rules/brute-force.js';
import { credentialStuffing } from './rules/credential-stuffing.js';
import { hostingNetwork } from './rules/hosting-network.js';
import { impossibleTravel } from './rules/impossible-travel.js';
import { lowBehavioralScore } from './rules/low-behavioral-score.js';
import { newCountry } from './rules/new-country.js';
import { newDevice } from './rules/new-device.js';
import { newNetwork } from './rules/new-network.js';
import { passwordSpray } from './rules/password-spray.js';
import { reportedFailedAttempts } from './rules/reported-failed-attempts.js';
import { unfamiliarLocation } from './rules/unfamiliar-location.js';
import { unusualHour } from './rules/unusual-hour.js';

/** Every rule, in the order their reasons are listed when scores tie. */
export const RULE_DETECTORS: readonly Detector[] = [
  bruteForce,
  passwordSpray,
  credentialStuffing,
  impossibleTravel,
  anonymizingNetwork,
  hostingNetwork,
  newDevice,
  newCountry,
  newNetwork,
  unfamiliarLocation,
  unusualHour,
  automatedClient,
  lowBehavioralScore,
  reportedFailedAttempts,
];
