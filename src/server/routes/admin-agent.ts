import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  agentHistory,
  createAgent,
  rollbackAgent,
  setAgentEnabled,
  validateAgentSpec,
} from '../../admin/agent-specs.js';
import { InterventionPolicySchema } from '../../admin/intervention-policy.js';
import { intervenableRun } from '../../core/intervene.js';
import { AGENT_NAME } from '../../model/agent-spec.js';
import {
  checkOrchestratorName,
  createBusinessOrchestrator,
  serviceUsername,
  validateProfile,
} from '../../admin/orchestrators.js';
import { RefusalError } from '../../model/errors.js';
import type { ServerContext } from '../context.js';
import { runSummary } from '../run-access.js';
import { CreateRunSchema, RunSummarySchema } from '../run-schemas.js';
import { startApiRun } from './runs.js';
import { principalOf, requireCapability } from '../plugins/auth.js';
import { ErrorSchema } from '../schemas.js';

const refusals = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
};
const base = { tags: ['admin-agent'], security: [{ bearer: [] }] };

/** One stored version of an agent spec (src/model/agent-spec.ts). */
const VersionSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  spec: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  change: z.string(),
  fromVersion: z.number().int().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
const NameParams = z.object({ name: z.string().regex(AGENT_NAME) });
const OrchestratorParams = z.object({ name: z.string().min(1).max(100) });
/** A business orchestrator (src/model/orchestrator.ts). */
const OrchestratorSchema = z.object({
  name: z.string(),
  profile: z.record(z.string(), z.unknown()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});

/**
 * The Admin Agent's agent specs (`admin-agent`: developer only; everyone else 403 before
 * the handler runs): list, create (or `replace` as a new version), history, disable,
 * enable, roll back. The spec body is validated by the same schema and vetting as the CLI's
 * spec file (errors name the field).
 */
export const adminAgentRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const developer = requireCapability(ctx.auth, 'admin-agent', 'use the Admin Agent');
  const actor = (req: Parameters<typeof principalOf>[0]) => ({
    user: principalOf(req).user.username,
    home: ctx.home,
  });

  /** The orchestrator named in the path. @throws RefusalError NOT_FOUND. */
  const orchestratorOf = async (name: string) => {
    const o = await ctx.store.getOrchestrator(name);
    if (!o)
      throw new RefusalError(
        'NOT_FOUND',
        `there is no business orchestrator named ${name}`,
        'see GET /api/v1/admin-agent/orchestrators',
      );
    return o;
  };

  /** The developer, or the orchestrator's own service user (its tokens). */
  const developerOrOwn = async (req: FastifyRequest<{ Params: { name: string } }>) => {
    const principal = principalOf(req);
    if (ctx.auth.can(principal, 'admin-agent')) return;
    const own = await ctx.store.orchestratorOfUser(principal.user.id);
    if (own?.name !== req.params.name)
      throw new RefusalError(
        'FORBIDDEN',
        `only a developer or business orchestrator ${req.params.name}'s own token may use its endpoint`,
      );
  };

  app.get(
    '/admin-agent/agents',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary: 'every custom agent, its latest version',
        response: { 200: z.object({ agents: z.array(VersionSchema) }), ...refusals },
      },
    },
    async () => ({ agents: await ctx.store.latestAgentSpecs() }),
  );

  app.post(
    '/admin-agent/agents',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary: 'create a custom agent from a spec (or a new version of one, with replace)',
        body: z.object({
          spec: z.unknown(),
          replace: z.boolean().optional(),
        }),
        response: { 201: VersionSchema, ...refusals },
      },
    },
    async (req, reply) => {
      const spec = validateAgentSpec(req.body.spec);
      const saved = await createAgent(ctx.store, actor(req), spec, req.body.replace ?? false);
      return reply.code(201).send(saved);
    },
  );

  app.get(
    '/admin-agent/agents/:name',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary: "an agent's versions, oldest first",
        params: NameParams,
        response: { 200: z.object({ versions: z.array(VersionSchema) }), ...refusals },
      },
    },
    async (req) => ({ versions: await agentHistory(ctx.store, req.params.name) }),
  );

  for (const [verb, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const)
    app.post(
      `/admin-agent/agents/:name/${verb}`,
      {
        preHandler: developer,
        schema: {
          ...base,
          summary: `${verb} an agent from the next run on (a new version)`,
          params: NameParams,
          response: { 200: VersionSchema, ...refusals },
        },
      },
      async (req) => setAgentEnabled(ctx.store, actor(req), req.params.name, enabled),
    );

  app.post(
    '/admin-agent/agents/:name/rollback',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary: "save an earlier version's spec and on/off state as the newest version",
        params: NameParams,
        body: z.object({ version: z.number().int().positive() }),
        response: { 200: VersionSchema, ...refusals },
      },
    },
    async (req) => rollbackAgent(ctx.store, actor(req), req.params.name, req.body.version),
  );

  app.post(
    '/admin-agent/interventions',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary:
          "the Admin Agent intervenes in a run that failed: it is queued, then resumed by the policy's steps until healthy, else escalated",
        body: z.object({
          runId: z.string().min(1).max(200),
          /** The steps, as `admin-agent intervene --policy` takes them; default: the built-in policy. */
          policy: InterventionPolicySchema.optional(),
        }),
        response: {
          202: z.object({ runId: z.string(), status: z.literal('queued') }),
          ...refusals,
        },
      },
    },
    async (req, reply) => {
      // Refused (404, 409) before anything changes; the worker does the rest.
      const run = await intervenableRun(ctx.store, req.body.runId);
      await ctx.store.updateRun(run.id, { status: 'queued' });
      await ctx.queue.add({
        runId: run.id,
        kind: 'intervene',
        actorId: principalOf(req).user.id,
        ...(req.body.policy ? { policy: req.body.policy } : {}),
      });
      return reply.code(202).send({ runId: run.id, status: 'queued' as const });
    },
  );

  app.get(
    '/admin-agent/orchestrators',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary: 'every business orchestrator and its policies',
        response: { 200: z.object({ orchestrators: z.array(OrchestratorSchema) }), ...refusals },
      },
    },
    async () => ({ orchestrators: await ctx.store.listOrchestrators() }),
  );

  app.post(
    '/admin-agent/orchestrators',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary: "create a business orchestrator: a named client's policies",
        body: z.object({ name: z.string().min(1).max(100), profile: z.unknown().optional() }),
        response: { 201: OrchestratorSchema, ...refusals },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const { name } = req.body;
      checkOrchestratorName(name);
      const profile = validateProfile(req.body.profile);
      if (await ctx.store.getOrchestrator(name))
        throw new RefusalError('CONFLICT', `a business orchestrator named ${name} exists`);
      // Its service user: the holder of its API tokens (a password nobody knows).
      const user = await ctx.auth.createUser(principal, {
        username: serviceUsername(name),
        password: randomBytes(24).toString('base64url'),
        tier: profile.tier ?? 'advanced',
      });
      try {
        const o = await createBusinessOrchestrator(ctx.store, actor(req), name, profile, user.id);
        return reply.code(201).send(o);
      } catch (err) {
        await ctx.auth.deleteUser(principal, user.id).catch(() => undefined);
        throw err;
      }
    },
  );

  app.post(
    '/admin-agent/orchestrators/:name/tokens',
    {
      preHandler: developer,
      schema: {
        ...base,
        summary:
          "an API token of the orchestrator's service user: it may use only /api/v1/orchestrators/:name/… and read the runs it started",
        params: OrchestratorParams,
        body: z.object({
          name: z.string().min(1).max(100),
          ttlDays: z.number().int().min(1).max(365).optional(),
        }),
        response: {
          201: z.object({ token: z.string(), expiresAt: z.string(), orchestrator: z.string() }),
          ...refusals,
        },
      },
    },
    async (req, reply) => {
      const o = await orchestratorOf(req.params.name);
      if (!o.userId)
        throw new RefusalError(
          'CONFLICT',
          `business orchestrator ${o.name} was made by the local CLI and has no service user`,
          'create it through the API to give it tokens',
        );
      const user = await ctx.auth.getUser(principalOf(req), o.userId);
      const issued = await ctx.auth.createApiToken(
        { user, tokenId: 'admin-agent', tokenKind: 'api' },
        req.body,
      );
      return reply
        .code(201)
        .send({ token: issued.token, expiresAt: issued.expiresAt, orchestrator: o.name });
    },
  );

  app.post(
    '/orchestrators/:name/runs',
    {
      preHandler: developerOrOwn,
      schema: {
        tags: ['orchestrators'],
        security: [{ bearer: [] }],
        summary: 'start a run through a business orchestrator: its policies and custom agents',
        params: OrchestratorParams,
        body: CreateRunSchema,
        response: { 202: RunSummarySchema, ...refusals },
      },
    },
    async (req, reply) => {
      const o = await orchestratorOf(req.params.name);
      const run = await startApiRun(ctx, principalOf(req), req.body, { orchestrator: o.name });
      return reply.code(202).header('Location', `/api/v1/runs/${run.id}`).send(runSummary(run));
    },
  );

  app.get(
    '/orchestrators/:name/runs',
    {
      preHandler: developerOrOwn,
      schema: {
        tags: ['orchestrators'],
        security: [{ bearer: [] }],
        summary:
          'the runs started through a business orchestrator, newest first (of the latest 1000)',
        params: OrchestratorParams,
        response: { 200: z.object({ runs: z.array(RunSummarySchema) }), ...refusals },
      },
    },
    async (req) => {
      const o = await orchestratorOf(req.params.name);
      const runs = (await ctx.store.listRuns(1000)).filter(
        (r) => r.options.orchestrator === o.name,
      );
      return { runs: runs.map(runSummary) };
    },
  );
};
