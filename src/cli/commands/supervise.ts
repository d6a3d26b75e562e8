import { requireRun } from '../../core/run-api.js';
import { stopRunProcesses } from '../../core/run-control.js';
import { RunOptionsSchema } from '../../model/run-options.js';
import { Supervisor } from '../../core/supervisor.js';
import { createRunContext } from '../../core/run-context.js';
import { restoreState } from '../../core/restore-state.js';
import { withSession } from '../session.js';

/**
 * `repo-runner __supervise <run-id>` (internal): the detached supervisor of `run --detach`.
 * Adopts the run's services from its checkpoints, watches them until SIGTERM/SIGINT, then
 * stops them, releases the ports and marks the run stopped.
 */
export async function superviseCommand(runId: string): Promise<number> {
  return withSession(async ({ home, store }) => {
    const run = await requireRun(store, runId);
    if (run.status !== 'healthy') {
      // Stopped (or failed) before this process got going: adopting now would restart services.
      console.log(`run ${runId} is ${run.status}: nothing to supervise`);
      return 0;
    }
    const abort = new AbortController();
    const ctx = createRunContext({
      runId,
      source: run.source,
      home,
      options: RunOptionsSchema.parse(run.options),
      store,
      signal: abort.signal,
      // The run is healthy: its live phases' processes are up, and adopted as they are.
      state: await restoreState(store, runId, { live: true }),
    });
    await store.updateRun(runId, { supervisorPid: process.pid });
    const supervisor = new Supervisor(ctx);
    supervisor.start();
    console.log(
      `[${new Date().toISOString()}] supervising run ${runId}: ${supervisor
        .services()
        .map((s) => `${s.name} pid ${s.pid}`)
        .join(', ')}`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    abort.abort();
    await supervisor.stop();
    await stopRunProcesses(store, runId);
    await store.updateRun(runId, { status: 'stopped', supervisorPid: null });
    console.log(`[${new Date().toISOString()}] stopped run ${runId}`);
    return 0;
  });
}
