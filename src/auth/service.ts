import type { AuthStore } from '../model/auth-store.js';
import { authContext, can, requirePermission, type AuthServiceOptions } from './context.js';
import { badInput } from './errors.js';
import { claimRepo, readUsage } from './quota.js';
import { countRequest } from './rate-limit.js';
import { repoKeyOf } from './repo-key.js';
import * as sessions from './sessions.js';
import type { AuthService } from './types.js';
import * as admin from './user-admin.js';
import { validateRepoKey } from './validation.js';

export type { AuthServiceOptions } from './context.js';

/** Number of audit entries returned when no limit is given. */
export const AUDIT_LIMIT_DEFAULT = 100;
/** Most audit entries returned at once. */
export const AUDIT_LIMIT_MAX = 1000;

/** The audit limit asked for, made a whole number from 1 to {@link AUDIT_LIMIT_MAX}. */
const auditLimit = (asked: number | undefined): number =>
  Math.min(
    AUDIT_LIMIT_MAX,
    Math.max(1, Number.isFinite(asked) ? Math.floor(asked as number) : AUDIT_LIMIT_DEFAULT),
  );

const count = (value: unknown, what: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000)
    throw badInput(`${what} must be a whole number from 0 to 1000000`, `pass a count of ${what}`);
  return value;
};

/**
 * The multi-user core over the store's auth operations (SQLite or PostgreSQL): users, argon2id
 * passwords, sessions and API tokens, the one-admin rule, rate limits (fixed UTC-hour
 * windows), max repos, usage and the audit log. Stateless apart from the store, so any
 * number of server processes can share one database. Every refusal is a `RefusalError`
 * (built by `src/auth/errors.ts`) with an HTTP `status`.
 *
 * @throws RefusalError `BAD_INPUT` at creation for a bad `REPO_RUNNER_PASSWORD_MIN_LENGTH`.
 * @example
 * const auth = createAuthService(await openSqliteStore(':memory:'));
 * const { token } = await auth.register({ username: 'dev', password: 'a long passphrase', tier: 'developer' });
 * const principal = await auth.authenticate(token);
 */
export function createAuthService(store: AuthStore, options: AuthServiceOptions = {}): AuthService {
  const ctx = authContext(store, options);
  const iso = () => ctx.now().toISOString();
  return {
    register: (input) => sessions.register(ctx, input),
    login: (input) => sessions.login(ctx, input),
    logout: (principal) => sessions.logout(ctx, principal),
    authenticate: (token) => sessions.authenticate(ctx, token),
    createApiToken: (principal, input) => sessions.createApiToken(ctx, principal, input),
    can,
    hit: (user) => countRequest(store, user, ctx.now()),
    async claimRepo(user, repoKey) {
      await claimRepo(store, user.id, repoKeyOf(validateRepoKey(repoKey)), iso());
    },
    async recordRun(user, opts = {}) {
      const agentCalls = count(opts.agentCalls ?? 0, 'agent calls');
      await store.addUsage(user.id, { runs: 1, agentCalls }, iso());
    },
    async recordAgentCalls(user, n) {
      await store.addUsage(user.id, { agentCalls: count(n, 'agent calls') }, iso());
    },
    usage: (userId) => readUsage(store, userId),
    listUsers: (actor) => admin.listUsers(ctx, actor),
    getUser: (actor, id) => admin.getUser(ctx, actor, id),
    createUser: (actor, input) => admin.createUser(ctx, actor, input),
    setBlocked: (actor, id, blocked) => admin.setBlocked(ctx, actor, id, blocked),
    setTier: (actor, id, tier) => admin.setTier(ctx, actor, id, tier),
    deleteUser: (actor, id) => admin.deleteUser(ctx, actor, id),
    async audit(actor, opts = {}) {
      requirePermission(actor, 'audit:read', 'read the audit log');
      return store.listAudit({
        limit: auditLimit(opts.limit),
        ...(opts.userId !== undefined && { userId: opts.userId }),
      });
    },
  };
}
