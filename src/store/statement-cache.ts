import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Statements {@link cachingStatements} keeps by default: far more than the store's distinct queries. */
export const STATEMENT_CACHE_SIZE = 256;

/** The part of a better-sqlite3 `Database` that {@link cachingStatements} wraps. */
export interface PreparingDatabase {
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

/**
 * A database for kysely's `SqliteDialect` that prepares each distinct SQL text once: kysely
 * calls `database.prepare(sql)` for every query, and preparing (parsing and planning the
 * SQL) costs SQLite far more than running the small statements of the store does. Statements
 * are kept by SQL text in a least-recently-used map of at most `max` entries (the oldest is
 * dropped, and better-sqlite3 finalizes it when it is collected), so SQL that varies (e.g. an
 * `in` list of any length) cannot grow it without bound.
 *
 * Reusing a better-sqlite3 statement is safe: `all`/`run`/`iterate` bind the parameters
 * afresh and reset the statement when done, and a statement is only unusable while an
 * iterator on it is open, during which the connection refuses every other statement anyway
 * (kysely holds its one connection until a stream ends). A statement whose tables another
 * process alters is re-prepared by SQLite itself on its next run. `close()` forgets the
 * statements and closes the database.
 *
 * @example
 * new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(new BetterSqlite3(file)) }) });
 */
export function cachingStatements(
  db: PreparingDatabase,
  max = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) {
        // Most recently used last: a Map iterates in insertion order.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
    close(): void {
      cache.clear();
      db.close();
    },
  };
}
