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
import { eventBody } from '../server/test-service.js';
import { openTestDatabase } from '../store/temp-database.js';

describe('alerting backlog', () => {
  it('counts the assessments that may alert while they wait, and none once processed', async () => {
    const { db, cleanup } = await openTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-alerting-'));
    try {
      const config = resolveScoringConfig();
      const pipeline = createPipeline({ enricher: createEnricher(), config });
      const state = new MemoryScoringState(config);
      const assessments: Assessment[] = [];
      // A normal login, then a brute force from an anonymizing network: most of it may alert.
      for (const body of [
        eventBody({ userId: 'hana@example.com' }),
        ...Array.from({ length: 15 }, () =>
          eventBody({ userId: 'hana@example.com', ip: '45.155.205.233', deviceId: 'x', success: false }),
        ),
      ]) {
        const result = validateEvent(body);
        if (!result.ok) throw new Error('invalid test event');
        assessments.push(pipeline.assess(result.event, state));
      }
      // The default rules alert on a challenge, a denial or a locked account.
      const alerting = assessments.filter((a) => a.action !== 'allow' || a.accountLocked).length;
      expect(alerting).toBeGreaterThan(0);
      expect(alerting).toBeLessThan(assessments.length);

      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      let sent = 0;
      const mail: MailTransport = {
        send: async () => {
          sent++;
          await gate;
          return `<m${sent}@test>`;
        },
        close: () => {},
      };
      const { service } = loadServiceConfig(
        {},
        { overrides: { dataDir, alertTeamEmails: ['soc@example.com'] } },
      );
      const engine = await AlertEngine.open({ service, db, log: pino({ level: 'silent' }), mail });
      engine.onAssessments(assessments);
      expect(engine.backlog).toBe(alerting);
      await new Promise((r) => setTimeout(r, 50));
      expect(sent).toBeGreaterThan(0); // held at the first mail
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
