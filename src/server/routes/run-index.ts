import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  buildContextIndex,
  contextIndexStatus,
  resolveIndexTarget,
  searchContextIndex,
  type IndexCaller,
} from '../../core/context-index.js';
import type { Principal } from '../../auth/types.js';
import { IndexOutcomeSchema } from '../../model/index-outcome.js';
import type { ServerContext } from '../context.js';
import { principalOf } from '../plugins/auth.js';
import { visibleRun } from '../run-access.js';
import { ErrorSchema, IdParamsSchema } from '../schemas.js';

const errors = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
};
const security = [{ bearer: [] }];
const Backend = z.enum(['text', 'faiss', 'chroma']);

const SearchBodySchema = z.object({
  query: z.string().min(1).max(1000).describe('what to look for, in words or identifiers'),
  limit: z.number().int().min(1).max(100).default(10),
  backend: Backend.optional().describe(
    'text, or the vector backend the index was built with (within your tier)',
  ),
  mode: z
    .enum(['text', 'vector', 'hybrid'])
    .optional()
    .describe('default: hybrid on a vector index'),
});

const SearchHitSchema = z.object({
  path: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  language: z.string(),
  score: z.number(),
  snippet: z.string(),
});

const SearchResultSchema = z.object({
  hits: z.array(SearchHitSchema),
  mode: z.enum(['text', 'vector', 'hybrid']),
  backend: Backend,
  notes: z.array(z.string()),
  index: IndexOutcomeSchema,
});

function callerOf(ctx: ServerContext, principal: Principal): IndexCaller {
  return {
    store: ctx.store,
    home: ctx.home,
    userId: principal.user.id,
    tier: principal.user.tier,
    allRuns: ctx.auth.can(principal, 'runs:all'),
    env: process.env,
  };
}

/**
 * The run's context index: `GET /runs/:id/index` (status, backend, why, fallbacks, files,
 * chunks, model), `POST /runs/:id/index` (build or update it now, with a backend within the
 * caller's tier) and `POST /runs/:id/search` (path, lines, score, snippet). A backend beyond
 * the caller's tier answers 403 with a hint (FAISS for free, Chroma for free, advanced and
 * tester: ARCHITECTURE.md §3); another user's run 404 unless the caller has `runs:all`.
 */
export const runIndexRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(
    '/runs/:id/index',
    {
      schema: {
        tags: ['index'],
        summary: "the run's context index: status, backend, fallbacks, files, chunks, model",
        security,
        params: IdParamsSchema,
        response: { 200: IndexOutcomeSchema, ...errors },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const run = await visibleRun(ctx, principal, req.params.id);
      const caller = callerOf(ctx, principal);
      return contextIndexStatus(await resolveIndexTarget(caller, run.id, { allowPath: false }));
    },
  );

  app.post(
    '/runs/:id/index',
    {
      schema: {
        tags: ['index'],
        summary: "build or update the run's context index now (incremental)",
        security,
        params: IdParamsSchema,
        body: z.object({ backend: Backend.optional() }).default({}),
        response: { 200: IndexOutcomeSchema, ...errors },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const run = await visibleRun(ctx, principal, req.params.id);
      const caller = callerOf(ctx, principal);
      const target = await resolveIndexTarget(caller, run.id, { allowPath: false });
      return buildContextIndex(caller, { ...target, tier: caller.tier }, req.body.backend ?? null);
    },
  );

  app.post(
    '/runs/:id/search',
    {
      schema: {
        tags: ['index'],
        summary: "search the run's context index",
        security,
        params: IdParamsSchema,
        body: SearchBodySchema,
        response: { 200: SearchResultSchema, ...errors },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const run = await visibleRun(ctx, principal, req.params.id);
      const caller = callerOf(ctx, principal);
      const target = await resolveIndexTarget(caller, run.id, { allowPath: false });
      const result = await searchContextIndex(caller, target, req.body.query, req.body);
      return { ...result, hits: result.hits.map(({ content: _content, ...h }) => h) };
    },
  );
};
