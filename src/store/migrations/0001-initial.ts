import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * The initial schema. Portable on purpose, so that PostgreSQL runs the same migration: only the
 * schema builder, times as `bigint` epoch milliseconds, JSON as `text`, no JSON operators, and
 * one dialect switch, for the generated integer keys (SQLite's AUTOINCREMENT vs a PostgreSQL
 * identity column).
 */
export function initialMigration(dialect: SqlDialectName): Migration {
  const serial = <T extends string>(table: CreateTableBuilder<T>, name: string) =>
    dialect === 'postgres'
      ? table.addColumn(name, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      : table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();

  return {
    // Kysely runs SQLite migrations outside a transaction (its SQLite adapter claims no
    // transactional DDL, though SQLite has it): open one here, so that a failure leaves nothing
    // half-made. On PostgreSQL the migrator already passes a transaction. `ifNotExists` everywhere
    // covers a crash between this commit and the migrator recording the migration.
    up: (db: Kysely<unknown>) =>
      db.isTransaction ? createSchema(db) : db.transaction().execute(createSchema),
  };

  async function createSchema(db: Kysely<unknown>): Promise<void> {
    // Events and assessments are keyed by (ts, event_id), not by event_id alone. Event ids are
    // hashes or client strings: random keys, and a B-tree insert at a random place dirties one
    // more page per event, written to the WAL at every commit and again at every checkpoint
    // (~8 KB per event once the index outgrows the cache: 13,000 rows/s against 50,000 rows/s
    // with time-ordered keys on the reference machine). Time-ordered keys append. Every writer
    // knows the event's time, and a retried event has the same time, so (ts, event_id) still
    // catches duplicates.
    await db.schema
      .createTable('events')
      .ifNotExists()
      .addColumn('event_id', 'text', notNull)
      .addColumn('user_id', 'text', notNull)
      .addColumn('ts', 'bigint', notNull)
      .addColumn('received_at', 'bigint', notNull)
      .addColumn('payload', 'text', notNull)
      .addPrimaryKeyConstraint('events_pk', ['ts', 'event_id'])
      .execute();

    await db.schema
      .createTable('assessments')
      .ifNotExists()
      .addColumn('event_id', 'text', notNull)
      .addColumn('user_id', 'text', notNull)
      .addColumn('ts', 'bigint', notNull)
      .addColumn('action', 'text', notNull)
      .addColumn('risk_score', 'double precision', notNull)
      .addColumn('risk_level', 'text', notNull)
      .addColumn('reasons', 'text', notNull)
      .addColumn('reason_codes', 'text', notNull)
      .addColumn('body', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addPrimaryKeyConstraint('assessments_pk', ['ts', 'event_id'])
      .execute();
    // list(): newest first by (ts, event_id) (the primary key), optionally for one user or one
    // action. A reason filter walks that order and tests reason_codes row by row.
    await db.schema
      .createIndex('assessments_user_ts_id')
      .ifNotExists()
      .on('assessments')
      .columns(['user_id', 'ts', 'event_id'])
      .execute();
    await db.schema
      .createIndex('assessments_action_ts_id')
      .ifNotExists()
      .on('assessments')
      .columns(['action', 'ts', 'event_id'])
      .execute();

    await db.schema
      .createTable('alerts')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', notNull)
      .addColumn('user_id', 'text', notNull)
      .addColumn('kind', 'text', notNull)
      .addColumn('severity', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('status', 'text', notNull)
      .addColumn('body', 'text', notNull)
      .execute();
    await db.schema
      .createIndex('alerts_created_id')
      .ifNotExists()
      .on('alerts')
      .columns(['created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('alerts_user_created_id')
      .ifNotExists()
      .on('alerts')
      .columns(['user_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('alerts_status_created_id')
      .ifNotExists()
      .on('alerts')
      .columns(['status', 'created_at', 'id'])
      .execute();
    await db.schema.createIndex('alerts_event').ifNotExists().on('alerts').column('event_id').execute();

    await serial(db.schema.createTable('audit_log').ifNotExists(), 'id')
      .addColumn('at', 'bigint', notNull)
      .addColumn('actor', 'text', notNull)
      .addColumn('action', 'text', notNull)
      .addColumn('target', 'text')
      .addColumn('source_ip', 'text')
      .addColumn('detail', 'text', notNull)
      .execute();
    // list(): newest first by (at, id), optionally for one actor or one action.
    await db.schema
      .createIndex('audit_log_at_id')
      .ifNotExists()
      .on('audit_log')
      .columns(['at', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_log_actor_at_id')
      .ifNotExists()
      .on('audit_log')
      .columns(['actor', 'at', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_log_action_at_id')
      .ifNotExists()
      .on('audit_log')
      .columns(['action', 'at', 'id'])
      .execute();

    await db.schema
      .createTable('user_profiles')
      .ifNotExists()
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('profile', 'text', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      .execute();

    await db.schema
      .createTable('lockouts')
      .ifNotExists()
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('lock', 'text', notNull)
      .addColumn('locked_until', 'bigint', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      .execute();
    await db.schema
      .createIndex('lockouts_locked_until')
      .ifNotExists()
      .on('lockouts')
      .column('locked_until')
      .execute();

    await db.schema
      .createTable('api_keys')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', notNull)
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('models')
      .ifNotExists()
      .addColumn('name', 'text', notNull)
      .addColumn('version', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('body', 'text', notNull)
      .addPrimaryKeyConstraint('models_pk', ['name', 'version'])
      .execute();
    await db.schema
      .createIndex('models_name_created')
      .ifNotExists()
      .on('models')
      .columns(['name', 'created_at'])
      .execute();

    await serial(db.schema.createTable('queue').ifNotExists(), 'seq')
      .addColumn('event_id', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', notNull)
      .addColumn('payload', 'text', notNull)
      .addColumn('enqueued_at', 'bigint', notNull)
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('leased_until', 'bigint')
      .execute();
    // takeUser(): one user's events in order. take() walks the primary key.
    await db.schema
      .createIndex('queue_user_seq')
      .ifNotExists()
      .on('queue')
      .columns(['user_id', 'seq'])
      .execute();

    await db.schema
      .createTable('queue_failed')
      .ifNotExists()
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', notNull)
      .addColumn('payload', 'text', notNull)
      .addColumn('enqueued_at', 'bigint', notNull)
      .addColumn('attempts', 'integer', notNull)
      .addColumn('failed_at', 'bigint', notNull)
      .addColumn('error', 'text', notNull)
      .execute();
    await db.schema
      .createIndex('queue_failed_failed_at')
      .ifNotExists()
      .on('queue_failed')
      .column('failed_at')
      .execute();
  }
}
