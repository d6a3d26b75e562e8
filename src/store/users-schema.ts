import type { Generated } from 'kysely';

/**
 * Tables of the multi-user service (migration `0003_users`), as kysely sees them; `Database`
 * in `schema.ts` extends {@link UsersDatabase}. Times are ISO-8601 text (UTC), which sorts and
 * compares as time; booleans are integer 0/1; ids are random text (`newId()` in
 * `src/auth/tokens.ts`) except the audit log's, which is auto-numbered so it orders exactly.
 */
export interface UsersTable {
  id: string;
  /** As registered (case kept). */
  username: string;
  /** Lower-cased username: unique, and what login looks up. */
  username_key: string;
  /** argon2id PHC string. */
  password_hash: string;
  /** A `TierName`. At most one row has `admin` (unique partial index `users_one_admin`). */
  tier: string;
  /** 1 when blocked: every token of the user is refused (403) until unblocked. */
  blocked: number;
  created_at: string;
  updated_at: string;
}

/** Row of `auth_tokens`: a session or API token. Only the SHA-256 of the secret is kept. */
export interface AuthTokensTable {
  id: string;
  user_id: string;
  /** `session` or `api`. */
  kind: string;
  /** The API token's name (null for sessions). */
  name: string | null;
  /** Hex SHA-256 of the bearer token; unique. */
  token_hash: string;
  created_at: string;
  expires_at: string;
}

/** Row of `rate_windows`: requests counted in one fixed hour window of one user. */
export interface RateWindowsTable {
  user_id: string;
  /** Start of the UTC hour, ISO-8601. */
  window_start: string;
  count: number;
}

/** Row of `user_repos`: a distinct repository a user has run (for max repos per tier). */
export interface UserReposTable {
  user_id: string;
  repo_key: string;
  created_at: string;
}

/** Row of `user_usage`: lifetime usage counters of a user. */
export interface UserUsageTable {
  user_id: string;
  /**
   * Requests allowed by the rate limiter (refused ones are not counted) in the windows folded
   * so far: the user's total adds the counts of their `rate_windows` from
   * `requests_folded_before` on (migration `0004_usage_from_windows`).
   */
  requests: number;
  /** Start (ISO-8601) of the oldest window not folded into `requests`; `''` before any fold. */
  requests_folded_before: Generated<string>;
  runs: number;
  agent_calls: number;
  updated_at: string;
}

/** Row of `audit_log`: one security-relevant action. */
export interface AuditLogTable {
  id: Generated<number>;
  ts: string;
  action: string;
  /** The acting user; null when anonymous (a failed login). No foreign key: entries outlive users. */
  actor_id: string | null;
  target_id: string | null;
  /** JSON object; never a password or a token. */
  details_json: string;
}

/** Row of `login_throttle`: login attempts since the last success, per username or IP. */
export interface LoginThrottleTable {
  /** `u:<username key>` or `ip:<address>`. */
  key: string;
  attempts: number;
  /** No attempt is accepted before this time. */
  next_attempt_at: string;
  updated_at: string;
}

/** Row of `auth_locks`: rows only taken as locks (`register`: serialises registrations). */
export interface AuthLocksTable {
  name: string;
}

/** The multi-user tables. */
export interface UsersDatabase {
  users: UsersTable;
  auth_tokens: AuthTokensTable;
  rate_windows: RateWindowsTable;
  user_repos: UserReposTable;
  user_usage: UserUsageTable;
  audit_log: AuditLogTable;
  login_throttle: LoginThrottleTable;
  auth_locks: AuthLocksTable;
}
