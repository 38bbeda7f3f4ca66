import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** A stored model: its serialised form (tagged, versioned JSON) and when it was saved. */
export interface StoredModel {
  name: string;
  version: string;
  createdAt: number;
  body: string;
}

/** Trained models (isolation forest, autoencoder…), by name and version. Versions are immutable. */
export class ModelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Saves a version. Saving the same name, version and body again is a no-op (a retried
   * training job); a different body under an existing version is refused.
   *
   * @throws Error when the version exists with another body.
   */
  async save(name: string, version: string, body: string, createdAt: number = Date.now()): Promise<void> {
    const result = await this.db
      .insertInto('models')
      .values({ name, version, body, created_at: createdAt })
      .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) return;
    const existing = await this.get(name, version);
    if (existing !== undefined && existing.body !== body) {
      throw new Error(
        `model ${name} version ${version} exists already with another body; save a new version`,
      );
    }
  }

  async get(name: string, version: string): Promise<StoredModel | undefined> {
    const row = await this.db
      .selectFrom('models')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? undefined : toModel(row);
  }

  /** The most recently saved version of `name` (ties broken by version, highest text first). */
  async latest(name: string): Promise<StoredModel | undefined> {
    const row = await this.db
      .selectFrom('models')
      .selectAll()
      .where('name', '=', name)
      .orderBy('created_at', 'desc')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toModel(row);
  }
}

function toModel(row: {
  name: string;
  version: string;
  created_at: number | string;
  body: string;
}): StoredModel {
  return { name: row.name, version: row.version, createdAt: Number(row.created_at), body: row.body };
}
