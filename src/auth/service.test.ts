import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe } from 'node:test';
import { sql } from 'kysely';
import { openPostgresStore } from '../store/postgres.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { postgresForTests } from '../store/temp-postgres.test-kit.js';
import { authConformance } from './conformance.test-kit.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-auth-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
let latestFile = '';

authConformance({ name: 'sqlite :memory:', open: () => openSqliteStore(':memory:') });

authConformance({
  name: 'sqlite file, two instances',
  open: () => openSqliteStore((latestFile = path.join(tmp, `auth-${++files}.db`))),
  openSecond: () => openSqliteStore(latestFile),
});

/**
 * Empties every table but the migration bookkeeping and the `auth_locks` rows the migration
 * wrote: ~15 ms, where a new migrated database per test costs ~300 ms.
 */
async function emptyPostgres(store: Store): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = current_schema() and tablename not like 'kysely%' and tablename <> 'auth_locks'`.execute(
    store.db,
  );
  const tables = rows.map((r) => sql.table(r.tablename));
  await sql`truncate ${sql.join(tables)} restart identity cascade`.execute(store.db);
}

const pg = await postgresForTests();
let url: string | undefined;
describe('PostgreSQL', { skip: pg.skip }, () => {
  authConformance({
    name: 'postgres, two pools',
    async open() {
      if (url) {
        const store = await openPostgresStore(url);
        await emptyPostgres(store);
        return store;
      }
      return openPostgresStore((url = await pg.createDatabase()));
    },
    openSecond: () => openPostgresStore(url!),
  });
});
