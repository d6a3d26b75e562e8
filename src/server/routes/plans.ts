import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { planRepository } from '../../agents/repo-overrides.js';
import { RunPlanSchema } from '../../model/plan.js';
import { RepoView } from '../../repo/repo-view.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../refusals.js';
import { requireCapability } from '../plugins/auth.js';
import { checkSource } from '../repo-source.js';
import { CreatePlanSchema } from '../run-schemas.js';
import { ErrorSchema } from '../schemas.js';

/**
 * `POST /plans`: detection and planning only (what `repo-runner plan` prints); nothing is
 * installed or run. Takes a local directory under the repos roots, like the CLI's `plan`.
 */
export const plansRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.post(
    '/plans',
    {
      preHandler: requireCapability(ctx.auth, 'runs', 'plan runs'),
      schema: {
        tags: ['runs'],
        summary: 'plan a repository under the repos roots: the RunPlan, nothing run',
        security: [{ bearer: [] }],
        body: CreatePlanSchema,
        response: {
          200: RunPlanSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (req) => {
      const checked = checkSource(req.body.source, ctx.roots);
      if (checked.kind !== 'path')
        throw badRequest(
          'plans take a local directory under the repos roots, not a git URL',
          'start a run of the URL instead (POST /api/v1/runs): its report shows the plan',
        );
      return planRepository(new RepoView(checked.source), req.body.overrides);
    },
  );
};
