import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { cachingStatements } from './statement-cache.js';
import type { Store } from '../model/store.js';
import { kyselyStore } from './kysely-store.js';

/**
 * How long a write waits for another connection's write lock before failing with "database
 * is locked", ms: 15 000. Every write here is one short statement, but on a 2-core machine
 * at load 10 (a CI run beside two benchmarks) a run once failed at the old 5 s while its
 * supervisor and CLI wrote at once. better-sqlite3 blocks its thread while it waits, so this
 * is a last resort against failing a run, not a queue.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * Opens (creating when missing) the embedded SQLite store at `file` (`:memory:` for tests) and
 * migrates it. WAL mode and a {@link SQLITE_BUSY_TIMEOUT_MS} busy timeout let the CLI, a
 * detached supervisor and other runs share the file.
 *
 * `synchronous = NORMAL`: in WAL mode SQLite then syncs the WAL only at checkpoints instead of
 * at every commit, which takes an fsync off every write (each API request writes its rate
 * window). What it costs, per the SQLite docs: the database stays consistent and cannot be
 * corrupted; a transaction survives a crash of the application (even `kill -9`), but the
 * last transactions committed before a power failure or an OS crash may be rolled back.
 * "WAL mode is always consistent with synchronous=NORMAL, but WAL mode does lose
 * durability" and "synchronous=NORMAL setting is a good choice for most applications
 * running in WAL mode" (https://www.sqlite.org/pragma.html#pragma_synchronous; also
 * https://www.sqlite.org/wal.html, "Performance Considerations"). The setting is per
 * connection, so every process opening the store sets it here. Statements are prepared once
 * per SQL text and reused (`cachingStatements`).
 *
 * @throws Error when the file cannot be opened or a migration fails.
 */
export async function openSqliteStore(file: string): Promise<Store> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  const store = kyselyStore(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) }),
  );
  await store.migrate();
  return store;
}
