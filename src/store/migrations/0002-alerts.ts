import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * What alerting keeps (src/alert): incidents and their throttle state, webhook deliveries (the
 * delivery log, retries and dead letters), the ids of link tokens already used, and settings
 * generated once (the link-signing secret). Portable like 0001: schema builder only, epoch-ms
 * `bigint` times, JSON as `text`.
 */
export function alertsMigration(_dialect: SqlDialectName): Migration {
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  return {
    up: (db: Kysely<unknown>) =>
      db.isTransaction ? createSchema(db) : db.transaction().execute(createSchema),
  };

  async function createSchema(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('alert_incidents')
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', notNull)
      .addColumn('state', 'text', notNull)
      .addColumn('last_at', 'bigint', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alert_id', 'text', notNull)
      .addColumn('url', 'text', notNull)
      .addColumn('body', 'text', notNull)
      // pending → delivered | dead
      .addColumn('status', 'text', notNull)
      .addColumn('attempts', 'integer', notNull)
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      // One delivery per alert and URL: a re-processed alert is never sent twice.
      .addUniqueConstraint('webhook_deliveries_alert_url', ['alert_id', 'url'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_status_next')
      .ifNotExists()
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_created_id')
      .ifNotExists()
      .on('webhook_deliveries')
      .columns(['created_at', 'id'])
      .execute();

    await db.schema
      .createTable('alert_link_uses')
      .ifNotExists()
      .addColumn('mail_id', 'text', (c) => c.primaryKey())
      .addColumn('action', 'text', notNull)
      .addColumn('used_at', 'bigint', notNull)
      .execute();

    await db.schema
      .createTable('alert_settings')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', notNull)
      .execute();
  }
}
