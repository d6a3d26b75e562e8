import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TierName } from '../auth/types.js';
import type { IndexBackendName } from './select-backend.js';

/** What the background index build (`repo-runner __index <request file>`) is asked to do. */
export interface IndexJob {
  home: string;
  repoPath: string;
  dir: string;
  tier: TierName;
  requested: IndexBackendName | null;
  facts: { memoryBytes: number; cpus: number };
}

/**
 * Scheduling niceness of the background build (0 normal, 19 lowest): the build runs beside
 * the run's own install and build steps and must not slow them (the "adds no time to
 * time-to-healthy"); 19 gives it what the run leaves idle (CFS weight 15 against 1024 at
 * niceness 0). Measured on a 2-core machine, warm node-express run, 8 alternating rounds:
 * niceness 10 added ~100 ms (6 %) to time-to-healthy over `--no-index`.
 */
export const INDEXER_NICENESS = 19;

/**
 * Starts the index build as its own process (`repo-runner __index <file>`, its own process
 * group so `stop` ends it with the run, niceness {@link INDEXER_NICENESS}), the job written
 * to `file` and its output appended to `logFile`. Works from the build (`dist/cli/main.js`)
 * and from the sources under tsx.
 * @returns the child's pid.
 */
export function spawnIndexer(
  job: IndexJob,
  file: string,
  logFile: string,
  env: NodeJS.ProcessEnv,
): number {
  const cliDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli');
  const built = path.join(cliDir, 'main.js');
  const args = existsSync(built)
    ? [built]
    : ['--import', import.meta.resolve('tsx'), path.join(cliDir, 'main.ts')];
  mkdirSync(path.dirname(file), { recursive: true });
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(file, JSON.stringify(job, null, 2));
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...args, '__index', file], {
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  child.unref();
  const pid = child.pid ?? -1;
  try {
    if (pid > 0) setPriority(pid, INDEXER_NICENESS);
  } catch {
    // Not allowed to renice: the build runs at normal priority.
  }
  return pid;
}
