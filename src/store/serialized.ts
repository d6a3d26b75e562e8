import type { Kysely } from 'kysely';
import { storeDialect } from './dialect.js';
import type { Database } from './schema.js';

/** The store's kysely instance or a transaction on it: what every query module takes. */
export type StoreDb = Kysely<Database>;

/**
 * Runs a check-and-write so that concurrent callers taking the same lock run it one at a
 * time, on both dialects:
 * - PostgreSQL: in a transaction, after `lock` (a `select … for update` of one row, held to
 *   commit). Under READ COMMITTED each later statement sees what earlier holders committed.
 * - SQLite: `fn` as is. `fn` must make its decision and its write in ONE statement (an
 *   `insert … select … where <check>`): SQLite takes the database write lock when a write
 *   statement starts, so that statement is atomic across connections and processes. No
 *   multi-statement transaction here on purpose: with better-sqlite3 a connection waiting for
 *   the write lock blocks the whole thread, so two connections in one process would wait on
 *   each other until the busy timeout.
 */
export async function serialized<T>(
  db: StoreDb,
  lock: (trx: StoreDb) => Promise<void>,
  fn: (db: StoreDb) => Promise<T>,
): Promise<T> {
  if (storeDialect(db as unknown as Kysely<unknown>) === 'sqlite') return fn(db);
  return db.transaction().execute(async (trx) => {
    await lock(trx);
    return fn(trx);
  });
}

/** Locks a user's row (PostgreSQL `select … for update`); no row when the user is gone. */
export async function lockUser(trx: StoreDb, userId: string): Promise<void> {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** Locks the `register` row of `auth_locks`, which serialises registrations. */
export async function lockRegistrations(trx: StoreDb): Promise<void> {
  await trx
    .selectFrom('auth_locks')
    .select('name')
    .where('name', '=', 'register')
    .forUpdate()
    .execute();
}
