import { Migrator, type Kysely } from 'kysely';
import type { Store } from '../model/store.js';
import { auditOperations } from './audit-log.js';
import { agentSpecOperations } from './agent-specs.js';
import { fixMemoryOperations } from './fix-memory.js';
import { orchestratorOperations } from './orchestrators.js';
import { loginThrottleOperations } from './login-throttle.js';
import { migrationProvider } from './migrations.js';
import { resourceOperations } from './resources.js';
import { runOperations } from './runs.js';
import type { Database } from './schema.js';
import { tokenOperations } from './tokens.js';
import { usageOperations } from './usage.js';
import { userOperations } from './users.js';

// The kysely instance behind each store, for the store's own test helpers only
// (`inspect.test-kit.ts`): nothing outside `src/store/` reaches the database.
const instances = new WeakMap<Store, Kysely<Database>>();

/** The kysely instance behind a store this module made. For `src/store/` only. */
export function kyselyOf(store: Store): Kysely<Database> {
  const db = instances.get(store);
  if (!db) throw new Error('not a kysely store');
  return db;
}

/**
 * The one implementation of {@link Store}: every operation written with kysely, so it
 * serves SQLite (`sqlite.ts`) and PostgreSQL (`postgres.ts`) alike; `open-store.ts` picks
 * one. Safe to share between processes: SQLite runs in WAL mode with a busy timeout,
 * PostgreSQL has row locks, and every check-and-write is one statement (see
 * `serialized.ts`). The kysely instance stays private to the store.
 */
export function kyselyStore(db: Kysely<Database>): Store {
  const store: Store = {
    ...runOperations(db),
    ...resourceOperations(db),
    ...fixMemoryOperations(db),
    ...agentSpecOperations(db),
    ...orchestratorOperations(db),
    ...userOperations(db),
    ...tokenOperations(db),
    ...usageOperations(db),
    ...loginThrottleOperations(db),
    ...auditOperations(db),
    migrate: () => migrate(db),
    close: () => db.destroy(),
  };
  instances.set(store, db);
  return store;
}

async function migrate(db: Kysely<Database>): Promise<void> {
  // Two processes opening a new store at once (a run and a `status`) can race: the loser's
  // transaction read the schema before the winner committed, and fails. The winner's
  // migrations are then done, so trying again (up to 5 times, 200 ms apart) succeeds.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { error, results } = await new Migrator({
      db,
      provider: migrationProvider,
      // Migrations are named by what they add, not only by order, and features land on
      // branches: a store that has a later one may meet an earlier name for the first time.
      allowUnorderedMigrations: true,
    }).migrateToLatest();
    if (!error) return;
    lastError = new Error(
      `store migration ${results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'} failed: ${(error as Error).message ?? String(error)}`,
    );
    await new Promise((r) => setTimeout(r, 200));
  }
  throw lastError;
}
