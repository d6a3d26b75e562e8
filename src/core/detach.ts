import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDir } from '../model/paths.js';
import type { Store } from '../model/store.js';
import { releaseRunNetwork } from './isolation.js';
import type { RunOutcome } from './run-api.js';

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

/**
 * Hands a healthy run to a detached supervisor, as `run --detach`, the server's workers and
 * the Admin Agent's interventions do: flushes its events, starts the supervisor (on the
 * store of `home` and `env`), lets go of the run's network for it to adopt (its ports stay
 * published until the supervisor publishes them again) and records the supervisor's pid,
 * so `status` and `stop` right after already see it. Returns that pid.
 */
export async function handOverToSupervisor(
  store: Store,
  home: string,
  outcome: RunOutcome,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  await outcome.ctx.bus.flush();
  const pid = spawnSupervisor(runDir(home, outcome.runId), outcome.runId, {
    ...env,
    REPO_RUNNER_HOME: home,
  });
  await releaseRunNetwork(outcome.runId);
  await store.updateRun(outcome.runId, { supervisorPid: pid });
  return pid;
}
