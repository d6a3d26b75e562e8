import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ProcessResult } from '../model/process-result.js';
import { spawnNotFound } from '../exec/confine.js';
import { runCommand } from '../exec/run-command.js';
import { resolveInside } from '../repo/resolve-inside.js';
import { findMariadbBinaries, findPostgresBinaries } from './find-server-binaries.js';
import { serverEnv } from './server-env.js';

/** One initialisation script found: its name in the image's folder, and its real path. */
export interface InitScript {
  /** The file name inside `/docker-entrypoint-initdb.d` (what orders the scripts). */
  name: string;
  /** Absolute real path inside the repository. */
  file: string;
}

/** What the images run: SQL, and gzip-compressed SQL (`.sh` scripts are code: not run). */
const RUNNABLE = /\.sql(\.gz)?$/;

/**
 * The scripts the mounts give, in the order the official images run them (file names
 * sorted; "scripts in /docker-entrypoint-initdb.d are run in sorted name order", postgres
 * and mysql image docs): a mounted file under its target's name, a mounted folder's files
 * under their own. Paths are resolved inside `repoPath` with symlinks followed; one that
 * leaves it throws `PathEscapeError`. Missing sources are skipped (Compose would create an
 * empty folder). `skipped` lists files the images would run that Repo Runner does not
 * (shell scripts).
 */
export function expandInitScripts(
  repoPath: string,
  mounts: readonly { source: string; target: string }[],
): { scripts: InitScript[]; skipped: string[] } {
  const scripts: InitScript[] = [];
  const skipped: string[] = [];
  const add = (name: string, file: string) => {
    if (RUNNABLE.test(name)) scripts.push({ name, file });
    else if (/\.sh$/.test(name)) skipped.push(name);
  };
  for (const m of mounts) {
    const abs = resolveInside(repoPath, m.source);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) {
      add(path.posix.basename(m.target), abs);
      continue;
    }
    for (const entry of readdirSync(abs).sort()) {
      const file = resolveInside(repoPath, path.posix.join(m.source, entry));
      if (statSync(file).isFile()) add(entry, file);
    }
  }
  scripts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { scripts, skipped };
}

/** Where and as whom to run the scripts: the app's account on the provisioned server. */
export interface InitTarget {
  kind: 'postgres' | 'mysql';
  /** Host port the server answers on (published from the run network when it has one). */
  port: number;
  user: string;
  password: string;
  database: string;
  signal?: AbortSignal;
}

/**
 * Runs one script against the database as the image would (as its configured user, in its
 * configured database): `psql -v ON_ERROR_STOP=1` or the MariaDB client, over TCP on
 * 127.0.0.1, the SQL on stdin (gunzipped first for `.sql.gz`). 5 minutes at most.
 */
export function runInitScript(target: InitTarget, script: InitScript): Promise<ProcessResult> {
  const raw = readFileSync(script.file);
  return runSql(target, (script.name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

/**
 * Runs SQL text on the server of `target` as its user, in `target.database`: `psql -v
 * ON_ERROR_STOP=1` (PostgreSQL) or the MariaDB client (which stops at the first error), over
 * TCP on 127.0.0.1. 5 minutes at most.
 */
export function runSql(target: InitTarget, input: string): Promise<ProcessResult> {
  const common = { cwd: os.tmpdir(), timeoutMs: 300_000, signal: target.signal, input };
  if (target.kind === 'postgres') {
    const bins = findPostgresBinaries();
    if (!bins) return Promise.resolve(spawnNotFound(['psql'], os.tmpdir()));
    const argv = [bins.psql, '-X', '-w', '-q', '-v', 'ON_ERROR_STOP=1'];
    argv.push(
      '-h',
      '127.0.0.1',
      '-p',
      String(target.port),
      '-U',
      target.user,
      '-d',
      target.database,
    );
    return runCommand(argv, { ...common, env: { ...serverEnv(), PGPASSWORD: target.password } });
  }
  const bins = findMariadbBinaries();
  if (!bins) return Promise.resolve(spawnNotFound(['mariadb'], os.tmpdir()));
  const argv = [bins.client, '--protocol=TCP', '-h', '127.0.0.1', '-P', String(target.port)];
  argv.push('-u', target.user, target.database);
  return runCommand(argv, { ...common, env: { ...serverEnv(), MYSQL_PWD: target.password } });
}
