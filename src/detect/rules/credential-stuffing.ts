import type { DetectionContext } from '../detection-context.js';
import { formatInt, pct } from '../format.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

const AGENT_MIN_USERS = 10;
/** Failures in the window before a tenant-wide surge counts (a quiet tenant's ratio is noise). */
const SURGE_MIN_FAILURES = 50;

/**
 * CREDENTIAL_STUFFING: leaked username/password pairs tried across many accounts from rotating
 * addresses, so no single user or IP sees much. Two traces remain: an IP failing for a few
 * different users (below the spray threshold) with almost every attempt failing, and one client
 * (exact user-agent string) failing for many users at once with almost every attempt failing —
 * a browser shared by many real people has a low failure ratio. When the campaign rotates both
 * addresses and user agents, a third trace remains: the tenant's failure ratio far above its
 * usual level. During such a surge, a login that brings anything new (device, network, country,
 * a hosting or anonymizing network) carries the signal: that is where a stuffed password lands.
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
  if (score === 0) {
    const surge = tenantSurge(ctx);
    if (surge) {
      score = 0.35;
      message = surge;
    }
  }
  return score > 0 ? { code: 'CREDENTIAL_STUFFING', score, message } : undefined;
}

function tenantSurge(ctx: DetectionContext): string | undefined {
  const { activity: a, familiar, obs } = ctx;
  const usual = a.tenantUsualFailureRatio;
  if (Number.isNaN(usual) || a.tenantFailures < SURGE_MIN_FAILURES || a.tenantAttempts === 0)
    return undefined;
  const ratio = a.tenantFailures / a.tenantAttempts;
  if (ratio < Math.max(3 * usual, usual + 0.15)) return undefined;
  const novel =
    !familiar.device ||
    !familiar.network ||
    (obs.country !== undefined && !familiar.country) ||
    obs.networkType === 'hosting' ||
    obs.networkType === 'anonymizing';
  if (!novel) return undefined;
  return `${pct(ratio)} of logins to this application failed in the last ${ctx.config.stuffing.windowMin} min (usually ${pct(usual)}): a credential-stuffing wave, and this login brings something new`;
}

function clip(agent: string | undefined): string {
  if (!agent) return 'no user agent';
  return agent.length > 60 ? `${agent.slice(0, 57)}…` : agent;
}
