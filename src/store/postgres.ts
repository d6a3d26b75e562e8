import { Kysely, PostgresDialect, sql } from 'kysely';
import type { CustomTypesConfig } from 'pg';
import { RepoRunnerError } from '../model/errors.js';
import type { Database } from './schema.js';
import type { Store } from '../model/store.js';
import { kyselyStore } from './kysely-store.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Most connections the pool opens at once. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection, in ms, before failing. Default 10 000. */
  connectTimeoutMs?: number;
}

/** `url` with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}

/** PostgreSQL's `int8` (bigint, `count(*)`): pg gives strings, SQLite gives numbers. */
const INT8_OID = 20;

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 ${text} does not fit a JS number`);
  return n;
}

/**
 * Opens the store in the PostgreSQL database at `url` (`postgres://user:pass@host:port/db`;
 * every form `pg` accepts, e.g. `?sslmode=require`) through a `pg` Pool, checks that it
 * answers, and migrates it (same migration set as SQLite; concurrent openers are serialised
 * by kysely's advisory lock). `int8` values come back as JS numbers, as on SQLite. `pg` is
 * loaded on first call only. `close()` on the store ends the pool.
 *
 * @throws RepoRunnerError `DATABASE_FAILED` when the server cannot be reached or refuses
 * the login (the message has the URL without its password); Error when a migration fails.
 * @example
 * const store = await openPostgresStore('postgresql://rr:pw@127.0.0.1:5432/repo_runner');
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<Store> {
  const { default: pg } = await import('pg');
  const types: CustomTypesConfig = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? parseInt8
        : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'repo-runner',
    types,
  });
  // An idle connection that breaks (server restart) is dropped from the pool and emits
  // 'error'; unhandled, that would kill the CLI or a supervisor. The next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = kyselyStore(db);
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await store.close();
    throw new RepoRunnerError(
      'DATABASE_FAILED',
      `cannot use the PostgreSQL store at ${redactUrl(url)}: ${(err as Error).message}`,
      'check that the server runs and that REPO_RUNNER_DATABASE_URL has the right host, port, user, password and database',
      { cause: err },
    );
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
