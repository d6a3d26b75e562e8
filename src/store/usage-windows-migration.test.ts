import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { usageOperations } from './usage.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { usageWindowsMigration } from './usage-windows-migration.js';
import { postgresForTests } from './temp-postgres.test-kit.js';

const pg = await postgresForTests();

/** Migrates `db` to 0003, writes usage the old way, migrates to the latest: totals must stay. */
async function keepsTotals(db: Kysely<Database>, crashBeforeRecord = false): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    allowUnorderedMigrations: true,
  });
  assert.equal((await migrator.migrateTo('0003_users')).error, undefined);
  const t = '2030-01-01T10:00:00.000Z';
  for (const id of ['a', 'b', 'c'])
    await db
      .insertInto('users')
      .values({
        id,
        username: id.repeat(3),
        username_key: id.repeat(3),
        password_hash: 'x',
        tier: 'free',
        blocked: 0,
        created_at: t,
        updated_at: t,
      })
      .execute();
  // Before 0004 every allowed request added to both its window and user_usage.requests.
  const oldUsage = (user_id: string, requests: number, runs: number) =>
    db
      .insertInto('user_usage')
      .values({ user_id, requests, runs, agent_calls: 0, updated_at: t })
      .execute();
  await oldUsage('a', 12, 2);
  await oldUsage('b', 4, 0);
  await db
    .insertInto('rate_windows')
    .values([
      { user_id: 'a', window_start: '2030-01-01T09:00:00.000Z', count: 3 },
      { user_id: 'a', window_start: t, count: 5 },
    ])
    .execute();
  // A crash after the migration committed but before the Migrator recorded it: the Migrator
  // runs it again on the next open, which must not adjust the counts twice.
  if (crashBeforeRecord) await usageWindowsMigration.up(db as unknown as Kysely<unknown>);
  assert.equal((await migrator.migrateToLatest()).error, undefined);
  const requests = async (id: string) => (await usageOperations(db).readUsage(id))?.requests;
  assert.equal(await requests('a'), 12);
  assert.equal((await usageOperations(db).readUsage('a'))?.runs, 2);
  assert.equal(await requests('b'), 4);
  assert.equal(await requests('c'), 0);
  assert.equal(
    (
      await db
        .selectFrom('user_usage')
        .select('requests')
        .where('user_id', '=', 'a')
        .executeTakeFirstOrThrow()
    ).requests,
    4,
    'the live windows are counted from the windows now',
  );
}

describe('migration 0004_usage_from_windows', () => {
  it('keeps every user total on SQLite', async () => {
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    try {
      await keepsTotals(db);
    } finally {
      await db.destroy();
    }
  });

  it('adjusts the totals once on SQLite when it ran but was not recorded (crash)', async () => {
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    try {
      await keepsTotals(db, true);
    } finally {
      await db.destroy();
    }
  });

  it('keeps every user total on PostgreSQL', { skip: pg.skip }, async () => {
    const { default: pgModule } = await import('pg');
    const pool = new pgModule.Pool({ connectionString: await pg.createDatabase(), max: 2 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await keepsTotals(db);
    } finally {
      await db.destroy();
    }
  });
});
