import { isProcessAlive } from '../exec/process-group.js';
import type { ServerContext } from './context.js';
import { runOwner } from './run-access.js';

/**
 * On start: API runs a previous server left `queued` are queued again; API runs left
 * `running` by a server that is gone (a crash) are marked `interrupted` (`resume` carries
 * them on). Runs the local CLI made (no owner) are left alone.
 */
export async function recoverRuns(ctx: ServerContext): Promise<void> {
  const runs = await ctx.store.listRuns(1000);
  for (const run of runs.reverse()) {
    if (runOwner(run) === null) continue;
    if (run.status === 'queued') await ctx.queue.add({ runId: run.id, kind: 'start' });
    else if (
      run.status === 'running' &&
      (run.ownerPid === null || !isProcessAlive(run.ownerPid)) &&
      !ctx.worker.isActive(run.id)
    )
      await ctx.store.updateRun(run.id, { status: 'interrupted', ownerPid: null });
  }
}
