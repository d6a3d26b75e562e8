import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts `repo-runner __supervise <run-id>` as a detached process (its own session, output to
 * `<run dir>/supervisor.log`) and returns its pid. The supervisor opens the store from
 * `env` (`REPO_RUNNER_HOME`, `REPO_RUNNER_DATABASE_URL`), so pass the environment the
 * store was opened with.
 *
 * Works from the build (`dist/cli/main.js`) and from the sources under tsx (`src/cli/main.ts`).
 *
 * @example
 * const pid = spawnSupervisor(runDir(home, runId), runId, { ...process.env, REPO_RUNNER_HOME: home });
 */
export function spawnSupervisor(dir: string, runId: string, env: NodeJS.ProcessEnv): number {
  const cliDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli');
  const built = path.join(cliDir, 'main.js');
  const args = existsSync(built)
    ? [built]
    : ['--import', import.meta.resolve('tsx'), path.join(cliDir, 'main.ts')];
  const out = openSync(path.join(dir, 'supervisor.log'), 'a');
  const child = spawn(process.execPath, [...args, '__supervise', runId], {
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  child.unref();
  return child.pid ?? -1;
}
