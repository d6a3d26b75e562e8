/**
 * The users of the multi-user service as plain data: what the store keeps and returns, and
 * what `src/auth/` and its callers work with (`src/auth/types.ts` re-exports these).
 */

/** A tier name (ARCHITECTURE.md §3). */
export type TierName = 'free' | 'advanced' | 'premium' | 'tester' | 'admin' | 'developer';

/** A user as callers see it: never the password hash. Times are ISO-8601 (UTC). */
export interface User {
  id: string;
  username: string;
  tier: TierName;
  blocked: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Usage of one user, for admins and `GET /me`. */
export interface Usage {
  userId: string;
  requests: number;
  runs: number;
  repos: number;
  agentCalls: number;
}

/** One audit log entry. `details` never holds a password or a token. */
export interface AuditEntry {
  id: number;
  ts: string;
  /** `login`, `login-failed`, `login-throttled`, `register`, `logout`, `user-create`, `user-block`, `user-unblock`, `user-delete`, `tier-change`, `token-create`. */
  action: string;
  /** The user who acted (null for anonymous, e.g. a failed login of an unknown name). */
  actorId: string | null;
  /** The user acted on, when there is one. */
  targetId: string | null;
  details: Record<string, unknown>;
}

/**
 * The security-relevant actions the audit log records: `register`, `login`,
 * `login-failed` (wrong password or unknown name: `details.reason`), `login-throttled`,
 * `logout`, `token-create`, `user-create`, `user-block`, `user-unblock`, `user-delete`,
 * `tier-change` (`details.from`, `details.to`).
 */
export type AuditAction =
  | 'register'
  | 'login'
  | 'login-failed'
  | 'login-throttled'
  | 'logout'
  | 'token-create'
  | 'user-create'
  | 'user-block'
  | 'user-unblock'
  | 'user-delete'
  | 'tier-change'
  | 'agent-intervene';
