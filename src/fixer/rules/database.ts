import { around, compact, matchTable, type Extractor } from './text.js';
import type { Details, Rule } from './types.js';

/** Default ports of the servers the database phase provisions, plus MongoDB. */
export const DATABASE_PORTS: Record<string, string> = {
  '5432': 'postgres',
  '3306': 'mysql',
  '6379': 'redis',
  '27017': 'mongodb',
};

/** Compose service names that stand for a database, and the kind. */
const DB_HOSTS: Record<string, string> = {
  db: 'postgres',
  database: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  mongo: 'mongodb',
  mongodb: 'mongodb',
};

const byPort = (host: string | undefined, port: string | undefined): Details | null => {
  const kind = port ? DATABASE_PORTS[port] : undefined;
  return kind ? compact({ kind, host, port }) : null;
};

const MESSAGES: readonly Extractor[] = [
  // libpq ≥ 14: 'connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused'
  [
    /connection to server at "([^"]+)"(?: \([^)]*\))?, port (\d+) failed/,
    (m) => compact({ kind: 'postgres', host: m[1], port: m[2] }),
  ],
  // libpq: 'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed'
  [
    /connection to server on socket "(?:[^"]*\.s\.PGSQL\.(\d+)|[^"]*)"/,
    (m) => compact({ kind: 'postgres', port: m[1] }),
  ],
  // libpq ≤ 13: "could not connect to server: Connection refused"; 'could not translate host name "db" to address'
  [
    /could not translate host name "([^"]+)" to address/,
    (m) => compact({ kind: 'postgres', host: m[1] }),
  ],
  [
    /could not connect to server|Is the server running on/,
    (m) => compact({ kind: 'postgres', port: /port (\d+)/.exec(m.input)?.[1] }),
  ],
  // node net (pg, mysql2, ioredis, mongodb): "Error: connect ECONNREFUSED 127.0.0.1:5432"
  // (greedy host: an IPv6 address, "::1:27017", holds colons itself)
  [/connect ECONNREFUSED (\S+):(\d+)/, (m) => byPort(m[1], m[2])],
  // Prisma P1001: "Can't reach database server at `localhost`:`5432`"
  [
    /Can't reach database server at `([^`]+)`:`(\d+)`/,
    (m) => byPort(m[1], m[2]) ?? compact({ host: m[1], port: m[2] }),
  ],
  // MySQL client 2002/2003: "Can't connect to MySQL server on 'localhost' ([Errno 111] Connection refused)"
  [
    /Can't connect to (?:local )?MySQL server/,
    (m) => compact({ kind: 'mysql', port: /(?::|port )(\d{2,5})\b/.exec(m.input)?.[1] }),
  ],
  // redis-py: "Error 111 connecting to localhost:6379. Connection refused."
  [
    /Error (?:111|61) connecting to ([\w.-]+):(\d+)/,
    (m) => compact({ kind: 'redis', host: m[1], port: m[2] }),
  ],
  // pymongo and others: "localhost:27017: [Errno 111] Connection refused"
  [/([\w.-]+):(\d+): \[Errno 111\] Connection refused/, (m) => byPort(m[1], m[2])],
  // JDBC: "Connection to localhost:5432 refused."
  [/Connection to ([\w.-]+):(\d+) refused/, (m) => byPort(m[1], m[2])],
  // PDO: "SQLSTATE[08006] [7] …", "SQLSTATE[HY000] [2002] Connection refused"; SQLSTATE 08001 elsewhere
  [/SQLSTATE\[HY000\] \[2002\]/, () => ({ kind: 'mysql' })],
  [/SQLSTATE\[?0800[16]\]?/, () => ({ kind: 'postgres' })],
  // A compose host that does not resolve here: "getaddrinfo ENOTFOUND db"
  [
    /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w-]+)\b(?!\.)/,
    (m) => {
      const kind = DB_HOSTS[m[1] ?? ''];
      return kind ? compact({ kind, host: m[1] }) : null;
    },
  ],
];

/** The app could not reach its database or cache (formats on each extractor). */
export const databaseConnectionRefused: Rule = {
  id: 'database/connection-refused',
  class: 'database-connection-refused',
  stage: 'line',
  test: ({ lines, at, line }) => {
    const d = matchTable(line, MESSAGES);
    // libpq prints the port on the line after "could not connect to server".
    if (d?.kind === 'postgres' && !d.port) {
      const port = /port (\d+)/.exec(around(lines, at, 2, 2))?.[1];
      if (port) return { ...d, port };
    }
    return d;
  },
};

const MIGRATION_MESSAGES: readonly Extractor[] = [
  // Django runserver: "You have 18 unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): admin, auth."
  [
    /You have (\d+) unapplied migration\(s\)/,
    (m) =>
      compact({
        framework: 'django',
        count: m[1],
        apps: /for app\(s\): (.+?)\.?$/.exec(m.input)?.[1],
      }),
  ],
  // Prisma P2021: "The table `public.User` does not exist in the current database."
  [
    /The table `([^`]+)` does not exist in the current database/,
    (m) => compact({ framework: 'prisma', table: m[1] }),
  ],
  [/\bP2021\b/, () => ({ framework: 'prisma' })],
  // Rails: "ActiveRecord::PendingMigrationError"
  [/ActiveRecord::PendingMigrationError/, () => ({ framework: 'rails' })],
  // PostgreSQL: 'relation "users" does not exist'
  [/relation "([^"]+)" does not exist/, (m) => compact({ table: m[1] })],
  // SQLite: "no such table: auth_user"
  [/no such table: (\S+)/, (m) => compact({ table: m[1] })],
  // MySQL 1146: "Table 'app.users' doesn't exist"
  [/Table '([^']+)' doesn't exist/, (m) => compact({ table: m[1] })],
];

/** The schema is behind the code: migrations were never applied. */
export const migrationNeeded: Rule = {
  id: 'database/migration-needed',
  class: 'migration-needed',
  stage: 'line',
  test: ({ lines, line }) => {
    const d = matchTable(line, MIGRATION_MESSAGES);
    if (!d || d.framework) return d;
    // Name the framework when the log shows it (Django's traceback paths).
    const django = lines.some((l) => /django[\\/]db[\\/]|django\.db\.utils/.test(l));
    return django ? { ...d, framework: 'django' } : d;
  },
};

/** What {@link refusedDatabaseIn} found: the kind of server, where, and the log line. */
export interface RefusedDatabase {
  kind: string;
  host?: string;
  port?: string;
  line: string;
}

/**
 * The last line of a service log's tail where the app failed to reach a database or cache
 * (the formats of {@link databaseConnectionRefused}), with its kind; null when there is none.
 * The HealthAgent stops waiting on it when the run has no server of that kind: the app will
 * not come up by waiting longer.
 */
export function refusedDatabaseIn(tail: readonly string[]): RefusedDatabase | null {
  for (let at = tail.length - 1; at >= 0; at--) {
    const line = tail[at] ?? '';
    const d = databaseConnectionRefused.test({
      lines: tail,
      at,
      line,
      result: null,
      phase: 'health',
      healthDetail: null,
      exit: null,
    });
    if (d?.kind) return { ...d, kind: d.kind, line: line.trim() };
  }
  return null;
}
