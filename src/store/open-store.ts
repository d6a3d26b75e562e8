import { RepoRunnerError } from '../model/errors.js';
import { storeFile } from '../model/paths.js';
import type { Store } from '../model/store.js';

/** The environment variable that moves the store to PostgreSQL. */
export const DATABASE_URL_VAR = 'REPO_RUNNER_DATABASE_URL';

/** Where the store lives: the SQLite file in the home directory, or a PostgreSQL database. */
export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Options of {@link openStore} and {@link storeLocation}. */
export interface OpenStoreOptions {
  /** Repo Runner's data directory (`repoRunnerHome()`); the SQLite file goes in it. */
  home: string;
  /** Where `REPO_RUNNER_DATABASE_URL` is read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** `value` with any `user:password@` hidden, for a message about a URL we could not use. */
function shown(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Decides where the store lives, without opening it: PostgreSQL when `REPO_RUNNER_DATABASE_URL`
 * is a `postgres://` or `postgresql://` URL, the SQLite file `storeFile(home)` when it is
 * unset or empty.
 *
 * @throws RepoRunnerError `BAD_INPUT` when the variable is set to anything else (not a URL,
 * or another scheme), naming what was wrong and what to set instead.
 */
export function storeLocation({ home, env = process.env }: OpenStoreOptions): StoreLocation {
  const value = env[DATABASE_URL_VAR]?.trim();
  if (!value) return { kind: 'sqlite', file: storeFile(home) };
  const fix = `set ${DATABASE_URL_VAR} to postgresql://user:password@host:5432/database, or unset it to use the SQLite store ${storeFile(home)}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${DATABASE_URL_VAR} is not a URL: ${shown(value)}`,
      `${fix} (percent-encode special characters in the password)`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${DATABASE_URL_VAR} has the scheme ${url.protocol}//; the store runs on PostgreSQL (postgres:// or postgresql://) or SQLite`,
      fix,
    );
  }
  return { kind: 'postgres', url: value };
}

/**
 * Opens and migrates the store where {@link storeLocation} says. Each backend's driver is
 * loaded only when used: SQLite users never load `pg`, PostgreSQL users never load
 * better-sqlite3. Close the store when done.
 *
 * @throws RepoRunnerError `BAD_INPUT` (bad `REPO_RUNNER_DATABASE_URL`), `DATABASE_FAILED`
 * (PostgreSQL unreachable or refusing the login); Error when a migration fails.
 * @example
 * const store = await openStore({ home: repoRunnerHome() });
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const location = storeLocation(options);
  if (location.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(location.url);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(location.file);
}
