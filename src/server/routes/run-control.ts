import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { stopRun } from '../../core/run-api.js';
import { isProcessAlive } from '../../exec/process-group.js';
import type { ServerContext } from '../context.js';
import { conflict, forbidden } from '../refusals.js';
import { principalOf } from '../plugins/auth.js';
import { runOwner, runSummary, visibleRun } from '../run-access.js';
import { RunSummarySchema } from '../run-schemas.js';
import { isOrphaned } from '../../core/adopt-run.js';
import { ErrorSchema, IdParamsSchema } from '../schemas.js';

const errors = {
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
};
const security = [{ bearer: [] }];

/**
 * `POST /runs/:id/stop` (the pipeline if it is executing, the supervisor, every process, the
 * ports) and `POST /runs/:id/resume` (an orphaned run, whose supervisor died while its
 * services run, is adopted by a new supervisor; any other is re-queued and a worker carries
 * on at the first unfinished
 * phase). The owner may do both; `runs:all` may stop any run.
 */
export const runControlRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.post(
    '/runs/:id/stop',
    {
      schema: {
        tags: ['runs'],
        summary: 'stop a run: its pipeline, supervisor and every process; frees its ports',
        security,
        params: IdParamsSchema,
        response: {
          200: RunSummarySchema.extend({ stoppedGroups: z.number() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const run = await visibleRun(ctx, principalOf(req), req.params.id);
      await ctx.worker.abort(run.id);
      const { stoppedGroups } = await stopRun(ctx.store, run.id);
      const after = await visibleRun(ctx, principalOf(req), run.id);
      return { ...runSummary(after), stoppedGroups };
    },
  );

  app.post(
    '/runs/:id/resume',
    {
      schema: {
        tags: ['runs'],
        summary: 'queue a run again: it carries on at its first unfinished phase',
        security,
        params: IdParamsSchema,
        response: { 202: RunSummarySchema, ...errors },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const run = await visibleRun(ctx, principal, req.params.id);
      if (runOwner(run) !== principal.user.id)
        throw forbidden(`run ${run.id} is another user's`, 'only its owner can resume it');
      const supervised = run.supervisorPid !== null && isProcessAlive(run.supervisorPid);
      if (
        run.status === 'queued' ||
        run.status === 'running' ||
        ctx.worker.isActive(run.id) ||
        supervised
      )
        throw conflict(
          `run ${run.id} is ${supervised ? 'up under its supervisor' : run.status}`,
          `stop it first (POST /api/v1/runs/${run.id}/stop), or wait until it ends`,
        );
      // Its supervisor died but its services still run: a new supervisor adopts them as
      // they are (same pids and ports), rather than the run being executed again.
      if (isOrphaned(run) && (await ctx.worker.adopt(run)) !== null)
        return reply.code(202).send(runSummary(await visibleRun(ctx, principal, run.id)));
      await ctx.store.updateRun(run.id, { status: 'queued' });
      await ctx.queue.add({ runId: run.id, kind: 'resume' });
      return reply.code(202).send(runSummary({ ...run, status: 'queued' }));
    },
  );
};
