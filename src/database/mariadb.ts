import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoRunnerError } from '../core/errors.js';
import { stopProcessGroup } from '../exec/process-group.js';
import { outputTail } from '../exec/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { probeTcp } from '../health/tcp-check.js';
import { assertSqlName, mysqlConnection, sqlStringLiteral } from './connection-info.js';
import { findMariadbBinaries, installHint, type MariadbBinaries } from './find-server-binaries.js';
import { launchServer } from './launch-server.js';
import { logResult } from './postgres-cluster.js';
import { serverEnv } from './server-env.js';
import { envFor, prepareDataDir, runAs, serviceUserFor, type ServiceUser } from './service-user.js';
import type { ProvisionedDatabase, StartDatabaseOptions } from './types.js';

/** The MariaDB account we administer through: root as root, else our own login name. */
const adminUser = () => (process.getuid?.() === 0 ? 'root' : os.userInfo().username);

/** SQL over the server's Unix socket as {@link adminUser} (unix_socket auth: no password). */
function adminSql(bins: MariadbBinaries, socket: string, sql: string, signal?: AbortSignal) {
  const argv = [bins.client, '--no-defaults', `--socket=${socket}`, '-u', adminUser(), '-N', '-B'];
  return runCommand(argv, {
    cwd: os.tmpdir(),
    env: serverEnv(),
    timeoutMs: 15_000,
    signal,
    input: sql,
  });
}

/**
 * Creates the system tables in the empty `dataDir`. The MariaDB root account and one for
 * {@link adminUser} log in only through the Unix socket by OS identity (`unix_socket`), so
 * no passwordless account is reachable over TCP.
 */
async function installSystemTables(
  bins: MariadbBinaries,
  dataDir: string,
  runUser: ServiceUser | null,
  o: StartDatabaseOptions,
) {
  const argv = [
    bins.installDb,
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=socket',
    `--auth-root-socket-user=${adminUser()}`,
    '--skip-test-db',
    '--skip-name-resolve',
  ];
  const result = await runCommand(runAs(runUser, argv), {
    cwd: dataDir,
    env: envFor(runUser, serverEnv()),
    timeoutMs: 120_000,
    signal: o.signal,
  });
  logResult(o.logFile, result);
  if (result.failed) {
    throw new RepoRunnerError(
      'START_FAILED',
      `${path.basename(bins.installDb)} failed in ${dataDir}:\n${outputTail(result, 15).join('\n')}`,
      `check that ${dataDir} is writable by the server's user and try again`,
      { details: { result } },
    );
  }
}

/**
 * Starts a MariaDB server (MySQL protocol) for an app: creates the system tables when
 * `dataDir` is missing or empty, starts `mariadbd` as its own process group listening only
 * on 127.0.0.1:`port` with its socket at `<dataDir>/mysqld.sock`, waits until `select 1`
 * works, then creates `database` and `user` (for `%` and `localhost`) and sets its password.
 * The user gets all privileges on every database (the server is the app's alone; test
 * runners create `test_<db>`). A second start reuses the data.
 *
 * As root, the install script and the server run as the `mysql` system user through
 * `setpriv` (see prepareDataDir for the data dir's ownership).
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
  const runUser = await serviceUserFor('mysql');
  prepareDataDir(dataDir, runUser);
  if (!existsSync(path.join(dataDir, 'mysql'))) {
    if (readdirSync(dataDir).length > 0) {
      throw new RepoRunnerError(
        'BAD_INPUT',
        `${dataDir} is not empty and holds no MariaDB data`,
        'point dataDir at an empty or new directory',
      );
    }
    await installSystemTables(bins, dataDir, runUser, o);
  }
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
    kind: 'mysql',
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
  const pw = sqlStringLiteral(o.password);
  const sql = [`CREATE DATABASE IF NOT EXISTS \`${o.database}\`;`];
  for (const at of ['%', 'localhost']) {
    const account = `'${o.user}'@'${at}'`;
    sql.push(
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${pw};`,
      `ALTER USER ${account} IDENTIFIED BY ${pw};`,
      `GRANT ALL PRIVILEGES ON *.* TO ${account};`,
    );
  }
  const created = await adminSql(bins, socket, sql.join('\n'), o.signal);
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
