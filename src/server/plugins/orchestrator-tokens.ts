import type { FastifyInstance } from 'fastify';
import { RefusalError } from '../../model/errors.js';
import type { Store } from '../../model/store.js';

/** What a business orchestrator's own token may read besides its endpoint: its runs, and `me`. */
const READS = /^\/api\/v1\/(me|runs\/[^/]+(\/(report|logs|index))?)$/;

/**
 * Confines a business orchestrator's service user (src/admin/orchestrators.ts) to its own
 * endpoint: its tokens may use `/api/v1/orchestrators/<name>/…` and read (GET) the runs it
 * started (the usual ownership check applies) and `/api/v1/me`; anything else is 403,
 * before the route runs. Registered after the auth plugin, whose hook sets the principal.
 */
export function orchestratorTokensPlugin(app: FastifyInstance, store: Store): void {
  app.addHook('onRequest', async (req) => {
    const principal = req.principal;
    // A service user has API tokens only (its password is random and never shown), so a
    // session needs no lookup.
    if (!principal || principal.tokenKind !== 'api') return;
    const o = await store.orchestratorOfUser(principal.user.id);
    if (!o) return;
    const url = req.url.split('?')[0] ?? '';
    const own = url === `/api/v1/orchestrators/${o.name}/runs`;
    if (own || (req.method === 'GET' && READS.test(url))) return;
    throw new RefusalError(
      'FORBIDDEN',
      `this token belongs to business orchestrator ${o.name}: it may only use /api/v1/orchestrators/${o.name}/runs and read its own runs`,
      'use a user token for anything else',
    );
  });
}
