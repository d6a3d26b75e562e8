import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from '../model/store.js';
import { postgresForTests } from './temp-postgres.test-kit.js';

/** One store backend, for tests that must pass on every backend. */
export interface TestStoreBackend {
  name: 'sqlite' | 'postgres';
  /** Pass as `{ skip }` to `describe`: why this backend cannot run here, or false. */
  skip: string | false;
  /** A fresh, migrated, empty store of its own (close it when done). */
  open(): Promise<Store>;
}

/**
 * SQLite (`:memory:`) and PostgreSQL (a new database per `open()`, on one server per test
 * file, started on first use and stopped after the file). Call it once, at the top level of
 * the test file; on a machine without PostgreSQL its backend is skipped with the reason
 * (with `CI=true` that throws instead, see `postgresSkipReason`).
 *
 * @example
 * for (const backend of await testStoreBackends()) {
 *   describe(`users on ${backend.name}`, { skip: backend.skip }, () => {
 *     it('creates a user', async () => {
 *       const store = await backend.open();
 *       try { ... } finally { await store.close(); }
 *     });
 *   });
 * }
 */
export async function testStoreBackends(): Promise<TestStoreBackend[]> {
  const pg = await postgresForTests();
  return [
    { name: 'sqlite', skip: false, open: () => openSqliteStore(':memory:') },
    {
      name: 'postgres',
      skip: pg.skip,
      open: async () => openPostgresStore(await pg.createDatabase()),
    },
  ];
}
