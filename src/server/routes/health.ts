import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';

/** `GET /healthz`, unauthenticated: the server answers and its store does. */
export const healthRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(
    '/healthz',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['meta'],
        summary: 'liveness: the server and its store answer',
        response: {
          200: z.object({
            status: z.literal('ok'),
            queue: z.object({ waiting: z.number(), active: z.number(), done: z.number() }),
          }),
        },
      },
    },
    async () => {
      await ctx.store.listRuns(1);
      return { status: 'ok' as const, queue: ctx.queue.stats() };
    },
  );
};
