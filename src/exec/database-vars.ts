import type { DecidedDatabase } from '../model/run-state.js';

/** What {@link splitDatabaseValue} reads of a decided database. */
export type SplitDatabase = Pick<
  DecidedDatabase,
  'kind' | 'port' | 'listenPort' | 'user' | 'password' | 'database' | 'provided' | 'url'
>;

/** Which part of a database connection a split variable carries. */
type Part = 'host' | 'port' | 'user' | 'password' | 'database' | 'url';

/** Prefixes of split variables and the kind of database they name (null: the first SQL one). */
const PREFIXES: ReadonlyArray<[RegExp, DecidedDatabase['kind'] | null]> = [
  [/^(POSTGRES|POSTGRESQL|PG)_/, 'postgres'],
  [/^(MYSQL|MARIADB)_/, 'mysql'],
  [/^REDIS_/, 'redis'],
  [/^(DB|DATABASE|SQL)_/, null],
];

/** Suffixes of split variables, by the part they carry. */
const SUFFIXES: ReadonlyArray<[RegExp, Part]> = [
  [/_(HOST|SERVER|HOSTNAME|ADDR)$/, 'host'],
  [/_PORT$/, 'port'],
  [/_(USER|USERNAME)$/, 'user'],
  [/_(PASSWORD|PASS|PWD)$/, 'password'],
  [/_(DB|NAME|DATABASE|DBNAME)$/, 'database'],
  // Not `_CONNECTION`: Laravel's DB_CONNECTION names the driver (mysql, pgsql, sqlite).
  [/_(URL|URI|DSN|CONNECTION_STRING|CONN_STRING|CONNSTRING)$/, 'url'],
];

/**
 * Where and as whom an app reaches a database the run provisions: the server's host
 * (127.0.0.1), the port (inside the run's own network its kind's usual one, `listenPort`,
 * else the leased one), its user, password and database.
 */
export function appConnection(db: SplitDatabase): {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
} {
  return {
    host: '127.0.0.1',
    port: db.listenPort ?? db.port,
    user: db.user,
    password: db.password,
    database: db.database,
  };
}

/**
 * The value of a split connection variable (`POSTGRES_SERVER`, `DB_HOST`, `SQL_PORT`,
 * `MYSQL_USER`, `REDIS_HOST`, `POSTGRES_DB`…) for the databases the run provisions: the
 * server's host (127.0.0.1), the port the app reaches it on (inside the run's own network its
 * kind's usual port, else the leased one), its user, password and database, or its whole URL
 * for a connection-string name (`DB_DSN`, `POSTGRES_URL`, `SQL_CONNECTION_STRING`). Null when the
 * key is not such a variable, or names a kind the run does not provision, or a database the
 * user gave by URL. Apps configured this way (compose files, Django settings reading
 * `SQL_HOST`, FastAPI's `POSTGRES_SERVER`) otherwise keep the compose host name and the
 * container's credentials.
 */
export function splitDatabaseValue(
  key: string,
  databases: readonly SplitDatabase[],
): string | null {
  const upper = key.toUpperCase();
  const prefix = PREFIXES.find(([re]) => re.test(upper));
  const suffix = SUFFIXES.find(([re]) => re.test(upper));
  if (!prefix || !suffix) return null;
  const [, kind] = prefix;
  const db = databases.find((d) => !d.provided && (kind ? d.kind === kind : d.kind !== 'redis'));
  if (!db) return null;
  switch (suffix[1]) {
    case 'host':
      return appConnection(db).host;
    case 'port':
      return String(appConnection(db).port);
    case 'user':
      return db.kind === 'redis' ? null : db.user;
    case 'password':
      return db.kind === 'redis' ? null : db.password;
    case 'database':
      return db.kind === 'redis' ? null : db.database;
    case 'url':
      return db.url;
  }
}
