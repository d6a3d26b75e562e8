import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { Store } from './store.js';

/**
 * Opens (creating when missing) the embedded SQLite store at `file` (`:memory:` for tests) and
 * migrates it. WAL mode and a 5 s busy timeout let the CLI, a detached supervisor and other
 * runs share the file.
 *
 * @throws Error when the file cannot be opened or a migration fails.
 */
export async function openSqliteStore(file: string): Promise<Store> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const store = new Store(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
  );
  await store.migrate();
  return store;
}
