import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../../src/alert/alert-engine.js';
import type { MailTransport } from '../../src/alert/mail-transport.js';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import type { Assessment } from '../../src/event/assessment.js';
import { validateEvent } from '../../src/event/validate-event.js';
import { createPipeline } from '../../src/pipeline.js';
import { MemoryScoringState } from '../../src/profile/scoring-state.js';
import { summarizeCommitted } from '../../src/worker/committed-batch.js';
import { eventBody } from '../server/test-service.js';
import { openTestDatabase } from '../store/temp-database.js';

const config = resolveScoringConfig();
const pipeline = createPipeline({ enricher: createEnricher(), config });

/** A brute force from an anonymizing network after one normal login: most of it may alert. */
function bruteForceAssessments(prefix: string): Assessment[] {
  const state = new MemoryScoringState(config);
  const assessments: Assessment[] = [];
  for (const body of [
    eventBody({ userId: `${prefix}@example.com` }),
    ...Array.from({ length: 15 }, () =>
      eventBody({ userId: `${prefix}@example.com`, ip: '45.155.205.233', deviceId: 'x', success: false }),
    ),
  ]) {
    const result = validateEvent(body);
    if (!result.ok) throw new Error('invalid test event');
    assessments.push(pipeline.assess(result.event, state));
  }
  return assessments;
}

/** A mail transport whose sends wait until `open()`. */
function gatedMail() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const counter = { sent: 0 };
  const mail: MailTransport = {
    send: async () => {
      counter.sent++;
      await gate;
      return `<m${counter.sent}@test>`;
    },
    close: () => {},
  };
  return { mail, open: () => open(), counter };
}

describe('alerting backlog', () => {
  it('counts the assessments that may alert while they wait, and none once processed', async () => {
    const { db, cleanup } = await openTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-alerting-'));
    try {
      const assessments = bruteForceAssessments('hana');
      // The default rules alert on a challenge, a denial or a locked account.
      const alerting = assessments.filter((a) => a.action !== 'allow' || a.accountLocked).length;
      expect(alerting).toBeGreaterThan(0);
      expect(alerting).toBeLessThan(assessments.length);

      const { mail, open, counter } = gatedMail();
      const { service } = loadServiceConfig(
        {},
        { overrides: { dataDir, alertTeamEmails: ['soc@example.com'] } },
      );
      const engine = await AlertEngine.open({ service, db, log: pino({ level: 'silent' }), mail });
      engine.onAssessments(summarizeCommitted(assessments, service.alerts).alerting);
      expect(engine.backlog).toBe(alerting);
      await new Promise((r) => setTimeout(r, 50));
      expect(counter.sent).toBeGreaterThan(0); // held at the first mail
      expect(engine.backlog).toBe(alerting);
      open();
      await engine.idle();
      expect(engine.backlog).toBe(0);
      await engine.close();
    } finally {
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('alerting batches', () => {
  it('works off what waits in one batch: one read of the events for five batches handed in meanwhile', async () => {
    const { db, cleanup } = await openTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-alerting-'));
    try {
      let eventReads = 0;
      const executor = db.getExecutor();
      const provide = executor.provideConnection.bind(executor);
      const wrapped = new WeakSet<object>();
      executor.provideConnection = (consumer) =>
        provide((connection) => {
          if (!wrapped.has(connection)) {
            wrapped.add(connection);
            const execute = connection.executeQuery.bind(connection);
            connection.executeQuery = (query) => {
              if (/^select .* from "events"/i.test(query.sql)) eventReads++;
              return execute(query);
            };
          }
          return consumer(connection);
        });
      const { mail, open, counter } = gatedMail();
      const { service } = loadServiceConfig(
        {},
        { overrides: { dataDir, alertTeamEmails: ['soc@example.com'] } },
      );
      const engine = await AlertEngine.open({ service, db, log: pino({ level: 'silent' }), mail });
      engine.onAssessments(summarizeCommitted(bruteForceAssessments('first'), service.alerts).alerting);
      await new Promise((r) => setTimeout(r, 50));
      expect(counter.sent).toBeGreaterThan(0); // the first batch is held at its first mail
      const readsBefore = eventReads;
      let waiting = engine.backlog;
      for (const user of ['b1', 'b2', 'b3', 'b4', 'b5']) {
        const batch = bruteForceAssessments(user);
        engine.onAssessments(summarizeCommitted(batch, service.alerts).alerting);
        waiting += batch.filter((a) => a.action !== 'allow' || a.accountLocked).length;
      }
      expect(engine.backlog).toBe(waiting);
      open();
      await engine.idle();
      expect(engine.backlog).toBe(0);
      expect(eventReads - readsBefore).toBe(1);
      // Each of the five accounts was still alerted on: a team alert per brute force.
      const alerts = await db.selectFrom('alerts').select('user_id').execute();
      expect(new Set(alerts.map((a) => a.user_id))).toEqual(
        new Set(['first', 'b1', 'b2', 'b3', 'b4', 'b5'].map((u) => `${u}@example.com`)),
      );
      await engine.close();
    } finally {
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
