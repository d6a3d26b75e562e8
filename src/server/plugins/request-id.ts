import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

const GOOD_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Request ids: a caller's own `X-Request-Id` when it is short and plain, else a new UUID.
 * Pass to Fastify's `genReqId`.
 */
export const genReqId: NonNullable<FastifyServerOptions['genReqId']> = (req) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && GOOD_ID.test(given) ? given : randomUUID();
};

/**
 * Echoes the request id in an `X-Request-Id` header on every response (errors included), so
 * a caller can quote it and an operator can find it in the log.
 */
export function requestIdPlugin(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });
}
