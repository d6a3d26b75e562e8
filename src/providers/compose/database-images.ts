import type { ImageRef } from './image-ref.js';

/** The database engines Repo Runner can run natively for a Compose service. */
export type DatabaseKind = 'postgres' | 'mysql' | 'redis';

/** Login a dependent service uses; what the image would create from its environment. */
export interface DatabaseCredentials {
  user: string;
  /** Empty when the image runs without one. */
  password: string;
  /** The database created (Redis: the index `0`); null when the image creates none. */
  database: string | null;
}

/** Images of known databases and caches, by {@link ImageRef.name}. */
const DATABASE_IMAGES: Readonly<Record<string, DatabaseKind>> = {
  postgres: 'postgres',
  'postgis/postgis': 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  'valkey/valkey': 'redis',
};

/** The database kind of an image, or null when it is not a known database or cache. */
export function databaseKindOf(ref: ImageRef): DatabaseKind | null {
  return DATABASE_IMAGES[ref.name] ?? null;
}

/**
 * The credentials the official image would set up from its environment, with its documented
 * defaults. Postgres: `POSTGRES_USER` (default `postgres`), `POSTGRES_PASSWORD`,
 * `POSTGRES_DB` (default the user). MySQL/MariaDB: `MYSQL_USER`/`MYSQL_PASSWORD` (MariaDB:
 * `MARIADB_*` first), else `root` with `MYSQL_ROOT_PASSWORD`; `MYSQL_DATABASE` or none.
 * Redis/Valkey: user `default`, the `--requirepass` of its command, database `0`.
 * Sources: https://hub.docker.com/_/postgres, https://hub.docker.com/_/mysql,
 * https://hub.docker.com/_/mariadb, https://hub.docker.com/_/redis
 */
export function credentialsOf(
  kind: DatabaseKind,
  ref: ImageRef,
  env: Record<string, string>,
  command: string[],
): DatabaseCredentials {
  const get = (key: string) => (env[key] === '' ? undefined : env[key]);
  if (kind === 'postgres') {
    const user = get('POSTGRES_USER') ?? 'postgres';
    return { user, password: env.POSTGRES_PASSWORD ?? '', database: get('POSTGRES_DB') ?? user };
  }
  if (kind === 'mysql') {
    const prefixes = ref.name === 'mariadb' ? ['MARIADB_', 'MYSQL_'] : ['MYSQL_'];
    const pick = (key: string) => prefixes.map((p) => get(p + key)).find((v) => v !== undefined);
    const user = pick('USER');
    const password = user === undefined ? pick('ROOT_PASSWORD') : pick('PASSWORD');
    return { user: user ?? 'root', password: password ?? '', database: pick('DATABASE') ?? null };
  }
  const pass = command.indexOf('--requirepass');
  return { user: 'default', password: pass < 0 ? '' : (command[pass + 1] ?? ''), database: '0' };
}
