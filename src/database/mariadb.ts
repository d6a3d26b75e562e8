import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { stopProcessGroup } from '../exec/process-group.js';
import { outputTail } from '../exec/process-result.js';
import { probeTcp } from '../health/tcp-check.js';
import { assertSqlName, mysqlConnection } from './connection-info.js';
import { adminSql, appAccountSql, installSystemTables } from './mariadb-admin.js';
import { findMariadbBinaries, installHint } from './find-server-binaries.js';
import { launchServer, logResult } from './launch-server.js';
import { serverEnv } from './server-env.js';
import { envFor, runAs, serviceUserFor } from './service-user.js';
import { assertSocketPath, ensureDataDir } from './data-dir.js';
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
  assertSqlName('database', options.database);
  assertSqlName('user', options.user);
  const bins = findMariadbBinaries();
  if (!bins) {
    throw new RepoRunnerError(
      'TOOLCHAIN_MISSING',
      'MariaDB (mariadb-install-db, mariadbd, mariadb) is not installed',
      installHint('mysql'),
    );
  }
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  const socket = path.join(dataDir, 'mysqld.sock');
  const o = { ...options, dataDir };
  assertSocketPath(socket);
  const runUser = await serviceUserFor('mysql');
  const initialized = ensureDataDir(dataDir, { marker: 'mysql', what: 'MariaDB', user: runUser });
  if (!initialized) await installSystemTables(bins, dataDir, runUser, o);
  const argv = [
    bins.server,
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    `--port=${o.port}`,
    `--bind-address=${host}`,
    '--skip-networking=0',
    '--skip-name-resolve',
    `--pid-file=${path.join(dataDir, 'mysqld.pid')}`,
  ];
  const pid = await launchServer({
    what: `MariaDB on ${host}:${o.port}`,
    argv: runAs(runUser, argv),
    cwd: dataDir,
    env: envFor(runUser, serverEnv()),
    logFile: o.logFile,
    isReady: async () =>
      (await probeTcp(host, o.port, 1000)).ok &&
      (await adminSql(bins, socket, 'select 1', o.signal)).stdout.trim() === '1',
    timeoutMs: o.readyTimeoutMs,
    signal: o.signal,
    onSpawn: o.onSpawn,
  });
  const created = await adminSql(bins, socket, appAccountSql(o), o.signal);
  logResult(o.logFile, {
    ...created,
    command: `${created.command} (create database ${o.database}, user ${o.user})`,
  });
  if (created.failed) {
    await stopProcessGroup(pid, 3000);
    throw new RepoRunnerError(
      'START_FAILED',
      `could not create database ${o.database} or user ${o.user}:\n${outputTail(created, 10).join('\n')}`,
      `read ${o.logFile}`,
    );
  }
  const { url, env } = mysqlConnection({
    host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
  });
  return {
    kind: 'mysql',
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
