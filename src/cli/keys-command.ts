import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadServiceConfig } from '../config/load-service-config.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { API_KEY_SCOPES, type ApiKeyScope, isApiKeyScope } from '../store/api-key-scope.js';
import { AuditRepository } from '../store/audit-repository.js';
import { openSqliteDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrations.js';

/** `loginguard keys create|list|revoke`: API keys in the service's database; every change is audited. */
export function keysCommand(): Command {
  const keys = new Command('keys').description('Create, list and revoke API keys.');
  keys
    .command('create')
    .description('Create a key; it is printed once and cannot be shown again.')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "okta-hook"')
    .option('--scope <scopes>', `comma-separated: ${API_KEY_SCOPES.join(', ')}`, 'ingest')
    .option('--data-dir <dir>', 'where the database lives (LOGINGUARD_DATA_DIR)')
    .option('--json', 'print {id, key} as JSON')
    .action(async (opts: { name: string; scope: string; dataDir?: string; json?: boolean }) => {
      const scopes = opts.scope.split(',').map((s) => s.trim());
      const bad = scopes.filter((s) => !isApiKeyScope(s));
      if (bad.length > 0) fail(`unknown scope ${bad.join(', ')} (known: ${API_KEY_SCOPES.join(', ')})`);
      await withDb(opts.dataDir, async (db) => {
        const created = await new ApiKeyRepository(db).create({
          name: opts.name,
          scopes: scopes as ApiKeyScope[],
        });
        await audit(db, 'api_key.create', created.id, { name: opts.name, scopes });
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(created)}\n`
            : `created ${created.id} (${opts.name}: ${scopes.join(', ')})\n${created.key}\n`,
        );
      });
    });
  keys
    .command('list')
    .description('List keys (never the keys themselves).')
    .option('--data-dir <dir>', 'where the database lives (LOGINGUARD_DATA_DIR)')
    .action(async (opts: { dataDir?: string }) => {
      await withDb(opts.dataDir, async (db) => {
        for (const k of await new ApiKeyRepository(db).list()) {
          const state = k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : 'active';
          const used = k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : 'never';
          process.stdout.write(`${k.id}  ${k.name}  [${k.scopes.join(',')}]  ${state}  last used ${used}\n`);
        }
      });
    });
  keys
    .command('revoke <id>')
    .description('Revoke a key for good (effective within 5 seconds on a running server).')
    .option('--data-dir <dir>', 'where the database lives (LOGINGUARD_DATA_DIR)')
    .action(async (id: string, opts: { dataDir?: string }) => {
      await withDb(opts.dataDir, async (db) => {
        if (!(await new ApiKeyRepository(db).revoke(id))) fail(`no active key ${id}`);
        await audit(db, 'api_key.revoke', id, {});
        process.stdout.write(`revoked ${id}\n`);
      });
    });
  return keys;
}

async function withDb(
  dataDir: string | undefined,
  fn: (db: ReturnType<typeof openSqliteDatabase>) => Promise<void>,
): Promise<void> {
  let dir: string;
  try {
    dir = loadServiceConfig(process.env, dataDir ? { overrides: { dataDir } } : {}).service.dataDir;
  } catch (err) {
    fail((err as Error).message);
  }
  const db = openSqliteDatabase(join(dir, 'loginguard.db'));
  try {
    await migrateToLatest(db);
    await fn(db);
  } finally {
    await db.destroy();
  }
}

async function audit(
  db: ReturnType<typeof openSqliteDatabase>,
  action: string,
  target: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const user = userInfo().username;
  await new AuditRepository(db).append([{ at: Date.now(), actor: `cli:${user}`, action, target, detail }]);
}

function fail(message: string): never {
  process.stderr.write(`loginguard keys: ${message}\n`);
  process.exit(1);
}
