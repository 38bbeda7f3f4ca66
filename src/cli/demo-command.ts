import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Command } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { createEnricher } from '../enrich/create-enricher.js';
import type { Assessment } from '../event/assessment.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { replayEvents } from '../replay/replay-events.js';
import { generateDataset } from '../simulate/generate-dataset.js';
import { writeDataset } from '../simulate/write-dataset.js';
import { formatMetrics } from '../train/detection-metrics.js';

const DEMO = { users: 500, days: 30, seed: 2024 } as const;

/**
 * `loginguard demo` (what `npm start` runs for now): generates a labelled demo dataset into the
 * data directory once, replays it through the detector and shows what was caught and why.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Generate a demo dataset (500 users × 30 days, once) and replay it, showing detections.')
    .option('--data-dir <dir>', 'where the demo files go', process.env.LOGINGUARD_DATA_DIR ?? './data')
    .action(async (opts: { dataDir: string }) => {
      mkdirSync(opts.dataDir, { recursive: true });
      const events = join(opts.dataDir, 'demo.jsonl');
      const assessmentsPath = join(opts.dataDir, 'demo-assessments.jsonl');
      if (!existsSync(events)) {
        process.stderr.write(
          `generating ${events} (${DEMO.users} users × ${DEMO.days} days, seed ${DEMO.seed})…\n`,
        );
        await writeDataset(generateDataset(DEMO).records, { out: events });
      }
      const config = resolveScoringConfig();
      const pipeline = createPipeline({ enricher: createEnricher(), config });
      const output = createWriteStream(assessmentsPath);
      const result = await replayEvents({
        pipeline,
        state: new MemoryScoringState(config),
        input: events,
        output,
      });
      output.end();
      await finished(output);
      process.stdout.write(`\n${formatMetrics(result.metrics, result.seconds)}\n\n`);
      await printExamples(events, assessmentsPath);
      process.stdout.write(`\nevents: ${events}\nassessments: ${assessmentsPath}\n`);
    });
}

/** One denied or challenged successful login per attack scenario, with its reasons. */
async function printExamples(eventsPath: string, assessmentsPath: string): Promise<void> {
  const events = (await readFile(eventsPath, 'utf8')).trimEnd().split('\n');
  const assessments = (await readFile(assessmentsPath, 'utf8')).trimEnd().split('\n');
  const shown = new Set<string>();
  process.stdout.write('examples of caught attacks:\n');
  for (let i = 0; i < events.length && i < assessments.length; i++) {
    const event = JSON.parse(events[i] ?? '{}') as { label?: string; success?: boolean };
    if (!event.label || event.label === 'benign' || !event.success || shown.has(event.label)) continue;
    const a = JSON.parse(assessments[i] ?? '{}') as Assessment;
    if (a.action === 'allow') continue;
    shown.add(event.label);
    process.stdout.write(
      `\n  ${event.label}: ${a.userId} at ${a.timestamp} from ${a.context.city ?? '?'}, ${a.context.country ?? '?'} → ${a.action.toUpperCase()} (risk ${a.riskScore})\n`,
    );
    for (const r of a.reasons)
      process.stdout.write(`    ${r.code.padEnd(22)} ${r.score.toFixed(2)}  ${r.message}\n`);
  }
}
