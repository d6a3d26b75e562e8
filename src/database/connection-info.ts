import { RepoRunnerError } from '../model/errors.js';

/** Where and as whom an app connects to a provisioned SQL database. */
export interface SqlConnectionParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** A connection URL and the environment variables that carry it. */
export interface ConnectionInfo {
  url: string;
  env: Record<string, string>;
}

const enc = encodeURIComponent;

/**
 * The URL and libpq variables of a PostgreSQL database.
 *
 * @example
 * postgresConnection({ host: '127.0.0.1', port: 5433, user: 'app', password: 'pw', database: 'app' }).url
 * // 'postgresql://app:pw@127.0.0.1:5433/app'
 */
export function postgresConnection(parts: SqlConnectionParts): ConnectionInfo {
  const url = `postgresql://${enc(parts.user)}:${enc(parts.password)}@${parts.host}:${parts.port}/${enc(parts.database)}`;
  return {
    url,
    env: {
      DATABASE_URL: url,
      PGHOST: parts.host,
      PGPORT: String(parts.port),
      PGUSER: parts.user,
      PGPASSWORD: parts.password,
      PGDATABASE: parts.database,
    },
  };
}

/** The URL and `MYSQL_*` variables of a MariaDB (MySQL protocol) database. */
export function mysqlConnection(parts: SqlConnectionParts): ConnectionInfo {
  const url = `mysql://${enc(parts.user)}:${enc(parts.password)}@${parts.host}:${parts.port}/${enc(parts.database)}`;
  return {
    url,
    env: {
      DATABASE_URL: url,
      MYSQL_HOST: parts.host,
      MYSQL_PORT: String(parts.port),
      MYSQL_USER: parts.user,
      MYSQL_PASSWORD: parts.password,
      MYSQL_DATABASE: parts.database,
    },
  };
}

/**
 * The JDBC URL of a SQL database (`JDBC_DATABASE_URL`, Heroku's convention for Java apps):
 * the credentials as query parameters, since a JDBC URL carries no user info; a plain
 * `postgresql://` URL there is refused by the driver ("url must start with jdbc").
 * Sources: https://jdbc.postgresql.org/documentation/use/,
 * https://mariadb.com/kb/en/about-mariadb-connector-j/ (its `jdbc:mysql:` form).
 *
 * @example
 * jdbcUrl('postgres', { host: '127.0.0.1', port: 5433, user: 'app', password: 'pw', database: 'app' })
 * // 'jdbc:postgresql://127.0.0.1:5433/app?user=app&password=pw'
 */
export function jdbcUrl(kind: 'postgres' | 'mysql', parts: SqlConnectionParts): string {
  const scheme = kind === 'postgres' ? 'postgresql' : 'mysql';
  return `jdbc:${scheme}://${parts.host}:${parts.port}/${enc(parts.database)}?user=${enc(parts.user)}&password=${enc(parts.password)}`;
}

/** The URL of a Redis server's database 0 (no auth: it listens on 127.0.0.1 only). */
export function redisConnection(host: string, port: number): ConnectionInfo {
  const url = `redis://${host}:${port}/0`;
  return { url, env: { REDIS_URL: url } };
}

/**
 * Refuses a database or user name that would need quoting: names are spliced into SQL
 * and URLs, so they are kept to letters, digits and `_` (at most 63, PostgreSQL's limit).
 *
 * @throws RepoRunnerError `BAD_INPUT` naming the offending value.
 */
export function assertSqlName(what: string, value: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `invalid ${what} name ${JSON.stringify(value)}`,
      'use letters, digits and _ only, starting with a letter or _',
    );
  }
}

/** A MariaDB string literal (`'…'`, backslashes and quotes escaped) for passwords. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
