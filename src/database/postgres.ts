import path from 'node:path';
import { postgresConnection } from './connection-info.js';
import { findPostgresBinaries } from './find-server-binaries.js';
import { logResult } from './launch-server.js';
import { initPostgresCluster } from './postgres-cluster.js';
import { answersAsApp, createAppDatabase } from './postgres-client.js';
import { appDatabaseReady, launchAs, prepareSqlServer } from './server-start.js';
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
  const server = await prepareSqlServer(options, {
    kind: 'postgres',
    bins: findPostgresBinaries(),
    missing: 'PostgreSQL (initdb, postgres, psql) is not installed',
    account: 'postgres',
    marker: 'PG_VERSION',
    what: 'PostgreSQL',
    socket: (dataDir, port) => path.join(dataDir, `.s.PGSQL.${port}`),
    init: (s) => initPostgresCluster(s),
  });
  const { bins, host, dataDir, o } = server;
  const argv = [
    bins.postgres,
    '-D',
    dataDir,
    '-p',
    String(o.listenPort ?? o.port),
    '-k',
    path.dirname(server.socket),
    '-c',
    `listen_addresses=${host}`,
  ];
  const pid = await launchAs(server.runUser, o, {
    what: `PostgreSQL on ${host}:${o.port}`,
    argv,
    cwd: dataDir,
    writable: [...new Set([dataDir, path.dirname(server.socket)])],
    isReady: () => answersAsApp(bins, o, host),
  });
  const created = await createAppDatabase(bins, o, host);
  logResult(o.logFile, created);
  return appDatabaseReady(
    server,
    pid,
    created,
    `could not create database ${o.database}`,
    postgresConnection,
  );
}
