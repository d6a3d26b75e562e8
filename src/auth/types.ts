/**
 * The seam between the multi-user service's core (`src/auth/`: tiers, users, passwords,
 * sessions and API tokens, rate limits, quotas, usage, audit) and its callers (the REST API
 * in `src/server/`, the CLI). Callers depend on these types only; `createAuthService` in
 * `src/auth/service.ts` is the implementation over the store.
 */

import type { AuditEntry, TierName, Usage, User } from '../model/users.js';

export type { AuditEntry, TierName, Usage, User } from '../model/users.js';

/** An authenticated request's principal: the user and the token that proved it. */
export interface Principal {
  user: User;
  /** Id of the session or API token row (not the secret). */
  tokenId: string;
  tokenKind: 'session' | 'api';
}

/** What a successful login or registration returns. `token` is shown once, stored hashed. */
export interface IssuedToken {
  token: string;
  /** ISO-8601 expiry. */
  expiresAt: string;
  user: User;
}

/** The outcome of counting one request against a user's hourly allowance. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Requests allowed per window (the tier's requests/hour). */
  limit: number;
  /** Requests left in the current window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the window resets (for `RateLimit-Reset` and `Retry-After`). */
  resetSeconds: number;
}

/**
 * Authorization checks callers make, by permission name, so the matrix lives in one place
 * (`src/auth/tiers.ts`). Mirrors ARCHITECTURE.md §3.
 */
export type Permission =
  | 'runs' // create and read one's own runs, plans, search
  | 'search:simple'
  | 'search:faiss'
  | 'search:chroma'
  | 'gpu'
  | 'users:manage' // admin, developer
  | 'runs:all' // read and stop every user's runs: tester, admin, developer
  | 'audit:read' // admin, developer (tester: admin privileges except user management)
  | 'admin-agent'; // developer only

/**
 * The multi-user core. Every method that can be refused throws a `RefusalError`
 * (`model/errors.ts`, built by `src/auth/errors.ts`) carrying an HTTP `status` (400, 401, 403,
 * 404, 409, 429), a message that says what was wrong, a `hint` that says what to do, and on
 * 429 `retryAfterSeconds`.
 */
export interface AuthService {
  /**
   * Registers a user (tier `free`, except the very first user of an empty store, who may ask
   * for any tier). With `ip`, throttled per client (`REGISTER_THROTTLE`: 429 with
   * `retryAfterSeconds`).
   */
  register(input: {
    username: string;
    password: string;
    tier?: TierName;
    ip?: string;
  }): Promise<IssuedToken>;
  /**
   * Checks a password (same time for unknown users; repeated failures throttled per username
   * and, when `ip` is given, per client address: 429 with `retryAfterSeconds`) and issues a
   * session token.
   */
  login(input: { username: string; password: string; ip?: string }): Promise<IssuedToken>;
  /** Revokes the token of this principal. */
  logout(principal: Principal): Promise<void>;
  /** Resolves a bearer token to its principal; throws 401 for unknown, expired or forged tokens and 403 for blocked users. */
  authenticate(token: string): Promise<Principal>;
  /** Issues a long-lived API token for the principal's user. */
  createApiToken(
    principal: Principal,
    input: { name: string; ttlDays?: number },
  ): Promise<IssuedToken>;
  /** True when the principal's tier grants the permission. */
  can(principal: Principal, permission: Permission): boolean;
  /**
   * Counts one request against the user's tier allowance, atomically. Windows are fixed UTC
   * hours: the count starts again on the hour; `resetSeconds` is the time to the next hour.
   * A refused request is not counted (see `src/auth/rate-limit.ts`).
   */
  hit(user: User): Promise<RateLimitDecision>;
  /**
   * Records that the user runs this repository (`repoKey`: the source as given, a git URL or
   * an absolute path; normalised with `repoKeyOf`, so `…/app.git` and `git@host:org/app` are
   * one); throws 403 when it is a new repo over the tier's max repos. Atomic under concurrency.
   */
  claimRepo(user: User, repoKey: string): Promise<void>;
  /** Counts a run (and the agent calls it made, default 0) in the user's usage. */
  recordRun(user: User, opts?: { agentCalls?: number }): Promise<void>;
  /** Counts agent calls (model calls by agents) in the user's usage. */
  recordAgentCalls(user: User, count: number): Promise<void>;
  /** A user's usage (404 for an unknown user). The caller decides who may read whose. */
  usage(userId: string): Promise<Usage>;

  // User management: the actor must hold `users:manage`.
  listUsers(actor: Principal): Promise<User[]>;
  getUser(actor: Principal, id: string): Promise<User>;
  createUser(
    actor: Principal,
    input: { username: string; password: string; tier: TierName },
  ): Promise<User>;
  setBlocked(actor: Principal, id: string, blocked: boolean): Promise<User>;
  setTier(actor: Principal, id: string, tier: TierName): Promise<User>;
  deleteUser(actor: Principal, id: string): Promise<void>;
  /**
   * The audit log, newest first (actor must hold `audit:read`): at most `limit` entries
   * (1-1000, default 100), only those where `userId` acted or was acted on when given.
   */
  audit(actor: Principal, opts?: { limit?: number; userId?: string }): Promise<AuditEntry[]>;
}
