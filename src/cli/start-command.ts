import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadServiceConfig } from '../config/load-service-config.js';
import { ConfigError } from '../config/resolve-config.js';
import type { ServiceConfig } from '../config/service-config.js';
import { loadDemoData, trainDemoModels } from '../server/load-demo-data.js';
import { openService } from '../server/open-service.js';
import { AssessmentRepository } from '../store/assessment-repository.js';

interface StartOptions {
  host?: string;
  port?: string;
  dataDir?: string;
  config?: string;
  demo?: boolean;
}

/**
 * `loginguard start`: the API and the worker in one process on the embedded SQLite store
 * (what `npm start` runs, with `--demo`). Stops gracefully on SIGTERM / SIGINT: stops listening,
 * finishes the batch in hand, commits, closes the database.
 */
export function startCommand(): Command {
  return new Command('start')
    .description('Run the service: HTTP API + worker on the embedded SQLite store.')
    .option('--host <host>', 'listen address (LOGINGUARD_HOST, default 127.0.0.1)')
    .option('--port <port>', 'listen port (LOGINGUARD_PORT, default 8080)')
    .option('--data-dir <dir>', 'where the database lives (LOGINGUARD_DATA_DIR, default ./data)')
    .option('--config <file>', 'JSON config file (LOGINGUARD_CONFIG)')
    .option('--demo', 'load a generated demo dataset when the database is empty (LOGINGUARD_DEMO)')
    .action(async (opts: StartOptions) => {
      const overrides: Partial<ServiceConfig> = {};
      if (opts.host) overrides.host = opts.host;
      if (opts.port) {
        const port = Number(opts.port);
        if (!Number.isInteger(port))
          fail(new ConfigError('--port', `must be an integer (got "${opts.port}")`));
        overrides.port = port;
      }
      if (opts.dataDir) overrides.dataDir = opts.dataDir;
      if (opts.demo) overrides.demo = true;
      let config: ReturnType<typeof loadServiceConfig>;
      try {
        config = loadServiceConfig(process.env, { ...(opts.config ? { file: opts.config } : {}), overrides });
      } catch (err) {
        fail(err);
      }
      const { dataDir } = config.service;
      let trainedDemoModels = false;
      if (
        config.service.demo &&
        !config.service.modelsDir &&
        !existsSync(join(dataDir, 'loginguard.db')) &&
        !existsSync(join(dataDir, 'models'))
      ) {
        process.stdout.write(
          'Demo: training the anomaly models on a generated history of another population…\n',
        );
        mkdirSync(dataDir, { recursive: true });
        await trainDemoModels(join(dataDir, 'models'), dataDir, Date.now());
        trainedDemoModels = true;
      }
      let service: Awaited<ReturnType<typeof openService>>;
      try {
        service = await openService(config);
      } catch (err) {
        fail(err);
      }
      const { app, log } = service;
      const stop = async (signal: string) => {
        log.info({ signal }, 'stopping: draining the worker');
        await service.close();
        log.info('stopped');
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));

      const { host, port } = config.service;
      const address = await app.listen({ host, port });
      const base = address.replace('[::1]', 'localhost');
      const lines = [`loginguard is listening on ${base}  (API docs: ${base}/docs)`];
      if (service.createdAdminKey) {
        lines.push(
          '',
          'First start: an admin API key was created. It is shown only this once; keep it:',
          `  ${service.createdAdminKey}`,
          '',
        );
      }
      if (
        config.service.demo &&
        (await new AssessmentRepository(service.db).list({ limit: 1 })).items.length === 0
      ) {
        const n = await loadDemoData(service.queue, log, Date.now());
        service.scoring.wake();
        lines.push(
          `Demo: ${n} generated login events (300 users, 21 days, labelled attacks) are being scored now${trainedDemoModels ? ' by the rules and the anomaly models (trained on another generated population, in <data dir>/models)' : ''}.`,
        );
      }
      const key = service.createdAdminKey ?? '$LOGINGUARD_ADMIN_KEY';
      lines.push(
        'Try:',
        `  curl -H "Authorization: Bearer ${key}" "${base}/v1/assessments?action=deny&limit=5"`,
        `  curl -H "Authorization: Bearer ${key}" "${base}/v1/assessments?reason=IMPOSSIBLE_TRAVEL&limit=5"`,
        `  curl -H "Authorization: Bearer ${key}" -H 'content-type: application/json' ${base}/v1/assess \\`,
        `       -d '{"userId":"alice@example.com","timestamp":"${new Date().toISOString()}","success":true,"ip":"81.2.69.160"}'`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function fail(err: unknown): never {
  process.stderr.write(`loginguard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
