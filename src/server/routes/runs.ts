import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createQueuedRun } from '../../core/run-api.js';
import { BackendNotAllowedError, backendAllowed } from '../../index/select-backend.js';
import type { Principal } from '../../auth/types.js';
import { RepoRunnerError } from '../../model/errors.js';
import type { RunOptions } from '../../model/run-options.js';
import type { RunRecord } from '../../model/store.js';
import type { ServerContext } from '../context.js';
import { assertCapability, principalOf, requireCapability } from '../plugins/auth.js';
import { checkPublicSource, checkSource } from '../repo-source.js';
import { runSummary, visibleRun } from '../run-access.js';
import {
  CreateRunSchema,
  RunDetailSchema,
  RunListQuerySchema,
  RunSummarySchema,
} from '../run-schemas.js';
import { ErrorSchema, IdParamsSchema } from '../schemas.js';

const errors = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  429: ErrorSchema,
};
const security = [{ bearer: [] }];

/**
 * `POST /runs` (202 queued: a worker executes it), `GET /runs` (own runs; `?all=true` every
 * user's with `runs:all`), `GET /runs/:id` and `GET /runs/:id/report`.
 */
export const runsRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.post(
    '/runs',
    {
      preHandler: requireCapability(ctx.auth, 'runs', 'start runs'),
      schema: {
        tags: ['runs'],
        summary: 'start a run of a git URL or a path under the repos roots',
        security,
        body: CreateRunSchema,
        response: { 202: RunSummarySchema, ...errors },
      },
    },
    async (req, reply) => {
      const run = await startApiRun(ctx, principalOf(req), req.body);
      return reply.code(202).header('Location', `/api/v1/runs/${run.id}`).send(runSummary(run));
    },
  );

  app.get(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'list runs, newest first',
        security,
        querystring: RunListQuerySchema,
        response: { 200: z.object({ runs: z.array(RunSummarySchema) }), ...errors },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const all = req.query.all === 'true';
      if (all)
        assertCapability(
          ctx.auth,
          principal,
          'runs:all',
          "list other users' runs",
          'drop ?all=true to list your own runs',
        );
      const limit = req.query.limit ?? 50;
      const runs = await ctx.store.listRuns(limit, all ? {} : { userId: principal.user.id });
      return { runs: runs.map(runSummary) };
    },
  );

  app.get(
    '/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'one run: status, phases, report',
        security,
        params: IdParamsSchema,
        response: { 200: RunDetailSchema, ...errors },
      },
    },
    async (req) => {
      const run = await visibleRun(ctx, principalOf(req), req.params.id);
      return { ...runSummary(run), phases: await ctx.store.getPhases(run.id), report: run.report };
    },
  );

  app.get(
    '/runs/:id/report',
    {
      schema: {
        tags: ['runs'],
        summary: "the run's Report (404 until it has one)",
        security,
        params: IdParamsSchema,
        response: { 200: z.unknown(), ...errors },
      },
    },
    async (req, reply) => {
      const run = await visibleRun(ctx, principalOf(req), req.params.id);
      if (run.report === null)
        return reply.code(404).send({
          error: {
            code: 'NO_REPORT_YET',
            message: `run ${run.id} is ${run.status} and has no report yet`,
            hint: `follow it with GET /api/v1/runs/${run.id}/logs`,
          },
        });
      return run.report;
    },
  );
};

/**
 * Starts a run for an API caller: the tier's index backend check, the source check (repos
 * roots, public hosts), the repo quota, then a queued run (with `extra` options, e.g. the
 * business orchestrator it came through) for the workers. The sandbox and the network are
 * the server's to decide, never the caller's.
 * @throws RefusalError / RepoRunnerError FORBIDDEN, BAD_INPUT, RATE_LIMITED as the checks decide.
 */
export async function startApiRun(
  ctx: ServerContext,
  principal: Principal,
  body: z.infer<typeof CreateRunSchema>,
  extra: Partial<RunOptions> = {},
): Promise<RunRecord> {
  const backend = body.options?.indexBackend;
  if (backend && !backendAllowed(principal.user.tier, backend)) {
    throw new RepoRunnerError(
      'FORBIDDEN',
      new BackendNotAllowedError(principal.user.tier, backend).message,
      'see GET /api/v1/tiers for what each tier includes',
    );
  }
  const checked = checkSource(body.source, ctx.roots);
  await checkPublicSource(checked);
  await ctx.auth.claimRepo(principal.user, checked.repoKey);
  const runId = await createQueuedRun(
    ctx.store,
    checked.source,
    { ...body.options, ...extra, detach: true, sandbox: ctx.sandbox, network: 'run' },
    { userId: principal.user.id },
  );
  await ctx.auth.recordRun(principal.user);
  await ctx.queue.add({ runId, kind: 'start' });
  return visibleRun(ctx, principal, runId);
}
