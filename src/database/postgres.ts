import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoRunnerError } from '../core/errors.js';
import { stopProcessGroup } from '../exec/process-group.js';
import { outputTail } from '../exec/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { probeTcp } from '../health/tcp-check.js';
import { assertSqlName, postgresConnection } from './connection-info.js';
import {
  findPostgresBinaries,
  installHint,
  type PostgresBinaries,
} from './find-server-binaries.js';
import { launchServer } from './launch-server.js';
import { initPostgresCluster, logResult } from './postgres-cluster.js';
import { serverEnv } from './server-env.js';
import { envFor, prepareDataDir, runAs, serviceUserFor } from './service-user.js';
import type { ProvisionedDatabase, StartDatabaseOptions } from './types.js';

/** psql over TCP as the app's user, to the `postgres` maintenance database. */
function psql(
  bins: PostgresBinaries,
  o: StartDatabaseOptions,
  host: string,
  args: string[],
  input?: string,
) {
  const argv = [bins.psql, '-X', '-w', '-q', '-v', 'ON_ERROR_STOP=1'];
  argv.push('-h', host, '-p', String(o.port), '-U', o.user, '-d', 'postgres', ...args);
  return runCommand(argv, {
    cwd: os.tmpdir(),
    env: { ...serverEnv(), PGPASSWORD: o.password, PGCONNECT_TIMEOUT: '3' },
    timeoutMs: 15_000,
    signal: o.signal,
    input,
  });
}

/** True once `select 1` works as the app's user; throws when the login itself is refused. */
async function answers(bins: PostgresBinaries, o: StartDatabaseOptions, host: string) {
  if (!(await probeTcp(host, o.port, 1000)).ok) return false;
  const result = await psql(bins, o, host, ['-At', '-c', 'select 1']);
  if (!result.failed && result.stdout.trim() === '1') return true;
  // Waiting does not fix a cluster that was initialised for another user or password.
  if (/password authentication failed|role "[^"]*" does not exist/.test(result.stderr)) {
    throw new RepoRunnerError(
      'START_FAILED',
      `PostgreSQL in ${o.dataDir} refused the login of ${o.user}: ${result.stderr.trim()}`,
      `that data dir was initialised with another user or password: use those, or delete ${o.dataDir} to start afresh`,
    );
  }
  return false;
}

/** Creates the app's database (owned by its user) unless it exists. */
const CREATE_DATABASE = `SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
`;

/**
 * Starts a PostgreSQL server for an app: initialises `dataDir` when it is missing or empty
 * (initdb, `user` as the superuser with `password`), starts `postgres` as its own process
 * group listening only on 127.0.0.1:`port` with its Unix socket in `dataDir`, waits until
 * `select 1` works over TCP with the password, then creates `database` owned by `user`
 * unless it exists. A second start on the same `dataDir` reuses the cluster and its data.
 *
 * As root: PostgreSQL refuses to run as root, so initdb and the server run as the `postgres`
 * system user (created by Debian's package) through `setpriv`; `dataDir` is chowned to it,
 * and ancestors it cannot enter get `o+x` (see prepareDataDir).
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
  const runUser = await serviceUserFor('postgres');
  prepareDataDir(dataDir, runUser);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (readdirSync(dataDir).length > 0) {
      throw new RepoRunnerError(
        'BAD_INPUT',
        `${dataDir} is not empty and holds no PostgreSQL cluster`,
        'point dataDir at an empty or new directory',
      );
    }
    await initPostgresCluster(bins, dataDir, runUser, o);
  }
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
    kind: 'postgres',
    what: `PostgreSQL on ${host}:${o.port}`,
    argv: runAs(runUser, argv),
    cwd: dataDir,
    env: envFor(runUser, serverEnv()),
    logFile: o.logFile,
    isReady: () => answers(bins, o, host),
    timeoutMs: o.readyTimeoutMs,
    signal: o.signal,
    onSpawn: o.onSpawn,
  });
  const created = await psql(
    bins,
    o,
    host,
    ['-v', `db=${o.database}`, '-v', `owner=${o.user}`],
    CREATE_DATABASE,
  );
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
