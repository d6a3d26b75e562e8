import pc from 'picocolors';
import { isOrphaned } from '../../core/adopt-run.js';
import { requireRun } from '../../core/run-api.js';
import type { Report } from '../../model/report.js';
import { isProcessAlive } from '../../exec/process-group.js';
import { renderReport } from '../render/report-text.js';
import { withSession } from '../session.js';

/**
 * `repo-runner status [run-id]`: without an id, the newest runs one line each; with one, that
 * run's report with each service's process checked now (`health: stopped` when it is gone),
 * its current pid and restarts. When the run's supervisor is gone but services still run,
 * it says so and offers `resume` (adopt them) or `stop`.
 */
export async function statusCommand(
  runId: string | undefined,
  flags: { json?: boolean; limit?: string },
): Promise<number> {
  return withSession(async ({ store }) => {
    if (runId) {
      const run = await requireRun(store, runId);
      const report = run.report as Report | null;
      const live = report
        ? {
            ...report,
            services: report.services.map((s) => ({
              ...s,
              health:
                s.health === 'failed' || (s.pid !== null && isProcessAlive(s.pid))
                  ? s.health
                  : ('stopped' as const),
              restarts: s.restarts ?? 0,
            })),
          }
        : null;
      const supervisorAlive = run.supervisorPid !== null && isProcessAlive(run.supervisorPid);
      const orphaned = isOrphaned(run);
      const next = orphaned
        ? [`repo-runner resume ${run.id}`, `repo-runner stop ${run.id}`]
        : undefined;
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ id: run.id, status: run.status, source: run.source, supervisor: supervisorAlive ? run.supervisorPid : null, supervisorGone: orphaned, ...(next ? { next } : {}), report: live, phases: await store.getPhases(run.id) }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(
          `run ${run.id}: ${run.status}${supervisorAlive ? ` (supervisor pid ${run.supervisorPid})` : ''}\n`,
        );
        if (live) process.stdout.write(`${renderReport(live)}\n`);
        if (orphaned)
          process.stdout.write(
            `${pc.yellow('supervisor gone')}: its services still run unwatched (no restarts). Adopt them with ${pc.bold(`repo-runner resume ${run.id}`)}, or end them with ${pc.bold(`repo-runner stop ${run.id}`)}\n`,
          );
      }
      return 0;
    }
    const runs = await store.listRuns(Number(flags.limit ?? 20));
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          runs.map((r) => ({
            id: r.id,
            status: r.status,
            source: r.source,
            createdAt: r.createdAt,
            services:
              (r.report as Report | null)?.services.map((s) => ({ name: s.name, url: s.url })) ??
              [],
          })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (runs.length === 0)
      process.stdout.write('no runs yet: start one with `repo-runner run <path|git-url>`\n');
    for (const r of runs) {
      const urls = ((r.report as Report | null)?.services ?? [])
        .map((s) => `${s.name} ${s.url ?? '-'}`)
        .join(', ');
      process.stdout.write(
        `${pc.bold(r.id)}  ${r.status.padEnd(11)}  ${r.source}${urls ? `  ${pc.dim(urls)}` : ''}\n`,
      );
    }
    return 0;
  });
}
