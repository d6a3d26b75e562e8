import os from 'node:os';
import { runCommand } from '../exec/run-command.js';
import { sqlStringLiteral } from './connection-info.js';
import type { MariadbBinaries } from './find-server-binaries.js';
import { serverEnv } from './server-env.js';
import { runServerInit, type SqlServer } from './server-start.js';
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
 * Creates the system tables in the empty `dataDir` (as the server's account when we are root). The MariaDB root account and one for
 * {@link adminUser} log in only through the Unix socket by OS identity (`unix_socket`), so
 * no passwordless account is reachable over TCP.
 *
 * @throws RepoRunnerError `START_FAILED` with the script's output when it fails.
 */
export async function installSystemTables(server: SqlServer<MariadbBinaries>): Promise<void> {
  await runServerInit(server, [
    server.bins.installDb,
    '--no-defaults',
    `--datadir=${server.dataDir}`,
    '--auth-root-authentication-method=socket',
    `--auth-root-socket-user=${adminUser()}`,
    '--skip-test-db',
    '--skip-name-resolve',
  ]);
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
  // `root`@`localhost` is the admin account Repo Runner itself uses over the socket
  // (unix_socket auth): an app hard-coding user root gets `root`@`%` (TCP) only.
  for (const at of o.user === 'root' ? ['%'] : ['%', 'localhost']) {
    const account = `'${o.user}'@'${at}'`;
    sql.push(
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${pw};`,
      `ALTER USER ${account} IDENTIFIED BY ${pw};`,
      `GRANT ALL PRIVILEGES ON *.* TO ${account};`,
    );
  }
  return sql.join('\n');
}
