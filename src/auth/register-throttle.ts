import type { LimitStore } from '../model/auth-store.js';
import { rateLimited } from './errors.js';
import { reserveAttempt, throttleKey, type ThrottlePolicy } from './login-throttle.js';

/**
 * How registrations from one client IP are throttled: 5 accounts without waiting, then the
 * 6th after 1 minute, the next after 2, 4, … up to 1 hour between registrations; a client with no
 * registration for a day starts over. About 10 accounts per client in the first hour, then
 * one an hour: enough for a classroom behind one NAT address, too slow to farm free-tier
 * accounts (each with its own run quota). Only `freeAttemptsPerIp` of the login fields is
 * used (`freeAttempts` is ignored).
 */
export const REGISTER_THROTTLE: Readonly<ThrottlePolicy> = Object.freeze({
  freeAttempts: 4,
  // The throttle delays the attempt after the one that goes over `free`: 4 here lets 5 pass.
  freeAttemptsPerIp: 4,
  baseDelayMs: 60_000,
  maxDelayMs: 3_600_000,
  resetAfterMs: 86_400_000,
});

/**
 * Counts a registration attempt of client `ip` (before the password is hashed, so a flood
 * costs no argon2 time), atomically in the store's login-throttle table under `reg:<ip>`.
 *
 * @throws RefusalError RATE_LIMITED (429, `retryAfterSeconds`) while the client's delay runs.
 */
export async function reserveRegistration(
  store: LimitStore,
  ip: string,
  policy: ThrottlePolicy,
  now: Date,
): Promise<void> {
  const r = await reserveAttempt(
    store,
    throttleKey('reg', ip.slice(0, 64)),
    policy.freeAttemptsPerIp,
    policy,
    now,
  );
  if (!r.allowed)
    throw rateLimited(
      'too many registrations from this address',
      `wait ${Math.ceil(r.retryAfterMs / 1000)} s and try again (Retry-After), or ask an admin to create the account`,
      r.retryAfterMs / 1000,
    );
}
