import { sql } from 'kysely';
import type { Store } from '../model/store.js';
import { kyselyOf } from './kysely-store.js';
import type { Database } from './schema.js';

/*
 * For tests only: looks at a store's tables directly, to prove what no operation shows
 * (nothing written by a refused request, no token kept in clear). Lives in `src/store/` so
 * that SQL stays here; production code has only the operations of `Store`.
 */

/** Row counts of `tables`, by table. */
export async function tableRowCounts(
  store: Store,
  tables: ReadonlyArray<keyof Database>,
): Promise<Record<string, number>> {
  const db = kyselyOf(store);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const { n } = await db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(n);
  }
  return out;
}

/** Every row of `table`, as stored. */
export async function tableRows<T extends keyof Database>(
  store: Store,
  table: T,
): Promise<unknown[]> {
  return kyselyOf(store).selectFrom(table).selectAll().execute();
}

/**
 * Opens up to `n` pool connections (on PostgreSQL) by running `n` trivial statements at
 * once, so that a race that follows is not serialised by connection set-up.
 */
export async function warmConnections(store: Store, n: number): Promise<void> {
  const db = kyselyOf(store);
  await Promise.all(Array.from({ length: n }, () => sql`select 1`.execute(db)));
}

/**
 * Empties every table of a PostgreSQL store but the migration bookkeeping and the
 * `auth_locks` rows the migration wrote: ~15 ms, where a new migrated database costs ~300 ms.
 */
export async function emptyPostgresStore(store: Store): Promise<void> {
  const db = kyselyOf(store);
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = current_schema() and tablename not like 'kysely%' and tablename <> 'auth_locks'`.execute(
    db,
  );
  const tables = rows.map((r) => sql.table(r.tablename));
  await sql`truncate ${sql.join(tables)} restart identity cascade`.execute(db);
}
