import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import getPort from 'get-port';
import { RepoRunnerError } from '../model/errors.js';
import { serverSkipReason } from '../database/install-server-packages.js';
import { startPostgres } from '../database/postgres.js';
import type { ProvisionedDatabase } from '../database/types.js';
import { stopProcessGroup } from '../exec/process-group.js';

/** A throwaway PostgreSQL server for tests. */
export interface TestPostgres {
  /** Superuser URL of its `rr_test` database: `postgresql://rr_test:…@127.0.0.1:<port>/rr_test`. */
  url: string;
  /** A URL to a new, empty database on this server (`CREATE DATABASE`, about 20 ms). */
  createDatabase(): Promise<string>;
  /** Stops the server (its whole process group) and deletes its data. Safe to call twice. */
  stop(): Promise<void>;
}

/** Runs `statement` on `url` with a single pg connection (pg loaded lazily). */
async function execute(url: string, statement: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Starts a PostgreSQL server for tests with the project's own starter (`startPostgres`: initdb
 * in a temp dir, 127.0.0.1 on a free port, as the `postgres` user when we are root), tuned for
 * speed (no fsync: the data is thrown away). Takes about 1.5 s. Call `stop()` when done.
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING` without PostgreSQL (see {@link postgresSkipReason}),
 * `START_FAILED` when it does not come up.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-pgtest-'));
  const password = randomBytes(12).toString('hex');
  let pid = 0;
  try {
    let db: ProvisionedDatabase | undefined;
    // Another test process may take the port between getPort and the bind: try another one.
    for (let attempt = 1; !db; attempt++) {
      const port = await getPort({ host: '127.0.0.1', exclude: [5432] });
      db = await startPostgres({
        database: 'rr_test',
        user: 'rr_test',
        password,
        port,
        dataDir: path.join(dir, 'data'),
        logFile: path.join(dir, 'server.log'),
        onSpawn: (p) => (pid = p),
      }).catch((err: unknown) => {
        const portTaken = err instanceof RepoRunnerError && err.code === 'START_FAILED';
        if (attempt >= 3 || !portTaken) throw err;
        return undefined;
      });
    }
    for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes']) {
      await execute(db.url, `alter system set ${setting} = off`);
    }
    await execute(db.url, 'select pg_reload_conf()');
    let databases = 0;
    let stopped = false;
    const url = db.url;
    return {
      url,
      async createDatabase() {
        const name = `rr_test_${++databases}`;
        await execute(url, `create database ${name}`);
        const u = new URL(url);
        u.pathname = `/${name}`;
        return u.toString();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcessGroup(pid, 3000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (pid) await stopProcessGroup(pid, 3000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Why PostgreSQL tests cannot run here, or false when they can. Installs Debian's packages
 * first when root (as the database tests do). With `CI=true` a missing server throws: CI
 * must never skip them silently.
 */
export const postgresSkipReason = (): Promise<string | false> => serverSkipReason('postgres');

/** What {@link postgresForTests} gives a test file. */
export interface PostgresForTests {
  /** Pass as `{ skip }` to `describe`/`it`: a reason when PostgreSQL is missing, else false. */
  skip: string | false;
  /** A new, empty database on the file's one server (started on first call), as a URL. */
  createDatabase(): Promise<string>;
}

/**
 * One PostgreSQL server per test file, started lazily on the first `createDatabase()` and
 * stopped by an `after` hook registered here: call it once at the top level of the file.
 * Give each test its own database for isolation.
 *
 * @throws Error when `CI=true` and PostgreSQL is missing (see {@link postgresSkipReason}).
 * @example
 * const pg = await postgresForTests();
 * describe('users on postgres', { skip: pg.skip }, () => {
 *   it('works', async () => { const store = await openPostgresStore(await pg.createDatabase()); ... });
 * });
 */
export async function postgresForTests(): Promise<PostgresForTests> {
  const skip = await postgresSkipReason();
  let server: Promise<TestPostgres> | undefined;
  after(async () => {
    if (server) await (await server.catch(() => null))?.stop();
  });
  return {
    skip,
    createDatabase: async () => {
      if (skip) throw new Error(`PostgreSQL tests should have been skipped: ${skip}`);
      server ??= startTestPostgres();
      return (await server).createDatabase();
    },
  };
}
