import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService, Permission, Principal, RateLimitDecision } from '../../auth/types.js';
import type { AuthMode } from '../fastify-types.js';
import { RefusalError } from '../../model/errors.js';
import { forbidden, unauthorized } from '../refusals.js';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** The bearer token of a request; null when there is no Authorization header. */
function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  if (!match?.[1])
    throw unauthorized(
      'the Authorization header is not `Bearer <token>`',
      'send `Authorization: Bearer <token>` with the token from POST /api/v1/auth/login',
    );
  return match[1];
}

/** Sets the `RateLimit-*` headers (IETF draft names) of a decision. */
export function setRateLimitHeaders(reply: FastifyReply, d: RateLimitDecision): void {
  reply.header('RateLimit-Limit', String(d.limit));
  reply.header('RateLimit-Remaining', String(Math.max(0, d.remaining)));
  reply.header('RateLimit-Reset', String(Math.max(0, Math.ceil(d.resetSeconds))));
  if (!d.allowed) reply.header('Retry-After', String(Math.max(1, Math.ceil(d.resetSeconds))));
}

function modeOf(req: FastifyRequest): AuthMode {
  const configured = req.routeOptions.config.auth;
  if (configured) return configured;
  return req.routeOptions.url?.startsWith('/api/') ? 'required' : 'none';
}

/**
 * Authentication and rate limiting, before the body is even parsed: a Bearer token is
 * resolved with `auth.authenticate` (401 unknown/expired/forged, 403 blocked), then the
 * request is counted with `auth.hit` (429 with `Retry-After` over the tier's allowance).
 * Every authenticated response carries `RateLimit-Limit`, `-Remaining` and `-Reset`.
 */
export function authPlugin(app: FastifyInstance, opts: { auth: AuthService }): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req, reply) => {
    const mode = modeOf(req);
    if (mode === 'none') return;
    const token = bearerToken(req);
    if (token === null) {
      if (mode === 'optional') return;
      throw unauthorized('this endpoint needs a token');
    }
    const principal = await opts.auth.authenticate(token);
    const decision = await opts.auth.hit(principal.user);
    setRateLimitHeaders(reply, decision);
    if (!decision.allowed)
      throw new RefusalError(
        'RATE_LIMITED',
        `rate limit reached: ${decision.limit} requests per hour for tier ${principal.user.tier}`,
        `wait ${Math.ceil(decision.resetSeconds)} s (Retry-After), or ask an admin for a higher tier`,
      );
    req.principal = principal;
  });
}

/** The principal of an authenticated route (the auth plugin guarantees one). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized('this endpoint needs a token');
  return req.principal;
}

/**
 * Refuses (403) unless the principal's tier grants `permission`; the message names the tier
 * and what it may not do. For checks that depend on the request (`?all=true`, another
 * user's id); a whole route uses {@link requireCapability}.
 *
 * @throws RefusalError `FORBIDDEN`.
 */
export function assertCapability(
  auth: AuthService,
  principal: Principal,
  permission: Permission,
  what: string,
  hint = 'ask an admin for another tier',
): void {
  if (!auth.can(principal, permission))
    throw forbidden(`tier ${principal.user.tier} cannot ${what}`, hint);
}

/**
 * A route's `preHandler` that refuses (403) callers whose tier lacks `permission`, before
 * the handler runs.
 *
 * @example
 * app.post('/runs', { preHandler: requireCapability(ctx.auth, 'runs', 'start runs'), schema }, handler);
 */
export const requireCapability =
  (auth: AuthService, permission: Permission, what: string) =>
  async (req: FastifyRequest): Promise<void> =>
    assertCapability(auth, principalOf(req), permission, what);
