import { describeDevice } from '../../profile/login-observation.js';
import type { DetectionContext } from '../detection-context.js';
import { noveltyDamping } from '../score-math.js';
import type { Signal } from '../signal.js';

const BASE = 0.4;

/**
 * NEW_DEVICE: a device (the app's deviceId, else browser family + OS + type) the user has not
 * used lately. Alone it stays below the challenge threshold (a new phone is normal); with a new
 * place, an odd hour or an anonymizer it tips the login into a challenge.
 */
export function newDevice(ctx: DetectionContext): Signal | undefined {
  const { profile, familiar, obs } = ctx;
  if (!profile || familiar.device) return undefined;
  const score = BASE * ctx.maturity * noveltyDamping(profile.novelty.device);
  if (score <= 0) return undefined;
  return {
    code: 'NEW_DEVICE',
    score,
    message: `First login from this device (${describeDevice(obs.device)})`,
  };
}
