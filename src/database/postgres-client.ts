import os from 'node:os';
import { RepoRunnerError } from '../model/errors.js';
import type { ProcessResult } from '../model/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { probeTcp } from '../health/tcp-check.js';
import type { PostgresBinaries } from './find-server-binaries.js';
import { serverEnv } from './server-env.js';
import type { StartDatabaseOptions } from './types.js';

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
export async function answersAsApp(
  bins: PostgresBinaries,
  o: StartDatabaseOptions,
  host: string,
): Promise<boolean> {
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

/** The database is created only when missing; names are quoted by format's `%I`. */
const CREATE_DATABASE = `SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
`;

/** Creates the app's database, owned by its user, unless it exists (safe on every start). */
export function createAppDatabase(
  bins: PostgresBinaries,
  o: StartDatabaseOptions,
  host: string,
): Promise<ProcessResult> {
  return psql(bins, o, host, ['-v', `db=${o.database}`, '-v', `owner=${o.user}`], CREATE_DATABASE);
}
