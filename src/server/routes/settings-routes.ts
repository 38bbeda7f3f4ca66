import type { FastifyInstance } from 'fastify';
import type { AlertConfig } from '../../alert/alert-config.js';
import type { LoadedConfig } from '../../config/load-service-config.js';
import type { ScoringConfig } from '../../config/scoring-config.js';
import type { AppDeps } from '../app-deps.js';

/**
 * What `GET /v1/settings` answers: the settings a security team reads to understand the
 * decisions (thresholds, lockout, mode, alert rules), never a secret.
 *
 * @example
 * { mode: 'enforce', scoring: { policy: { challengeThreshold: 0.5, … }, … },
 *   alerts: { enabled: true, rules: [{ actions: ['deny'], channels: ['team'] }], …,
 *             delivery: { smtp: 'smtp://mailer:***@mail.example:587', webhooks: ['https://hooks.example'] } } }
 */
export interface SettingsView {
  /** `policy.mode`: `enforce` or `monitor` (every login allowed, see docs/detectors.md). */
  mode: ScoringConfig['policy']['mode'];
  scoring: Readonly<ScoringConfig>;
  alerts: AlertConfig & {
    teamEmails: readonly string[];
    delivery: {
      /** The SMTP server with its password masked; `null` = mail written as .eml files. */
      smtp: string | null;
      mailFrom: string;
      /** Webhook targets as origin only: the path and query of a webhook URL often are its secret. */
      webhooks: string[];
      /** Whether the signing secrets are set (their values are never shown). */
      webhookSecretSet: boolean;
      linkSecretSet: boolean;
    };
  };
}

/** `GET /v1/settings` (scope `admin`): the running configuration, read-only, secrets removed. */
export async function settingsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // The config is frozen at start: build the answer once.
  const view = settingsView(deps.config);
  app.get(
    '/v1/settings',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Thresholds, lockout, mode and alert rules in use (secrets removed)',
        tags: ['admin'],
      },
    },
    async () => view,
  );
}

/**
 * The configuration as the settings page shows it. An allow-list, not a deny-list: a secret
 * added to the service config later stays out until someone decides to show it.
 */
export function settingsView(config: LoadedConfig): SettingsView {
  const { service, scoring } = config;
  return {
    mode: scoring.policy.mode,
    scoring,
    alerts: {
      ...service.alerts,
      teamEmails: service.alertTeamEmails,
      delivery: {
        smtp: service.smtpUrl ? maskUrl(service.smtpUrl) : null,
        mailFrom: service.mailFrom,
        webhooks: service.webhookUrls.map(originOf),
        webhookSecretSet: Boolean(service.webhookSecret),
        linkSecretSet: Boolean(service.linkSecret),
      },
    },
  };
}

/** `smtp://user:***@host:587`: scheme, user, host and port; never the password, path or query. */
function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const user = url.username ? `${url.username}${url.password ? ':***' : ''}@` : '';
    return `${url.protocol}//${user}${url.host}`;
  } catch {
    return '(set, unreadable)';
  }
}

function originOf(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return '(set, unreadable)';
  }
}
