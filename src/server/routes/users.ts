import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { assertCapability, principalOf } from '../plugins/auth.js';
import {
  CreateUserSchema,
  ErrorSchema,
  IdParamsSchema,
  PatchUserSchema,
  UsageSchema,
  UserSchema,
} from '../schemas.js';

const refusals = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
};
const base = { tags: ['users'], security: [{ bearer: [] }] };

/**
 * User management (`users:manage`: admin, developer): list, get, create, PATCH
 * `{ blocked?, tier? }`, delete; `GET /users/:id/usage` (also a user's own).
 */
export const usersRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(
    '/users',
    {
      schema: {
        ...base,
        summary: 'every user',
        response: { 200: z.object({ users: z.array(UserSchema) }), ...refusals },
      },
    },
    async (req) => ({ users: await ctx.auth.listUsers(principalOf(req)) }),
  );

  app.post(
    '/users',
    {
      schema: {
        ...base,
        summary: 'create a user with a tier',
        body: CreateUserSchema,
        response: { 201: UserSchema, ...refusals },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await ctx.auth.createUser(principalOf(req), req.body)),
  );

  app.get(
    '/users/:id',
    {
      schema: {
        ...base,
        summary: 'one user',
        params: IdParamsSchema,
        response: { 200: UserSchema, ...refusals },
      },
    },
    async (req) => ctx.auth.getUser(principalOf(req), req.params.id),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        ...base,
        summary: 'block, unblock or change the tier of a user',
        params: IdParamsSchema,
        body: PatchUserSchema,
        response: { 200: UserSchema, ...refusals },
      },
    },
    async (req) => {
      const actor = principalOf(req);
      let user = await ctx.auth.getUser(actor, req.params.id);
      if (req.body.tier !== undefined) user = await ctx.auth.setTier(actor, user.id, req.body.tier);
      if (req.body.blocked !== undefined)
        user = await ctx.auth.setBlocked(actor, user.id, req.body.blocked);
      return user;
    },
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        ...base,
        summary: 'delete a user (their tokens go too)',
        params: IdParamsSchema,
        response: { 204: z.null().describe('no content'), ...refusals },
      },
    },
    async (req, reply) => {
      await ctx.auth.deleteUser(principalOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/users/:id/usage',
    {
      schema: {
        ...base,
        summary: "a user's usage (one's own, or any with users:manage)",
        params: IdParamsSchema,
        response: { 200: UsageSchema, ...refusals },
      },
    },
    async (req) => {
      const actor = principalOf(req);
      if (actor.user.id !== req.params.id) {
        assertCapability(
          ctx.auth,
          actor,
          'users:manage',
          "read other users' usage",
          'GET /api/v1/me shows your own',
        );
        await ctx.auth.getUser(actor, req.params.id);
      }
      return ctx.auth.usage(req.params.id);
    },
  );
};
