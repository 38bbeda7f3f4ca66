import type { DetectionContext } from '../detection-context.js';
import { formatInt, pct } from '../format.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

const AGENT_MIN_USERS = 10;

/**
 * CREDENTIAL_STUFFING: leaked username/password pairs tried across many accounts from rotating
 * addresses, so no single user or IP sees much. Two traces remain: an IP failing for a few
 * different users (below the spray threshold) with almost every attempt failing, and one client
 * (exact user-agent string) failing for many users at once with almost every attempt failing —
 * a browser shared by many real people has a low failure ratio.
 */
export function credentialStuffing(ctx: DetectionContext): Signal | undefined {
  const { activity: a, config, event } = ctx;
  const c = config.stuffing;
  let score = 0;
  let message = '';

  if (a.ipFailedUsers >= c.minUsers && a.ipFailedUsers < config.spray.minUsers && a.ipAttempts > 0) {
    const ratio = a.ipFailures / a.ipAttempts;
    if (ratio >= c.minFailureRatio) {
      score = ramp(a.ipFailedUsers, c.minUsers, 0.45, config.spray.minUsers, 0.6);
      message = `${event.ip} failed logins for ${formatInt(a.ipFailedUsers)} different users in ${c.windowMin} min (${pct(ratio)} failed)`;
    }
  }
  // When one IP holds most of this client's failures, that is a spray and PASSWORD_SPRAY says so.
  const sprayHere = a.ipFailedUsers >= config.spray.minUsers && a.ipFailedUsers * 2 >= a.agentFailedUsers;
  if (!sprayHere && a.agentFailedUsers >= AGENT_MIN_USERS && a.agentAttempts > 0) {
    const ratio = a.agentFailures / a.agentAttempts;
    if (ratio >= c.minFailureRatio) {
      const agentScore = ramp(a.agentFailedUsers, AGENT_MIN_USERS, 0.5, AGENT_MIN_USERS * 5, 0.85);
      if (agentScore > score) {
        score = agentScore;
        message = `This client (${clip(event.userAgent)}) failed logins for ${formatInt(a.agentFailedUsers)} users in ${c.windowMin} min (${pct(ratio)} failed)`;
      }
    }
  }
  return score > 0 ? { code: 'CREDENTIAL_STUFFING', score, message } : undefined;
}

function clip(agent: string | undefined): string {
  if (!agent) return 'no user agent';
  return agent.length > 60 ? `${agent.slice(0, 57)}…` : agent;
}
