import type { LimitStore } from '../model/auth-store.js';

/**
 * How failed logins slow down. Never a lockout: the delay is capped, and a key with no
 * attempt for `resetAfterMs` starts over. OWASP Authentication Cheat Sheet ("Login
 * Throttling", "Account Lockout"): throttle with growing delays rather than lock accounts,
 * which would let anyone lock anyone out.
 */
export interface ThrottlePolicy {
  /** Attempts per username from one client (per username when no client is known) without delay: 5. */
  freeAttempts: number;
  /** Attempts per client IP without delay: 20 (IPs are shared behind NAT). */
  freeAttemptsPerIp: number;
  /** Delay after the first attempt beyond the free ones, in ms: 1000; doubles each attempt. */
  baseDelayMs: number;
  /** Largest delay, in ms: 15 minutes. */
  maxDelayMs: number;
  /** A key with no attempt for this long (ms) starts over: 1 hour (at least `maxDelayMs`). */
  resetAfterMs: number;
}

/** The default {@link ThrottlePolicy}. */
export const THROTTLE_DEFAULTS: Readonly<ThrottlePolicy> = Object.freeze({
  freeAttempts: 5,
  freeAttemptsPerIp: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  resetAfterMs: 3_600_000,
});

/** The delay (ms) before the attempt after attempt number `n`, with `free` free attempts. */
export function delayAfter(n: number, free: number, p: ThrottlePolicy): number {
  if (n <= free) return 0;
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(n - free - 1, 40));
}

/**
 * A throttle key: `ua` a (username key, client IP) pair, `u` a username alone (logins with
 * no client address: the local CLI), `ip` a client IP, `reg` a client IP's registrations.
 */
export const throttleKey = (kind: 'u' | 'ua' | 'ip' | 'reg', value: string): string =>
  `${kind}:${value}`;

/**
 * The keys a login attempt is counted on, with their free attempts: the client, and the
 * account as seen from that client (OWASP Authentication Cheat Sheet: throttle per account
 * and client pair). Failures from one client then never delay the account's owner on
 * another, so an attacker cannot lock a user out; the per-client key still bounds how
 * many accounts one client can try.
 */
export function loginKeys(
  usernameKey: string,
  ip: string | undefined,
  p: ThrottlePolicy,
): { client: ThrottleKey | null; account: ThrottleKey } {
  if (!ip)
    return { client: null, account: { key: throttleKey('u', usernameKey), free: p.freeAttempts } };
  const client = ip.slice(0, 64);
  return {
    client: { key: throttleKey('ip', client), free: p.freeAttemptsPerIp },
    account: { key: throttleKey('ua', `${usernameKey}|${client}`), free: p.freeAttempts },
  };
}

/** A key and how many attempts on it are free of delay. */
export interface ThrottleKey {
  key: string;
  free: number;
}

/** What {@link reserveAttempt} decided. */
export type Reservation =
  | { allowed: true; attempts: number; nowThrottled: boolean }
  | { allowed: false; retryAfterMs: number };

/**
 * Counts a login attempt on `key` before the password is checked, atomically, and refuses it
 * while the key's delay runs. Counting first (not after a failure) is what makes the
 * throttle hold under concurrency: a burst of simultaneous attempts cannot all pass the
 * check before the first failure is written. The delays are computed here, per attempt
 * count up to the largest, and the store applies them in the same statement that counts.
 * `nowThrottled` is true on the attempt that starts the delays (for the audit log).
 */
export async function reserveAttempt(
  store: LimitStore,
  key: string,
  free: number,
  policy: ThrottlePolicy,
  now: Date,
): Promise<Reservation> {
  const t = now.getTime();
  const steps = Math.ceil(Math.log2(policy.maxDelayMs / policy.baseDelayMs)) + 1;
  const nextAttemptAt = Array.from({ length: free + steps + 1 }, (_, i) =>
    new Date(t + delayAfter(i + 1, free, policy)).toISOString(),
  );
  const r = await store.reserveLoginAttempt({
    key,
    now: now.toISOString(),
    staleBefore: new Date(t - policy.resetAfterMs).toISOString(),
    nextAttemptAt,
  });
  if (r.allowed)
    return { allowed: true, attempts: r.attempts, nowThrottled: r.attempts === free + 1 };
  const until = r.nextAttemptAt ? Date.parse(r.nextAttemptAt) : t;
  return { allowed: false, retryAfterMs: Math.max(1000, until - t) };
}
