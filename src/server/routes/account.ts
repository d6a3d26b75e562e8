import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TIER_NAMES, TIERS } from '../../auth/tiers.js';
import type { ServerContext } from '../context.js';
import { principalOf } from '../plugins/auth.js';
import {
  AuditEntrySchema,
  ErrorSchema,
  LimitQuerySchema,
  TierSchema,
  UsageSchema,
  UserSchema,
} from '../schemas.js';

const refusals = { 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema };

/** `GET /me` (user, usage, tier), `GET /tiers` (public) and `GET /audit` (`audit:read`). */
export const accountRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['account'],
        summary: 'the caller: user, usage and tier',
        security: [{ bearer: [] }],
        response: {
          200: z.object({ user: UserSchema, usage: UsageSchema, tier: TierSchema }),
          ...refusals,
        },
      },
    },
    async (req) => {
      const { user } = principalOf(req);
      return { user, usage: await ctx.auth.usage(user.id), tier: TIERS[user.tier] };
    },
  );

  app.get(
    '/tiers',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['account'],
        summary: 'every tier: limits and permissions',
        response: { 200: z.object({ tiers: z.array(TierSchema) }) },
      },
    },
    async () => ({ tiers: TIER_NAMES.map((t) => TIERS[t]) }),
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['account'],
        summary: 'the audit log, newest first (admin, developer, tester)',
        security: [{ bearer: [] }],
        querystring: LimitQuerySchema,
        response: {
          200: z.object({ entries: z.array(AuditEntrySchema) }),
          400: ErrorSchema,
          ...refusals,
        },
      },
    },
    async (req) => ({
      entries: await ctx.auth.audit(principalOf(req), { limit: req.query.limit ?? 100 }),
    }),
  );
};
