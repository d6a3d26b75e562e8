import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { stopProcessGroup } from '../exec/process-group.js';
import { outputTail } from '../exec/process-result.js';
import { assertSqlName, postgresConnection } from './connection-info.js';
import { findPostgresBinaries, installHint } from './find-server-binaries.js';
import { launchServer, logResult } from './launch-server.js';
import { initPostgresCluster } from './postgres-cluster.js';
import { answersAsApp, createAppDatabase } from './postgres-client.js';
import { serverEnv } from './server-env.js';
import { envFor, runAs, serviceUserFor } from './service-user.js';
import { assertSocketPath, ensureDataDir } from './data-dir.js';
import type { ProvisionedDatabase, StartDatabaseOptions } from './types.js';

/**
 * Starts a PostgreSQL server for an app: initialises `dataDir` when it is missing or empty
 * (initdb, `user` as the superuser with `password`), starts `postgres` as its own process
 * group listening only on 127.0.0.1:`port` with its Unix socket in `dataDir`, waits until
 * `select 1` works over TCP with the password, then creates `database` owned by `user`
 * unless it exists. A second start on the same `dataDir` reuses the cluster and its data.
 *
 * As root: PostgreSQL refuses to run as root, so initdb and the server run as the `postgres`
 * system user (created by Debian's package) through `setpriv`; `dataDir` is chowned to it,
 * and ancestors it cannot enter get `o+x` (see ensureDataDir).
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING` (no PostgreSQL), `BAD_INPUT` (bad names, or a
 * non-empty dataDir that is not a cluster), `START_FAILED` (with the log tail).
 * @example
 * const db = await startPostgres({ dataDir, port: 55432, database: 'app', user: 'app', password: 'pw', logFile });
 * db.env.DATABASE_URL; // 'postgresql://app:pw@127.0.0.1:55432/app'
 */
export async function startPostgres(options: StartDatabaseOptions): Promise<ProvisionedDatabase> {
  assertSqlName('database', options.database);
  assertSqlName('user', options.user);
  const bins = findPostgresBinaries();
  if (!bins) {
    throw new RepoRunnerError(
      'TOOLCHAIN_MISSING',
      'PostgreSQL (initdb, postgres, psql) is not installed',
      installHint('postgres'),
    );
  }
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  const o = { ...options, dataDir };
  assertSocketPath(path.join(dataDir, `.s.PGSQL.${o.port}`));
  const runUser = await serviceUserFor('postgres');
  const initialized = ensureDataDir(dataDir, {
    marker: 'PG_VERSION',
    what: 'PostgreSQL',
    user: runUser,
  });
  if (!initialized) await initPostgresCluster(bins, dataDir, runUser, o);
  const argv = [
    bins.postgres,
    '-D',
    dataDir,
    '-p',
    String(o.port),
    '-k',
    dataDir,
    '-c',
    `listen_addresses=${host}`,
  ];
  const pid = await launchServer({
    what: `PostgreSQL on ${host}:${o.port}`,
    argv: runAs(runUser, argv),
    cwd: dataDir,
    env: envFor(runUser, serverEnv()),
    logFile: o.logFile,
    isReady: () => answersAsApp(bins, o, host),
    timeoutMs: o.readyTimeoutMs,
    signal: o.signal,
    onSpawn: o.onSpawn,
  });
  const created = await createAppDatabase(bins, o, host);
  logResult(o.logFile, created);
  if (created.failed) {
    await stopProcessGroup(pid, 3000);
    throw new RepoRunnerError(
      'START_FAILED',
      `could not create database ${o.database}:\n${outputTail(created, 10).join('\n')}`,
      `read ${o.logFile}`,
    );
  }
  const { url, env } = postgresConnection({
    host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
  });
  return {
    kind: 'postgres',
    url,
    host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    pid,
    dataDir,
    env,
  };
}
