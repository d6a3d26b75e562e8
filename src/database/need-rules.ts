import type { DatabaseKind } from './types.js';

/** One thing a file shows about the databases an app uses. */
export type { DatabaseCredentials } from './types.js';
import type { DatabaseCredentials } from './types.js';

export interface NeedSignal {
  /** The database, or `sql` for a URL variable of an SQL database whose kind shows elsewhere. */
  kind: DatabaseKind | 'sql';
  /** `file: detail`, for the need's evidence. */
  evidence: string;
  /** The variable the app reads the URL from, when the file names it. */
  envVar?: string;
  /** Credentials a config file hard-codes (`USER: "root"`, `PASSWORD: "123456"`, `DB: "testdb"`). */
  credentials?: DatabaseCredentials;
}

/** Python distributions (PEP 503 names) that talk to a database server. */
export const PYTHON_PACKAGES: Readonly<Record<string, DatabaseKind>> = {
  psycopg: 'postgres',
  psycopg2: 'postgres',
  'psycopg2-binary': 'postgres',
  'psycopg-binary': 'postgres',
  asyncpg: 'postgres',
  pg8000: 'postgres',
  aiopg: 'postgres',
  mysqlclient: 'mysql',
  pymysql: 'mysql',
  'mysql-connector-python': 'mysql',
  aiomysql: 'mysql',
  asyncmy: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  rq: 'redis',
  'django-redis': 'redis',
  'django-rq': 'redis',
  aioredis: 'redis',
  arq: 'redis',
};

/** npm packages that talk to a database server (Prisma is read from its schema instead). */
export const NODE_PACKAGES: Readonly<Record<string, DatabaseKind>> = {
  pg: 'postgres',
  postgres: 'postgres',
  'pg-promise': 'postgres',
  slonik: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  ioredis: 'redis',
  bullmq: 'redis',
  bull: 'redis',
  'bee-queue': 'redis',
  'connect-redis': 'redis',
};

/** Go module path prefixes (go.mod `require`) of database drivers and clients. */
export const GO_MODULES: ReadonlyArray<readonly [string, DatabaseKind]> = [
  ['github.com/lib/pq', 'postgres'],
  ['github.com/jackc/pgx', 'postgres'],
  ['gorm.io/driver/postgres', 'postgres'],
  ['github.com/go-sql-driver/mysql', 'mysql'],
  ['gorm.io/driver/mysql', 'mysql'],
  ['github.com/redis/go-redis', 'redis'],
  ['github.com/go-redis/redis', 'redis'],
  ['github.com/gomodule/redigo', 'redis'],
];

/** Maven and Gradle coordinates (group or artifact) of JDBC drivers and Redis clients. */
export const JAVA_ARTIFACTS: ReadonlyArray<readonly [RegExp, DatabaseKind]> = [
  [/\borg\.postgresql\b|\br2dbc-postgresql\b/, 'postgres'],
  [/\bmysql-connector-(?:j|java)\b|\bmariadb-java-client\b/, 'mysql'],
  [
    /\bspring-boot-starter-data-redis(?:-reactive)?\b|\bjedis\b|\blettuce-core\b|\bredisson\b/,
    'redis',
  ],
];

/**
 * The database a URL scheme names: `postgres://`, `postgresql+psycopg://` → postgres;
 * `mysql://`, `mysql+pymysql://`, `mariadb://` → mysql; `redis://`, `rediss://` → redis.
 */
export function kindOfUrl(value: string): DatabaseKind | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value.trim())?.[1]?.toLowerCase();
  if (!scheme) return null;
  const base = scheme.split('+')[0] ?? '';
  if (base === 'postgres' || base === 'postgresql' || base === 'postgis') return 'postgres';
  if (base === 'mysql' || base === 'mysql2' || base === 'mariadb') return 'mysql';
  if (base === 'redis' || base === 'rediss') return 'redis';
  return null;
}

/** The database a Python extra or ORM name points at (`postgresql_asyncpg`, `mysql2`, `redis`). */
export function kindOfWord(word: string): DatabaseKind | null {
  const w = word.toLowerCase();
  if (/postgres|psycopg|asyncpg|^pg$/.test(w)) return 'postgres';
  if (/mysql|mariadb/.test(w)) return 'mysql';
  if (/redis/.test(w)) return 'redis';
  return null;
}
