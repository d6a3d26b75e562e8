import { isProcessAlive } from '../exec/process-group.js';
import type { Report } from '../model/report.js';
import type { RunningService } from '../model/run-state.js';
import type { RunStatus, Store } from '../model/store.js';

/**
 * What the Supervisor writes to the store as services restart or are given up, so `status`
 * and the API's run view (which read the stored report) show the live pid, the restart
 * count and a failed service's last log lines.
 */

/** Runs the supervisor may change: a stopped or interrupted run keeps its status. */
const SUPERVISED: readonly RunStatus[] = ['healthy', 'partial', 'failed'];

async function updateService(
  store: Store,
  runId: string,
  name: string,
  change: (s: Report['services'][number]) => Report['services'][number],
): Promise<void> {
  const run = await store.getRun(runId);
  const report = run?.report as Report | null | undefined;
  if (!run || !report || !SUPERVISED.includes(run.status)) return;
  const services = report.services.map((s) => (s.name === name ? change(s) : s));
  const healthy = services.filter((s) => s.health === 'healthy').length;
  // The Report's rule (OrchestratorAgent): all healthy, some healthy, or none.
  const status: Report['status'] =
    healthy === services.length && !report.error ? 'healthy' : healthy > 0 ? 'partial' : 'failed';
  await store.updateRun(runId, { report: { ...report, services, status }, status });
}

/** Ends the process records of `service` whose process is gone (its crashed predecessors). */
async function endDeadRecords(store: Store, runId: string, service: string): Promise<void> {
  for (const p of await store.openProcesses(runId))
    if (p.service === service && !isProcessAlive(p.pid)) await store.endProcess(p.id);
}

/** Records a restarted service's new pid and restart count in the run's report. */
export async function recordServicePid(
  store: Store,
  runId: string,
  svc: RunningService,
  restarts: number,
): Promise<void> {
  await endDeadRecords(store, runId, svc.name);
  await updateService(store, runId, svc.name, (s) => ({ ...s, pid: svc.pid, restarts }));
}

/**
 * Records a service given up after a crash loop: health `failed`, no pid, its last log
 * lines; the run becomes `partial` (others still healthy) or `failed`.
 */
export async function recordServiceFailed(
  store: Store,
  runId: string,
  name: string,
  failure: { restarts: number; detail: string; logTail: string[] },
): Promise<void> {
  await endDeadRecords(store, runId, name);
  await updateService(store, runId, name, (s) => ({
    ...s,
    health: 'failed',
    pid: null,
    restarts: failure.restarts,
    detail: failure.detail,
    logTail: failure.logTail,
  }));
}
