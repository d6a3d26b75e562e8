import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSpec } from '../model/plan.js';
import type { DecidedDatabase } from '../model/run-state.js';
import {
  jdbcUrl,
  mysqlConnection,
  postgresConnection,
  redisConnection,
} from '../database/connection-info.js';

/** A name usable as a SQL role or database: letters, digits and `_`. */
const sqlName = (s: string) =>
  s
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/^[^A-Za-z_]/, '_')
    .slice(0, 48) || 'app';

/**
 * Decides one database: the port (leased by the caller; `listenPort` is where the server
 * listens and apps connect, inside the run's network), credentials (the compose file's,
 * else user `app`, database `app`, a random 16-byte hex password, also for a PostgreSQL
 * whose compose file gives an empty one), the URL and the env
 * variables apps read. When the user's environment already holds `spec.envVar`, that URL is
 * used and nothing is provisioned (issue #4: "use a URL the user gives").
 */
export function decideDatabase(
  spec: DatabaseSpec,
  port: number,
  userEnv: NodeJS.ProcessEnv,
  listenPort = port,
): DecidedDatabase {
  const given = userEnv[spec.envVar];
  const user = sqlName(spec.user ?? 'app');
  const database = sqlName(spec.database ?? 'app');
  // PostgreSQL cannot log in over TCP with an empty password (a compose file that sets none
  // relies on the image's trust auth): one is generated, and the URL apps get carries it.
  const password =
    (spec.kind === 'postgres' ? spec.password || undefined : spec.password) ??
    randomBytes(16).toString('hex');
  if (given)
    return {
      name: spec.name,
      kind: spec.kind,
      port: 0,
      user,
      password,
      database,
      url: given,
      env: { [spec.envVar]: given },
      provided: true,
    };
  const parts = { host: '127.0.0.1', port: listenPort, user, password, database };
  const info =
    spec.kind === 'redis'
      ? redisConnection('127.0.0.1', listenPort)
      : (spec.kind === 'postgres' ? postgresConnection : mysqlConnection)(parts);
  // A JDBC variable (`JDBC_DATABASE_URL`) takes JDBC's form.
  const envUrl =
    /JDBC/i.test(spec.envVar) && spec.kind !== 'redis' ? jdbcUrl(spec.kind, parts) : info.url;
  const env = { ...info.env, [spec.envVar]: envUrl };
  return {
    name: spec.name,
    kind: spec.kind,
    port,
    ...(listenPort !== port ? { listenPort } : {}),
    user,
    password,
    database,
    url: info.url,
    env,
    provided: false,
  };
}

/**
 * Where a database keeps its data: inside the run directory, or with `--keep-data` under
 * `<home>/data/<repo hash>/<name>`, shared by every run of the same repository.
 */
export function databaseDataDir(
  home: string,
  runDir: string,
  repoPath: string,
  name: string,
  keepData: boolean,
): string {
  if (!keepData) return path.join(runDir, 'databases', name);
  return path.join(
    home,
    'data',
    createHash('sha256').update(repoPath).digest('hex').slice(0, 16),
    name,
  );
}

/** Credentials saved beside kept data, so the next run can log in to the same database. */
export function savedPassword(dataDir: string): string | null {
  try {
    return (
      (JSON.parse(readFileSync(`${dataDir}.credentials.json`, 'utf8')) as { password?: string })
        .password ?? null
    );
  } catch {
    return null;
  }
}
