import { sql, type Expression } from 'kysely';
import type { AuthDb } from './db.js';

/**
 * How failed logins slow down. Never a lockout: the delay is capped, and a key with no
 * attempt for `resetAfterMs` starts over. OWASP Authentication Cheat Sheet ("Login
 * Throttling", "Account Lockout"): throttle with growing delays rather than lock accounts,
 * which would let anyone lock anyone out.
 */
export interface ThrottlePolicy {
  /** Attempts per username without delay: 5. */
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

/** The throttle key of a username (its lower-case key) or of a client IP. */
export const throttleKey = (kind: 'u' | 'ip', value: string): string => `${kind}:${value}`;

/** What {@link reserveAttempt} decided. */
export type Reservation =
  | { allowed: true; attempts: number; nowThrottled: boolean }
  | { allowed: false; retryAfterMs: number };

/**
 * Counts a login attempt on `key` before the password is checked, atomically, and refuses it
 * while the key's delay runs. Counting first (not after a failure) is what makes the
 * throttle hold under concurrency: a burst of simultaneous attempts cannot all pass the
 * check before the first failure is written. One statement: `insert … on conflict do update
 * set attempts = attempts + 1, next_attempt_at = <delay by attempts> where next_attempt_at
 * <= now returning attempts`; the delays are computed here and passed as a CASE ladder.
 * `nowThrottled` is true on the attempt that starts the delays (for the audit log).
 */
export async function reserveAttempt(
  db: AuthDb,
  key: string,
  free: number,
  policy: ThrottlePolicy,
  now: Date,
): Promise<Reservation> {
  const t = now.getTime();
  const at = (n: number) => new Date(t + delayAfter(n, free, policy)).toISOString();
  const iso = now.toISOString();
  const stale = new Date(t - policy.resetAfterMs).toISOString();
  const steps = Math.ceil(Math.log2(policy.maxDelayMs / policy.baseDelayMs)) + 1;
  const row = await db
    .insertInto('login_throttle')
    .values({ key, attempts: 1, next_attempt_at: at(1), updated_at: iso })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => {
          const attempts = eb.ref('login_throttle.attempts');
          const isStale = eb(eb.ref('login_throttle.updated_at'), '<', stale);
          let ladder = eb.case().when(isStale).then(at(1)).when(attempts, '<', free).then(iso);
          for (let n = free; n < free + steps; n++)
            ladder = ladder.when(attempts, '=', n).then(at(n + 1));
          return {
            attempts: eb
              .case()
              .when(isStale)
              .then(1)
              .else(eb(attempts, '+', 1))
              .end(),
            next_attempt_at: ladder.else(at(free + steps + 1)).end() as Expression<string>,
            updated_at: iso,
          };
        })
        .where('login_throttle.next_attempt_at', '<=', iso),
    )
    .returning('attempts')
    .executeTakeFirst();
  if (row)
    return { allowed: true, attempts: row.attempts, nowThrottled: row.attempts === free + 1 };
  const current = await db
    .selectFrom('login_throttle')
    .select('next_attempt_at')
    .where('key', '=', key)
    .executeTakeFirst();
  const until = current ? Date.parse(current.next_attempt_at) : t;
  return { allowed: false, retryAfterMs: Math.max(1000, until - t) };
}

/** Forgets a username's attempts after a successful login. */
export async function clearAttempts(db: AuthDb, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** Takes back one counted attempt (a successful login from an IP does not count against it). */
export async function refundAttempt(db: AuthDb, key: string): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ attempts: sql<number>`attempts - 1` })
    .where('key', '=', key)
    .where('attempts', '>', 0)
    .execute();
}
