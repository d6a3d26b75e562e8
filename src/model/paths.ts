import os from 'node:os';
import path from 'node:path';

/**
 * Repo Runner's data directory: `$REPO_RUNNER_HOME`, else `$XDG_DATA_HOME/repo-runner`, else
 * `~/.local/share/repo-runner` (the XDG Base Directory default).
 */
export function repoRunnerHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPO_RUNNER_HOME) return path.resolve(env.REPO_RUNNER_HOME);
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'repo-runner');
}

/** The SQLite store file inside a home directory. */
export const storeFile = (home: string): string => path.join(home, 'repo-runner.db');

/** A run's own directory: state files, logs, and the clone of a git URL. */
export const runDir = (home: string, runId: string): string => path.join(home, 'runs', runId);

/** Log file of a service (or of a phase's commands, e.g. `install-web`). */
export const logFile = (dir: string, name: string): string => path.join(dir, 'logs', `${name}.log`);

/** Package caches (npm, pip, Go, Cargo, Maven…) shared by one service user's runs only. */
export const packageCacheDir = (home: string, userId: string): string =>
  path.join(home, 'package-caches', userId);
