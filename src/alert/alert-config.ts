import { type Static, Type } from '@sinclair/typebox';
import { REASON_CODES } from '../detect/reason-codes.js';

const Channel = Type.Union([Type.Literal('user'), Type.Literal('team'), Type.Literal('webhook')]);
const Level = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);
const Action = Type.Union([Type.Literal('allow'), Type.Literal('challenge'), Type.Literal('deny')]);
const Reason = Type.Union(REASON_CODES.map((c) => Type.Literal(c)));

/**
 * One alert rule: an assessment matches when its action is in `actions`, OR its risk level is at
 * least `minLevel`, OR it carries one of `reasons` (a rule with none of the three matches nothing).
 * A matching assessment notifies `channels`; several matching rules add up their channels.
 */
export const AlertRuleSchema = Type.Object(
  {
    actions: Type.Optional(Type.Array(Action)),
    minLevel: Type.Optional(Level),
    reasons: Type.Optional(Type.Array(Reason)),
    /** Also match any assessment that locked the account. */
    accountLocked: Type.Optional(Type.Boolean()),
    channels: Type.Array(Channel, { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** What a tenant (the event's `tenant`) may change: its own rules and its own team addresses. */
export const TenantAlertSchema = Type.Object(
  {
    rules: Type.Optional(Type.Array(AlertRuleSchema)),
    teamEmails: Type.Optional(Type.Array(Type.String({ pattern: '@' }))),
    /** No alert at all for this tenant. */
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * The `alerts` section of the config file (rules, throttling, retries). Addresses, URLs and
 * secrets are top-level service keys, settable from the environment.
 */
export const AlertConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    rules: Type.Array(AlertRuleSchema, {
      default: [
        { actions: ['challenge', 'deny'], accountLocked: true, channels: ['user', 'team', 'webhook'] },
      ],
    }),
    tenants: Type.Record(Type.String(), TenantAlertSchema, { default: {} }),
    /** At most one "was this you?" mail per user and incident in this many minutes. */
    userMailEveryMinutes: Type.Number({ minimum: 0, default: 60 }),
    /** An incident with no new event for this long (event time) is over; the next one opens anew. */
    incidentQuietMinutes: Type.Number({ minimum: 1, default: 60 }),
    /** A growing incident sends the team a digest at most this often (event time). */
    digestEveryMinutes: Type.Number({ minimum: 1, default: 60 }),
    /** How long the links of a "was this you?" mail work. */
    linkTtlHours: Type.Number({ exclusiveMinimum: 0, default: 72 }),
    /** "No, secure my account" locks the account for this long. */
    secureLockHours: Type.Number({ exclusiveMinimum: 0, default: 24 }),
    /** POST attempts per webhook delivery before it is dead-lettered. */
    webhookMaxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 6 }),
    /** First retry after this; each next one waits twice as long. */
    webhookRetryBaseMs: Type.Integer({ minimum: 1, default: 30_000 }),
    webhookTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false, default: {} },
);

export type AlertConfig = Static<typeof AlertConfigSchema>;
export type AlertRule = Static<typeof AlertRuleSchema>;
export type AlertChannel = Static<typeof Channel>;
