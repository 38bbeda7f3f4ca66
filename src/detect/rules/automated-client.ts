import type { DetectionContext } from '../detection-context.js';
import type { Signal } from '../signal.js';

const SCORE = 0.45;

/**
 * AUTOMATED_CLIENT: the user agent is a script or a headless browser (python-requests, curl,
 * HeadlessChrome…), not a person's browser. Not raised for a client the user's baseline already
 * holds (their own integration or CLI).
 */
export function automatedClient(ctx: DetectionContext): Signal | undefined {
  const { device } = ctx.enrichment;
  if (!device.automated || ctx.familiar.device) return undefined;
  const name = device.browser ?? (ctx.event.userAgent ? ctx.event.userAgent.slice(0, 40) : 'no user agent');
  return {
    code: 'AUTOMATED_CLIENT',
    score: SCORE,
    message: `Scripted client (${name}) rather than a browser`,
  };
}
