import type { AuthStore } from '../model/auth-store.js';
import { forbidden } from './errors.js';
import { THROTTLE_DEFAULTS, type ThrottlePolicy } from './login-throttle.js';
import { REGISTER_THROTTLE } from './register-throttle.js';
import { createArgon2Hasher, type Argon2Params, type PasswordHasher } from './passwords.js';
import { tierGrants } from './tiers.js';
import {
  API_TOKEN_TTL_DAYS_DEFAULT,
  API_TOKEN_TTL_DAYS_MAX,
  SESSION_TTL_MS_DEFAULT,
} from './tokens.js';
import type { Permission, Principal } from './types.js';
import { passwordMinLengthFromEnv, validateTtlDays } from './validation.js';

/** Options of `createAuthService`; every one has a production default. */
export interface AuthServiceOptions {
  /** Shortest password for new passwords. Default: `REPO_RUNNER_PASSWORD_MIN_LENGTH`, else 12. */
  passwordMinLength?: number;
  /** The password hasher. Default: argon2id with `argon2` (default OWASP parameters). */
  hasher?: PasswordHasher;
  /** argon2id parameters of the default hasher; lower them in tests only. */
  argon2?: Partial<Argon2Params>;
  /** Session lifetime, in ms. Default 7 days. */
  sessionTtlMs?: number;
  /** Default API token lifetime, in days. Default 90. */
  apiTokenTtlDays?: number;
  /** Longest API token lifetime a caller may ask for, in days. Default 365. */
  maxApiTokenTtlDays?: number;
  /** Login throttle; see `THROTTLE_DEFAULTS`. */
  throttle?: Partial<ThrottlePolicy>;
  /** Registration throttle per client IP; see `REGISTER_THROTTLE`. */
  registerThrottle?: Partial<ThrottlePolicy>;
  /** The clock (tests move it to expire tokens and roll rate windows). Default `new Date()`. */
  now?: () => Date;
  /** Where `REPO_RUNNER_PASSWORD_MIN_LENGTH` is read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What every part of the service works with: the store, the hasher, the clock, the policy. */
export interface AuthContext {
  store: AuthStore;
  hasher: PasswordHasher;
  now: () => Date;
  passwordMinLength: number;
  sessionTtlMs: number;
  apiTokenTtlDays: number;
  maxApiTokenTtlDays: number;
  throttle: ThrottlePolicy;
  registerThrottle: ThrottlePolicy;
}

/**
 * Resolves options to a context, checking them.
 *
 * @throws RefusalError `BAD_INPUT` for a bad `REPO_RUNNER_PASSWORD_MIN_LENGTH` or token lifetime.
 */
export function authContext(store: AuthStore, o: AuthServiceOptions = {}): AuthContext {
  const maxApiTokenTtlDays = o.maxApiTokenTtlDays ?? API_TOKEN_TTL_DAYS_MAX;
  const throttle = { ...THROTTLE_DEFAULTS, ...o.throttle };
  throttle.resetAfterMs = Math.max(throttle.resetAfterMs, throttle.maxDelayMs);
  return {
    store,
    hasher: o.hasher ?? createArgon2Hasher(o.argon2),
    now: o.now ?? (() => new Date()),
    passwordMinLength: o.passwordMinLength ?? passwordMinLengthFromEnv(o.env),
    sessionTtlMs: o.sessionTtlMs ?? SESSION_TTL_MS_DEFAULT,
    apiTokenTtlDays: validateTtlDays(
      o.apiTokenTtlDays ?? API_TOKEN_TTL_DAYS_DEFAULT,
      maxApiTokenTtlDays,
    ),
    maxApiTokenTtlDays,
    throttle,
    registerThrottle: { ...REGISTER_THROTTLE, ...o.registerThrottle },
  };
}

/** True when the principal's tier grants the permission. */
export const can = (p: Principal, permission: Permission): boolean =>
  tierGrants(p.user.tier, permission);

/**
 * Refuses unless the principal's tier grants `permission`.
 *
 * @throws RefusalError `FORBIDDEN` (403) naming the tier and what it may not do.
 */
export function requirePermission(p: Principal, permission: Permission, what: string): void {
  if (!can(p, permission))
    throw forbidden(
      `tier ${p.user.tier} may not ${what} (needs the ${permission} permission)`,
      'see `repo-runner tiers` for what each tier may do; ask an admin or developer',
    );
}
