import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { principalOf } from '../plugins/auth.js';
import {
  ApiTokenRequestSchema,
  CredentialsSchema,
  ErrorSchema,
  IssuedTokenSchema,
  RegisterSchema,
} from '../schemas.js';

const refusals = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
};

/**
 * `POST /auth/register` and `POST /auth/login` (anonymous: `{ username, password }` →
 * `{ token, expiresAt, user }`), `POST /auth/logout` (revokes the token used) and
 * `POST /auth/tokens` (a long-lived API token).
 */
export const authRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.post(
    '/auth/register',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['auth'],
        summary:
          'create an account (tier free; the first account of a new server may pick any tier); 5 per client address, then 429 with growing Retry-After',
        body: RegisterSchema,
        response: { 201: IssuedTokenSchema, ...refusals },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await ctx.auth.register({ ...req.body, ip: req.ip })),
  );

  app.post(
    '/auth/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['auth'],
        summary: 'exchange a username and password for a session token',
        body: CredentialsSchema,
        response: { 200: IssuedTokenSchema, ...refusals },
      },
    },
    async (req) => ctx.auth.login({ ...req.body, ip: req.ip }),
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'revoke the token this request was made with',
        security: [{ bearer: [] }],
        response: { 204: z.null().describe('no content'), ...refusals },
      },
    },
    async (req, reply) => {
      await ctx.auth.logout(principalOf(req));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'create a long-lived API token (shown once)',
        security: [{ bearer: [] }],
        body: ApiTokenRequestSchema,
        response: { 201: IssuedTokenSchema, ...refusals },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await ctx.auth.createApiToken(principalOf(req), req.body)),
  );
};
