import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseKind } from './types.js';

/** The Debian (and Ubuntu) package that provides each server. */
export const SERVER_PACKAGES: Readonly<Record<DatabaseKind, string>> = {
  postgres: 'postgresql',
  mysql: 'mariadb-server',
  redis: 'redis-server',
};

/** What to tell the user when a server is missing. */
export function installHint(kind: DatabaseKind): string {
  return `install it with \`apt-get install ${SERVER_PACKAGES[kind]}\` (or your system's package manager) and run again`;
}

/** PostgreSQL programs; Debian keeps them in `/usr/lib/postgresql/<major>/bin`, off PATH. */
export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  postgres: string;
  psql: string;
}

/** MariaDB programs (the MySQL names are accepted where MariaDB installs them as links). */
export interface MariadbBinaries {
  installDb: string;
  server: string;
  client: string;
}

/** Redis programs. */
export interface RedisBinaries {
  server: string;
}

/** Where servers live off PATH: Debian's sbin, Fedora's libexec. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/usr/libexec'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first of `names` found executable in `dirs`, else on PATH or in the usual sbin dirs. */
export function findProgram(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  dirs: readonly string[] = [],
): string | null {
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...dirs, ...pathDirs, ...EXTRA_DIRS]) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

/** `/usr/lib/postgresql/<major>/bin` directories, newest major first. */
function debianPostgresDirs(root = '/usr/lib/postgresql'): string[] {
  try {
    return readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => path.join(root, v, 'bin'));
  } catch {
    return [];
  }
}

/**
 * PostgreSQL's `initdb`, `postgres` and `psql`, all from one installation: the newest of
 * Debian's `/usr/lib/postgresql/<major>/bin`, else the directory of `initdb` on PATH.
 * Null when any of them is missing.
 */
export function findPostgresBinaries(
  env: NodeJS.ProcessEnv = process.env,
): PostgresBinaries | null {
  const onPath = findProgram(['initdb'], env);
  const dirs = [...debianPostgresDirs(), ...(onPath ? [path.dirname(onPath)] : [])];
  for (const binDir of dirs) {
    const initdb = path.join(binDir, 'initdb');
    const postgres = path.join(binDir, 'postgres');
    if (!isExecutable(initdb) || !isExecutable(postgres)) continue;
    const psql = findProgram(['psql'], env, [binDir]);
    if (psql) return { binDir, initdb, postgres, psql };
  }
  return null;
}

/** MariaDB's install script, server (`/usr/sbin/mariadbd` on Debian) and client, or null. */
export function findMariadbBinaries(env: NodeJS.ProcessEnv = process.env): MariadbBinaries | null {
  const installDb = findProgram(['mariadb-install-db', 'mysql_install_db'], env);
  const server = findProgram(['mariadbd', 'mysqld'], env);
  const client = findProgram(['mariadb', 'mysql'], env);
  return installDb && server && client ? { installDb, server, client } : null;
}

/** `redis-server`, or null. */
export function findRedisBinaries(env: NodeJS.ProcessEnv = process.env): RedisBinaries | null {
  const server = findProgram(['redis-server'], env);
  return server ? { server } : null;
}

/** True when the programs needed to run `kind` are installed. */
export function hasServerBinaries(
  kind: DatabaseKind,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (kind === 'postgres') return findPostgresBinaries(env) !== null;
  if (kind === 'mysql') return findMariadbBinaries(env) !== null;
  return findRedisBinaries(env) !== null;
}
