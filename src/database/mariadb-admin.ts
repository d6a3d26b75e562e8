import os from 'node:os';
import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { outputTail } from '../exec/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { sqlStringLiteral } from './connection-info.js';
import type { MariadbBinaries } from './find-server-binaries.js';
import { logResult } from './launch-server.js';
import { serverEnv } from './server-env.js';
import { envFor, runAs, type ServiceUser } from './service-user.js';
import type { StartDatabaseOptions } from './types.js';

/** The MariaDB account we administer through: root as root, else our own login name. */
export const adminUser = () => (process.getuid?.() === 0 ? 'root' : os.userInfo().username);

/** SQL over the server's Unix socket as {@link adminUser} (unix_socket auth: no password). */
export function adminSql(bins: MariadbBinaries, socket: string, sql: string, signal?: AbortSignal) {
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
 * Creates the system tables in the empty `dataDir` (as `runUser` when set). The MariaDB root account and one for
 * {@link adminUser} log in only through the Unix socket by OS identity (`unix_socket`), so
 * no passwordless account is reachable over TCP.
 *
 * @throws RepoRunnerError `START_FAILED` with the script's output when it fails.
 */
export async function installSystemTables(
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
 * SQL that creates the app's database and user (for `%` and `localhost`), sets the user's
 * password and grants it everything: the server is the app's alone, and test runners
 * create `test_<db>` databases. Safe to run on every start.
 */
export function appAccountSql(
  o: Pick<StartDatabaseOptions, 'database' | 'user' | 'password'>,
): string {
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
  return sql.join('\n');
}
