import type { Principal } from '../auth/types.js';
import { RefusalError } from '../model/errors.js';
import type { Report } from '../model/report.js';
import type { RunRecord } from '../model/store.js';
import type { ServerContext } from './context.js';

/** The user a run belongs to (null for runs the local CLI made in the same store). */
export function runOwner(run: RunRecord): string | null {
  return run.userId;
}

/**
 * The run, when the principal may see it: its own, or any with `runs:all`. Another user's
 * run answers 404 like a missing one, so ids of other users' runs are not disclosed.
 */
export async function visibleRun(
  ctx: ServerContext,
  principal: Principal,
  id: string,
): Promise<RunRecord> {
  const run = await ctx.store.getRun(id);
  if (!run || (runOwner(run) !== principal.user.id && !ctx.auth.can(principal, 'runs:all')))
    throw new RefusalError(
      'RUN_NOT_FOUND',
      `no run with id ${id}`,
      'list your runs with GET /api/v1/runs',
    );
  return run;
}

/** A run as `GET /runs` lists it. */
export function runSummary(run: RunRecord) {
  const report = run.report as Report | null;
  return {
    id: run.id,
    status: run.status,
    source: run.source,
    userId: runOwner(run),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    services: (report?.services ?? []).map((s) => ({
      name: s.name,
      url: s.url,
      health: s.health,
      pid: s.pid,
      restarts: s.restarts ?? 0,
    })),
  };
}
