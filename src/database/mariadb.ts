import path from 'node:path';
import { probeTcp } from '../health/tcp-check.js';
import { mysqlConnection } from './connection-info.js';
import { adminSql, appAccountSql, installSystemTables } from './mariadb-admin.js';
import { findMariadbBinaries } from './find-server-binaries.js';
import { logResult } from './launch-server.js';
import { appDatabaseReady, launchAs, prepareSqlServer } from './server-start.js';
import type { ProvisionedDatabase, StartDatabaseOptions } from './types.js';

/**
 * Starts a MariaDB server (MySQL protocol) for an app: creates the system tables when
 * `dataDir` is missing or empty, starts `mariadbd` as its own process group listening only
 * on 127.0.0.1:`port` with its socket at `<dataDir>/mysqld.sock`, waits until `select 1`
 * works, then creates `database` and `user` with its password (see appAccountSql).
 * A second start reuses the data.
 *
 * As root, the install script and the server run as the `mysql` system user through
 * `setpriv` (see ensureDataDir for the data dir's ownership).
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING`, `BAD_INPUT` or `START_FAILED` (with the log tail).
 * @example
 * const db = await startMariadb({ dataDir, port: 53306, database: 'app', user: 'app', password: 'pw', logFile });
 * db.url; // 'mysql://app:pw@127.0.0.1:53306/app'
 */
export async function startMariadb(options: StartDatabaseOptions): Promise<ProvisionedDatabase> {
  const server = await prepareSqlServer(options, {
    kind: 'mysql',
    bins: findMariadbBinaries(),
    missing: 'MariaDB (mariadb-install-db, mariadbd, mariadb) is not installed',
    account: 'mysql',
    marker: 'mysql',
    what: 'MariaDB',
    socket: (dataDir) => path.join(dataDir, 'mysqld.sock'),
    init: (s) => installSystemTables(s),
  });
  const { bins, host, dataDir, socket, o } = server;
  const argv = [
    bins.server,
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    `--port=${o.listenPort ?? o.port}`,
    `--bind-address=${host}`,
    '--skip-networking=0',
    '--skip-name-resolve',
    `--pid-file=${path.join(dataDir, 'mysqld.pid')}`,
  ];
  const pid = await launchAs(server.runUser, o, {
    what: `MariaDB on ${host}:${o.port}`,
    argv,
    cwd: dataDir,
    writable: [...new Set([dataDir, path.dirname(socket)])],
    isReady: async () =>
      (await probeTcp(host, o.port, 1000)).ok &&
      (await adminSql(bins, socket, 'select 1', o.signal)).stdout.trim() === '1',
  });
  const created = await adminSql(bins, socket, appAccountSql(o), o.signal);
  logResult(o.logFile, {
    ...created,
    command: `${created.command} (create database ${o.database}, user ${o.user})`,
  });
  return appDatabaseReady(
    server,
    pid,
    created,
    `could not create database ${o.database} or user ${o.user}`,
    mysqlConnection,
  );
}
