import { sql, type Kysely, type Migration } from 'kysely';
import { storeDialect } from './dialect.js';

/** The whole of the migration (see below). */
async function addColumnAndAdjust(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('user_usage')
    .addColumn('requests_folded_before', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`
    update user_usage set requests = requests - coalesce(
      (select sum(w.count) from rate_windows w where w.user_id = user_usage.user_id), 0)`.execute(
    db,
  );
}

/**
 * Migration `0004_usage_from_windows`: a user's lifetime request count is no longer written
 * on every request (a second write per request) but derived from the rate windows, which
 * every request writes anyway (`src/auth/rate-limit.ts`):
 * `requests = user_usage.requests + sum(count of the user's rate_windows from
 * user_usage.requests_folded_before on)`. Windows older than that are folded into
 * `user_usage.requests` now and then (`foldRequests` in `src/auth/quota-store.ts`).
 *
 * Adds `user_usage.requests_folded_before` (ISO time; `''`, before every window, when
 * nothing was folded yet) and takes the counts of the windows already stored out of
 * `user_usage.requests`, which used to include them, so every user's total stays the same.
 */
export const usageWindowsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // PostgreSQL: the Migrator runs this and its own record in one transaction. SQLite: it
    // runs migrations outside any transaction, so this one takes its own, and a retry after a
    // crash between that commit and the Migrator's record finds the column and stops, so the
    // counts are adjusted exactly once.
    if (storeDialect(db) === 'postgres') return addColumnAndAdjust(db);
    const { rows } = await sql<{
      name: string;
    }>`select name from pragma_table_info('user_usage')`.execute(db);
    if (rows.some((r) => r.name === 'requests_folded_before')) return;
    await db.transaction().execute(addColumnAndAdjust);
  },
  async down(db: Kysely<unknown>) {
    await sql`
      update user_usage set requests = requests + coalesce(
        (select sum(w.count) from rate_windows w
          where w.user_id = user_usage.user_id
            and w.window_start >= user_usage.requests_folded_before), 0)`.execute(db);
    await db.schema.alterTable('user_usage').dropColumn('requests_folded_before').execute();
  },
};
