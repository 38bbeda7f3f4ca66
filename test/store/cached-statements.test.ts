import { describe, expect, it } from 'vitest';
import { type CacheableStatement, withStatementCache } from '../../src/store/cached-statements.js';

function fakeDatabase() {
  const prepared: string[] = [];
  let closed = false;
  const statements: (CacheableStatement & { busy: boolean; sql: string })[] = [];
  return {
    prepared,
    statements,
    isClosed: () => closed,
    db: {
      prepare(sql: string) {
        prepared.push(sql);
        const statement = {
          sql,
          busy: false,
          reader: sql.startsWith('select'),
          all: () => [],
          run: () => ({ changes: 0, lastInsertRowid: 0 }),
          iterate: () => [][Symbol.iterator](),
        };
        statements.push(statement);
        return statement;
      },
      close() {
        closed = true;
      },
    },
  };
}

describe('withStatementCache', () => {
  it('prepares each SQL text once', () => {
    const fake = fakeDatabase();
    const db = withStatementCache(fake.db);
    const a = db.prepare('select 1');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 2');
    expect(fake.prepared).toEqual(['select 1', 'select 2']);
  });

  it('prepares a fresh statement while the cached one is still being iterated', () => {
    const fake = fakeDatabase();
    const db = withStatementCache(fake.db);
    const a = db.prepare('select 1');
    (a as unknown as { busy: boolean }).busy = true;
    expect(db.prepare('select 1')).not.toBe(a);
    expect(fake.prepared).toEqual(['select 1', 'select 1']);
  });

  it('drops the least recently used statement beyond its capacity', () => {
    const fake = fakeDatabase();
    const db = withStatementCache(fake.db, 2);
    db.prepare('select a');
    db.prepare('select b');
    db.prepare('select a');
    db.prepare('select c'); // evicts b, the least recently used
    db.prepare('select a');
    db.prepare('select b');
    expect(fake.prepared).toEqual(['select a', 'select b', 'select c', 'select b']);
  });

  it('starts transactions with BEGIN IMMEDIATE, and closes the database', () => {
    const fake = fakeDatabase();
    const db = withStatementCache(fake.db);
    db.prepare('begin');
    expect(fake.prepared).toEqual(['begin immediate']);
    db.close();
    expect(fake.isClosed()).toBe(true);
  });
});
