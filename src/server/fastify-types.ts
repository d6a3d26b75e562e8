import type { Principal } from '../auth/types.js';

/** How a route authenticates: `required` (default under /api/), `optional` or `none`. */
export type AuthMode = 'required' | 'optional' | 'none';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null (anonymous routes). Set by the auth plugin. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}
