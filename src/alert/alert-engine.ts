import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-config.js';
import type { Assessment, RiskLevel } from '../event/assessment.js';
import type { LoginEvent } from '../event/login-event.js';
import { AlertRepository, type StoredAlert } from '../store/alert-repository.js';
import { type AuditEntry, AuditRepository } from '../store/audit-repository.js';
import { chunked } from '../store/chunked.js';
import type { Database } from '../store/database.js';
import { EventRepository } from '../store/event-repository.js';
import type { AlertChannel } from './alert-config.js';
import { alertChannels } from './alert-rules.js';
import { alertDb } from './alert-tables.js';
import { type IncidentRef, incidentOf } from './incident-key.js';
import { type IncidentState, observeLogin, takeTeamNotice, takeUserMail } from './incident-throttle.js';
import { type LinkClaims, LinkTokens } from './link-tokens.js';
import { summarizeLogin } from './login-summary.js';
import { createMailTransport, type MailTransport, type OutgoingMail } from './mail-transport.js';
import { type EvidenceLogin, renderReportedCompromiseMail, renderTeamMail } from './team-mail.js';
import { renderUserMail } from './user-mail.js';
import { WebhookSender } from './webhook-sender.js';

const HOUR_MS = 3600_000;
const LEVEL_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };
/** Incidents kept in memory; past this the cache starts again from the stored states. */
const MAX_CACHED_INCIDENTS = 10_000;
const MAX_SAMPLES = 10;
/** Alerting candidates processed together at most (one read of their events, one transaction). */
const MAX_BATCH = 2000;
/** User mails in flight at once within a batch. */
const MAIL_CONCURRENCY = 16;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

export interface AlertEngineOptions {
  service: Readonly<ServiceConfig>;
  db: Kysely<Database>;
  log: Logger;
  now?: () => number;
  /** Instead of the configured SMTP server or mail folder (tests). */
  mail?: MailTransport;
}

/**
 * What processing one batch stores, written in one transaction at its end: one transaction per
 * incident, alert and mail (each an fsync, each waiting for the write lock the scoring thread
 * holds) blocked the main thread for seconds a minute under load (bench/service-load.mjs).
 */
interface BatchWrites {
  incidents: Map<string, IncidentState>;
  alerts: StoredAlert[];
  audit: AuditEntry[];
  webhooks: { alertId: string; body: unknown }[];
  /** "Was this you?" mails due, sent once every incident of the batch is decided. */
  userMails: { candidate: Candidate; incident: string }[];
}

/** An alerting login with what the engine looked up for it. */
interface Candidate {
  assessment: Assessment;
  event: LoginEvent | undefined;
  channels: Set<AlertChannel>;
  ref: IncidentRef;
}

/**
 * Alerting: listens to committed assessments, applies the rules, groups alerting logins into
 * incidents, and notifies: a "was this you?" mail to the user (throttled per incident), one alert
 * per incident to the team and the webhooks, a digest when the incident keeps growing. Every
 * alert and every mail lands in the audit log. Runs beside the worker, never in its way: work is
 * queued, one batch after another, and a failure is logged, never thrown back.
 */
export class AlertEngine {
  readonly links: LinkTokens;
  readonly webhooks: WebhookSender;
  private readonly mail: MailTransport;
  private readonly now: () => number;
  private readonly incidents = new Map<string, IncidentState>();
  private readonly alerts: AlertRepository;
  private readonly audit: AuditRepository;
  private readonly events: EventRepository;
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** Handed in, not taken by a batch yet; and whether a batch is chained to take them. */
  private readonly queued: Assessment[] = [];
  private batchScheduled = false;
  private closed = false;

  private constructor(
    private readonly options: AlertEngineOptions,
    links: LinkTokens,
  ) {
    const { service, db, log } = options;
    this.now = options.now ?? Date.now;
    this.links = links;
    this.mail =
      options.mail ??
      createMailTransport({
        ...(service.smtpUrl ? { smtpUrl: service.smtpUrl } : {}),
        mailDir: service.mailDir ?? join(service.dataDir, 'mail'),
        from: service.mailFrom,
        log,
      });
    this.webhooks = new WebhookSender({
      db,
      urls: service.webhookUrls,
      secret: service.webhookSecret ?? '',
      maxAttempts: service.alerts.webhookMaxAttempts,
      retryBaseMs: service.alerts.webhookRetryBaseMs,
      timeoutMs: service.alerts.webhookTimeoutMs,
      log,
      now: this.now,
    });
    this.alerts = new AlertRepository(db);
    this.audit = new AuditRepository(db);
    this.events = new EventRepository(db);
  }

  /** Builds the engine (link secret from config or the store) and resumes pending webhook deliveries. */
  static async open(options: AlertEngineOptions): Promise<AlertEngine> {
    const links = await LinkTokens.open(options.db, options.service.linkSecret);
    const engine = new AlertEngine(options, links);
    await engine.webhooks.resume();
    return engine;
  }

  /**
   * Queues the committed assessments that may alert and returns at once. The scoring side picks
   * them (`CommittedBatch.alerting`, by `mayAlert` under these alert rules), so only they wait in
   * memory, and an assessment no rule matches that is handed in anyway gets no channel.
   */
  readonly onAssessments = (alerting: readonly Assessment[]): void => {
    if (this.closed || alerting.length === 0) return;
    this.waiting += alerting.length;
    for (const a of alerting) this.queued.push(a);
    this.scheduleBatch();
  };

  /**
   * Chains one run of `process` on what is queued when it starts (up to {@link MAX_BATCH}), so a
   * backlog is worked off in a few large batches rather than in the scoring thread's slices: each
   * batch reads its events and writes its results once, and those writes wait for the write lock
   * the worker and the API keep busy under load (one batch per slice let the backlog reach its
   * bound in 60 s of full-tilt ingest).
   */
  private scheduleBatch(): void {
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    this.tail = this.tail
      .then(async () => {
        this.batchScheduled = false;
        const batch = this.queued.splice(0, MAX_BATCH);
        if (this.queued.length > 0) this.scheduleBatch();
        try {
          await this.process(batch);
        } finally {
          this.waiting -= batch.length;
        }
      })
      .catch((err: unknown) => this.options.log.error({ err }, 'alerting failed for a batch'));
  }

  /** Assessments that may alert, handed in and not processed yet (held in memory until then). */
  get backlog(): number {
    return this.waiting;
  }

  /** Resolves once every batch handed in so far is processed (mails sent, webhooks enqueued). */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  /** Finishes the queued batches, stops webhook retries (they resume on the next start), closes mail. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    await this.webhooks.close();
    this.mail.close();
  }

  /** The base of the links in mail. */
  get publicUrl(): string {
    const s = this.options.service;
    return (s.publicUrl ?? `http://${s.host}:${s.port}`).replace(/\/+$/, '');
  }

  /**
   * The account owner answered "No, secure my account": the team and the webhooks hear of it at
   * once (no throttle: it is one per mail).
   */
  async reportCompromise(
    claims: LinkClaims,
    event: LoginEvent | undefined,
    assessment: Assessment | undefined,
  ) {
    const t = this.now();
    const id = `al_${digest(`reported|${claims.mailId}`)}`;
    const login = assessment ? summarizeLogin(assessment, event) : undefined;
    const alert: StoredAlert = {
      id,
      eventId: claims.eventId,
      userId: claims.userId,
      kind: 'user_reported_compromise',
      severity: 'critical',
      createdAt: t,
      status: 'open',
      body: { notice: 'reported', login: login ?? null },
    };
    await this.alerts.insertMany([alert]);
    const audit: AuditEntry[] = [
      {
        at: t,
        actor: 'loginguard',
        action: 'alert.raise',
        target: id,
        detail: { kind: alert.kind, userId: claims.userId },
      },
    ];
    const team = this.teamFor(event?.tenant);
    if (team.length > 0 && login) {
      audit.push(
        await this.send(
          { to: team, ...renderReportedCompromiseMail(claims.userId, claims.eventId, login) },
          { action: 'alert.team_mail', target: id, detail: { to: team } },
        ),
      );
    }
    await this.audit.append(audit);
    await this.webhooks.enqueue(id, webhookBody('alert.created', alert));
  }

  /** Alerts on a batch of assessments that may alert. */
  private async process(alerting: readonly Assessment[]): Promise<void> {
    const cfg = this.options.service.alerts;
    const groups = new Map<string, Candidate[]>();
    const events = await this.events.getMany(
      alerting.map((a) => ({ eventId: a.eventId, timestampMs: Date.parse(a.timestamp) })),
    );
    for (const assessment of alerting) {
      const event = events.get(assessment.eventId);
      const channels = alertChannels(assessment, event?.tenant, cfg);
      if (channels.size === 0) continue;
      const ref = incidentOf(assessment, {
        ip: event?.ip ?? 'unknown',
        ...(event?.tenant ? { tenant: event.tenant } : {}),
      });
      const group = groups.get(ref.key);
      if (group) group.push({ assessment, event, channels, ref });
      else groups.set(ref.key, [{ assessment, event, channels, ref }]);
    }
    const writes: BatchWrites = { incidents: new Map(), alerts: [], audit: [], webhooks: [], userMails: [] };
    for (const [key, group] of groups) {
      await this.processIncident(key, group, writes);
      // The store is synchronous, so without this a batch is one unbroken run of microtasks on the
      // thread that serves HTTP: a backlog draining after a burst held POST /v1/assess for tens of ms.
      await yieldToIo();
    }
    // A few at a time: one after another, alerting fell behind a spray over thousands of accounts
    // while the main thread sat 40% idle waiting on each mail (bench/service-load.mjs, 25,000 users).
    for (let i = 0; i < writes.userMails.length; i += MAIL_CONCURRENCY) {
      const slice = writes.userMails.slice(i, i + MAIL_CONCURRENCY);
      const entries = await Promise.all(slice.map((m) => this.sendUserMail(m.candidate, m.incident)));
      for (const entry of entries) if (entry) writes.audit.push(entry);
    }
    await this.store(writes);
  }

  /** Writes what a batch produced, then starts its webhook deliveries. */
  private async store(writes: BatchWrites): Promise<void> {
    if (writes.incidents.size === 0 && writes.audit.length === 0) return;
    const deliveries = await this.options.db.transaction().execute(async (trx) => {
      await saveIncidents(trx, [...writes.incidents.values()], this.now());
      await new AlertRepository(trx).insertMany(writes.alerts);
      await new AuditRepository(trx).append(writes.audit);
      const ids: string[] = [];
      for (const w of writes.webhooks) ids.push(...(await this.webhooks.store(trx, w.alertId, w.body)));
      return ids;
    });
    this.webhooks.start(deliveries);
  }

  private async processIncident(key: string, group: Candidate[], writes: BatchWrites): Promise<void> {
    const cfg = this.options.service.alerts;
    let state = this.incidents.get(key) ?? (await this.loadIncident(key));
    let members: Candidate[] = [];
    const userMails: Candidate[] = [];
    for (const c of group) {
      const t = Date.parse(c.assessment.timestamp);
      const observed = observeLogin(
        state,
        c.ref,
        {
          t,
          eventId: c.assessment.eventId,
          userId: c.assessment.userId,
          ip: c.event?.ip ?? 'unknown',
          reasons: c.assessment.reasons.map((r) => r.code),
        },
        cfg,
      );
      if (observed.opened && state !== undefined && members.length > 0) {
        await this.finishIncident(state, members, writes);
        members = [];
      }
      state = observed.state;
      members.push(c);
      if (
        c.channels.has('user') &&
        ownerShouldHear(c) &&
        recipientOf(c.event, c.assessment.userId) &&
        takeUserMail(state, c.assessment.userId, t, cfg)
      ) {
        userMails.push(c);
      }
    }
    if (state === undefined) return;
    await this.finishIncident(state, members, writes);
    for (const candidate of userMails) writes.userMails.push({ candidate, incident: state.key });
  }

  /** Tells the team (and the webhooks) about the incident if it is due; its state joins `writes`. */
  private async finishIncident(
    state: IncidentState,
    members: Candidate[],
    writes: BatchWrites,
  ): Promise<void> {
    const cfg = this.options.service.alerts;
    const notice = takeTeamNotice(state, state.lastAt, cfg);
    this.cacheIncident(state);
    writes.incidents.set(state.key, state);
    if (notice === undefined || members.length === 0) return;
    const t = this.now();
    const channels = new Set(members.flatMap((m) => [...m.channels]));
    const last = members[members.length - 1] as Candidate;
    const severity = members.reduce<RiskLevel>(
      (s, m) => (LEVEL_RANK[m.assessment.riskLevel] > LEVEL_RANK[s] ? m.assessment.riskLevel : s),
      'low',
    );
    const id = `al_${digest(`${state.key}|${state.firstEventId}|${notice === 'alert' ? 0 : state.digests}`)}`;
    const samples = pickSamples(members).map<EvidenceLogin>((m) => ({
      eventId: m.assessment.eventId,
      userId: m.assessment.userId,
      login: summarizeLogin(m.assessment, m.event),
    }));
    const alert: StoredAlert = {
      id,
      eventId: last.assessment.eventId,
      userId: state.users[0] ?? last.assessment.userId,
      kind: state.kind,
      severity,
      createdAt: t,
      status: 'open',
      body: {
        notice,
        incident: state.key,
        count: state.count,
        firstSeen: new Date(state.openedAt).toISOString(),
        lastSeen: new Date(state.lastAt).toISOString(),
        users: state.users,
        userCount: state.userCount,
        ips: state.ips,
        ipCount: state.ipCount,
        reasons: state.reasons,
        channels: [...channels],
        samples: samples.map((s) => ({ eventId: s.eventId, userId: s.userId, ...s.login })),
      },
    };
    writes.alerts.push(alert);
    writes.audit.push({
      at: t,
      actor: 'loginguard',
      action: notice === 'alert' ? 'alert.raise' : 'alert.digest',
      target: id,
      detail: { kind: state.kind, incident: state.key, count: state.count, severity },
    });
    const team = this.teamFor(last.event?.tenant);
    if (channels.has('team') && team.length > 0) {
      writes.audit.push(
        await this.send(
          { to: team, ...renderTeamMail(state, notice, samples) },
          { action: 'alert.team_mail', target: id, detail: { to: team, notice } },
        ),
      );
    }
    if (channels.has('webhook')) {
      writes.webhooks.push({
        alertId: id,
        body: webhookBody(notice === 'alert' ? 'alert.created' : 'alert.digest', alert),
      });
    }
  }

  /** Sends one "was this you?" mail; returns its audit entry (sent or failed). */
  private async sendUserMail(c: Candidate, incident: string): Promise<AuditEntry | undefined> {
    const to = recipientOf(c.event, c.assessment.userId);
    if (!to) return undefined;
    const t = this.now();
    const mailId = `m_${randomUUID()}`;
    const exp = t + this.options.service.alerts.linkTtlHours * HOUR_MS;
    const claims = {
      mailId,
      eventId: c.assessment.eventId,
      userId: c.assessment.userId,
      ts: Date.parse(c.assessment.timestamp),
      exp,
    };
    const link = (action: 'confirm' | 'secure') =>
      `${this.publicUrl}/alerts/link?token=${this.links.sign({ ...claims, action })}`;
    const content = renderUserMail({
      userId: c.assessment.userId,
      login: summarizeLogin(c.assessment, c.event),
      confirmUrl: link('confirm'),
      secureUrl: link('secure'),
      expiresAt: exp,
    });
    return this.send(
      { to: [to], ...content },
      {
        action: 'alert.user_mail',
        target: c.assessment.userId,
        detail: { to, eventId: c.assessment.eventId, incident, mailId },
      },
    );
  }

  /** Sends a mail; returns the audit entry of the outcome. A failure is logged and audited, never thrown. */
  private async send(
    mail: OutgoingMail,
    entry: Pick<AuditEntry, 'action' | 'target' | 'detail'>,
  ): Promise<AuditEntry> {
    try {
      const messageId = await this.mail.send(mail);
      return { at: this.now(), actor: 'loginguard', ...entry, detail: { ...entry.detail, messageId } };
    } catch (err) {
      this.options.log.error({ err, to: mail.to, subject: mail.subject }, 'sending an alert mail failed');
      return {
        at: this.now(),
        actor: 'loginguard',
        ...entry,
        action: `${entry.action}_failed`,
        detail: { ...entry.detail, error: err instanceof Error ? err.message : String(err) },
      };
    }
  }

  private teamFor(tenant: string | undefined): string[] {
    const { alerts, alertTeamEmails } = this.options.service;
    const own = tenant === undefined ? undefined : alerts.tenants[tenant]?.teamEmails;
    return [...(own ?? alertTeamEmails)];
  }

  private async loadIncident(key: string): Promise<IncidentState | undefined> {
    const row = await alertDb(this.options.db)
      .selectFrom('alert_incidents')
      .select('state')
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? (JSON.parse(row.state) as IncidentState) : undefined;
  }

  /** Keeps the incident's state for the next batch; past the bound the cache starts afresh. */
  private cacheIncident(state: IncidentState): void {
    if (this.incidents.size >= MAX_CACHED_INCIDENTS && !this.incidents.has(state.key)) this.incidents.clear();
    this.incidents.set(state.key, state);
  }
}

/** Stores incident states (insert or replace), a statement per chunk. */
async function saveIncidents(
  db: Kysely<Database>,
  states: readonly IncidentState[],
  at: number,
): Promise<void> {
  const rows = states.map((state) => ({
    key: state.key,
    kind: state.kind,
    state: JSON.stringify(state),
    last_at: state.lastAt,
    updated_at: at,
  }));
  for (const chunk of chunked(rows, 5)) {
    await alertDb(db)
      .insertInto('alert_incidents')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          state: eb.ref('excluded.state'),
          last_at: eb.ref('excluded.last_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** The webhook JSON: what happened and the alert as the API shows it. */
function webhookBody(type: string, alert: StoredAlert) {
  return { type, alert };
}

/** Where a user's mail goes: the event's `email`, else the user id when it is an address. */
/**
 * Whether the owner gets "was this you?" for this login: when the password was right (the attacker
 * has it; the owner must act) or the attempts locked the account (the owner will notice and should
 * know why). Not for a wrong password alone: the owner can do nothing about it, and a spray would
 * mail thousands of owners whose "No, secure my account" locks them out of their own accounts. The
 * team hears of every alerting login through its incident either way. An event no longer stored
 * (retention) gets the mail, as before this rule.
 */
function ownerShouldHear(c: Candidate): boolean {
  return c.event === undefined || c.event.success || c.assessment.accountLocked;
}

function recipientOf(event: LoginEvent | undefined, userId: string): string | undefined {
  const to = event?.email ?? userId;
  return ADDRESS.test(to) ? to : undefined;
}

function pickSamples<T>(items: readonly T[]): T[] {
  if (items.length <= MAX_SAMPLES) return [...items];
  return [...items.slice(0, MAX_SAMPLES / 2), ...items.slice(-MAX_SAMPLES / 2)];
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Lets pending I/O (HTTP requests) run before going on. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
