/**
 * The databases the store's migrations and repositories are written for: SQLite (embedded
 * default) and PostgreSQL (scale-out). Only the migrations need to know which one they run on.
 */
export type SqlDialectName = 'sqlite' | 'postgres';
