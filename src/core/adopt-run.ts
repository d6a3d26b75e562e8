import { isProcessAlive } from '../exec/process-group.js';
import { runDir } from '../model/paths.js';
import type { Report } from '../model/report.js';
import type { RunRecord, Store } from '../model/store.js';
import { spawnSupervisor } from './detach.js';

/**
 * True when a run's services outlived its supervisor: the run is `healthy` or `partial`,
 * neither its supervisor nor the process executing it is alive, and at least one service
 * process it recorded is still up. `status` offers `resume` (adopt) or `stop` for it.
 */
export function isOrphaned(run: RunRecord): boolean {
  if (run.status !== 'healthy' && run.status !== 'partial') return false;
  if (run.supervisorPid !== null && isProcessAlive(run.supervisorPid)) return false;
  if (run.ownerPid !== null && isProcessAlive(run.ownerPid)) return false;
  const services = (run.report as Report | null)?.services ?? [];
  return services.some((s) => s.pid !== null && isProcessAlive(s.pid));
}

/**
 * Adopts an orphaned run (see {@link isOrphaned}): a new detached supervisor takes over its
 * still-running services as they are (no restart, same pids and ports) and restarts those
 * that died meanwhile. Returns the new supervisor's pid, or null when the run is not
 * orphaned (then `resume` continues it the usual way).
 *
 * @param env the environment the store was opened with (the supervisor opens it again).
 */
export async function adoptRun(
  store: Store,
  home: string,
  run: RunRecord,
  env: NodeJS.ProcessEnv,
): Promise<number | null> {
  if (!isOrphaned(run)) return null;
  const pid = spawnSupervisor(runDir(home, run.id), run.id, env);
  await store.updateRun(run.id, { supervisorPid: pid });
  return pid;
}
