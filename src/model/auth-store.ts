import type { AuditAction, AuditEntry, TierName, Usage, User } from './users.js';

/*
 * The operations of the multi-user service on the store (users, sessions and API tokens,
 * login throttle, rate windows, quotas and usage, audit). Decisions (tiers, policies,
 * refusals as HTTP errors) stay in `src/auth/`; each operation here is one atomic step and
 * reports a refused write as data (`UserWrite`), not as an error.
 */

/** A user with the password hash, which never leaves `src/auth` and the store. */
export interface UserWithHash {
  user: User;
  passwordHash: string;
}

/** Why the store refused a write to `users`. */
export type UserRefusal =
  /** No user has this id. */
  | 'not-found'
  /** The username (case-insensitive) is taken. */
  | 'username-taken'
  /** There is an admin already: the unique partial index holds exactly one. */
  | 'second-admin'
  /** The write would demote or delete the one admin. */
  | 'last-admin'
  /** A registration asked for a tier other than free while users exist. */
  | 'tier-not-free';

/** The outcome of a write to `users`. */
export type UserWrite = { ok: true; user: User } | { ok: false; reason: UserRefusal };

/** A session or API token as found by its hash, with its user as the store has it now. */
export interface FoundToken {
  id: string;
  kind: 'session' | 'api';
  expiresAt: string;
  user: User;
}

/** What {@link LimitStore.claimRepo} did. */
export type RepoClaim =
  | { outcome: 'new' | 'known' }
  /** A new repository over the user's max repos (read with their tier inside the statement). */
  | { outcome: 'full'; tier: TierName }
  | { outcome: 'no-user' };

/** What {@link LimitStore.reserveLoginAttempt} did. */
export type LoginAttempt =
  | { allowed: true; attempts: number }
  /** Refused while the key's delay runs; `nextAttemptAt` null when the row is gone meanwhile. */
  | { allowed: false; nextAttemptAt: string | null };

/** Users and their passwords. Times are ISO-8601; usernames are matched by their key. */
export interface UserStore {
  /** The user whose username key (lower case) is `usernameKey`, with the hash. */
  findUserByKey(usernameKey: string): Promise<UserWithHash | undefined>;
  findUser(id: string): Promise<User | undefined>;
  /** Every user, oldest first (then by username). */
  listUsers(): Promise<User[]>;
  /**
   * Inserts a user. With `onlyFirstMayChoose` (registration), a tier other than free is
   * granted only while the store has no user, in one statement serialised against other
   * registrations, so of simultaneous first registrations exactly one gets it.
   */
  insertUser(
    u: {
      id: string;
      username: string;
      usernameKey: string;
      passwordHash: string;
      tier: TierName;
      onlyFirstMayChoose: boolean;
    },
    now: string,
  ): Promise<UserWrite>;
  /** Sets a tier; never demotes the admin, never makes a second one (atomic). */
  updateUserTier(id: string, tier: TierName, now: string): Promise<UserWrite>;
  updateUserBlocked(id: string, blocked: boolean, now: string): Promise<UserWrite>;
  updatePasswordHash(id: string, hash: string, now: string): Promise<void>;
  /** Deletes a user with their tokens, repos and usage (their runs stay); never the admin. */
  deleteUser(id: string): Promise<UserWrite>;
}

/** Session and API tokens, kept by the SHA-256 of their secret only. */
export interface SessionStore {
  insertToken(
    t: {
      id: string;
      userId: string;
      kind: 'session' | 'api';
      name: string | null;
      hash: string;
      expiresAt: string;
    },
    now: string,
  ): Promise<void>;
  /** The token with this hash joined with its user as stored now (one statement). */
  findTokenByHash(hash: string): Promise<FoundToken | undefined>;
  deleteToken(id: string): Promise<void>;
  /** Deletes the user's tokens that expired at or before `now`. */
  deleteExpiredTokens(userId: string, now: string): Promise<void>;
}

/** Login throttle, hourly rate windows, repository quotas and usage counters. */
export interface LimitStore {
  /**
   * Counts a login attempt on `key` unless its delay runs, atomically. `nextAttemptAt[n-1]`
   * is when the attempt after the n-th may come (the last entry serves every later n); a key
   * untouched since `staleBefore` starts over at one attempt.
   */
  reserveLoginAttempt(r: {
    key: string;
    now: string;
    staleBefore: string;
    nextAttemptAt: readonly string[];
  }): Promise<LoginAttempt>;
  /** Forgets a key's attempts. */
  clearLoginAttempts(key: string): Promise<void>;
  /** Takes back one counted attempt of a key. */
  refundLoginAttempt(key: string): Promise<void>;
  /**
   * Counts one request in the user's window starting at `windowStart` unless it holds
   * `limit` already (one atomic statement). Returns the count after it, or undefined when refused.
   */
  countRequest(r: {
    userId: string;
    windowStart: string;
    limit: number;
  }): Promise<number | undefined>;
  /**
   * Folds the counts of the user's windows that began before `before` into their lifetime
   * requests and deletes those windows; a fold that comes second adds nothing.
   */
  foldRequests(userId: string, before: string, now: string): Promise<void>;
  /** The user's live rate windows, oldest first. */
  rateWindows(userId: string): Promise<Array<{ windowStart: string; count: number }>>;
  /** Adds to a user's lifetime run and agent-call counters (atomic). */
  addUsage(userId: string, d: { runs?: number; agentCalls?: number }, now: string): Promise<void>;
  /** A user's usage, read in one statement; undefined for an unknown user. */
  readUsage(userId: string): Promise<Usage | undefined>;
  /**
   * Records that the user runs `repoKey` unless it is new and they hold `maxRepos[tier]`
   * repositories already (their tier read inside the statement; atomic under concurrency).
   */
  claimRepo(r: {
    userId: string;
    repoKey: string;
    maxRepos: Readonly<Record<TierName, number>>;
    now: string;
  }): Promise<RepoClaim>;
}

/** The audit log. */
export interface AuditStore {
  /** Appends one entry; `details` must never hold a password or a token. */
  appendAudit(
    e: {
      action: AuditAction;
      actorId: string | null;
      targetId: string | null;
      details?: Record<string, unknown>;
    },
    now: string,
  ): Promise<void>;
  /** Entries newest first, at most `limit`; only where `userId` acted or was acted on, when given. */
  listAudit(opts: { limit: number; userId?: string }): Promise<AuditEntry[]>;
}

/** Everything the multi-user service needs of the store. */
export interface AuthStore extends UserStore, SessionStore, LimitStore, AuditStore {}
