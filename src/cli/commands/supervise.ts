import { requireRun } from '../../core/run-api.js';
import { stopRunProcesses } from '../../core/run-control.js';
import { RunOptionsSchema } from '../../model/run-options.js';
import { Supervisor } from '../../core/supervisor.js';
import { createRunContext } from '../../core/run-context.js';
import { restoreState } from '../../core/restore-state.js';
import { setUpIsolation } from '../../core/isolation.js';
import { withSession } from '../session.js';

/**
 * `repo-runner __supervise <run-id>` (internal): the detached supervisor of `run --detach`.
 * Adopts the run's services from its checkpoints (also those of a run whose supervisor died:
 * `resume`), watches them until SIGTERM/SIGINT, then stops them, releases the ports and
 * marks the run stopped. When every service has been given up after a crash loop it stops
 * too, leaving the run `failed`.
 */
export async function superviseCommand(runId: string): Promise<number> {
  return withSession(async ({ home, store }) => {
    const run = await requireRun(store, runId);
    if (run.status !== 'healthy' && run.status !== 'partial') {
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
    // Restarted services go back into the run's cgroup and sandbox, as they first started.
    const options = RunOptionsSchema.parse(run.options);
    ctx.isolation = (
      await setUpIsolation(store, home, runId, run.userId, {
        network: options.network,
        sandbox: options.sandbox,
        runDir: ctx.runDir,
        adopt: true,
      })
    ).isolation;
    await store.updateRun(runId, { supervisorPid: process.pid });
    const supervisor = new Supervisor(ctx);
    supervisor.start();
    console.log(
      `[${new Date().toISOString()}] supervising run ${runId}: ${supervisor
        .services()
        .map((s) => `${s.name} pid ${s.pid}`)
        .join(', ')}`,
    );
    const ended = await new Promise<'signal' | 'all-failed'>((resolve) => {
      process.once('SIGTERM', () => resolve('signal'));
      process.once('SIGINT', () => resolve('signal'));
      void supervisor.allFailed.then(() => resolve('all-failed'));
    });
    abort.abort();
    await supervisor.stop();
    await stopRunProcesses(store, runId);
    // Every service given up: the run stays `failed` (with their logs), not `stopped`.
    await store.updateRun(
      runId,
      ended === 'signal' ? { status: 'stopped', supervisorPid: null } : { supervisorPid: null },
    );
    console.log(
      `[${new Date().toISOString()}] ${ended === 'signal' ? 'stopped' : 'every service failed in'} run ${runId}`,
    );
    return 0;
  });
}
