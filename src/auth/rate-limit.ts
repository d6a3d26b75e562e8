import type { LimitStore } from '../model/auth-store.js';
import { TIERS } from './tiers.js';
import type { RateLimitDecision, User } from './types.js';

/** Length of a rate-limit window: one hour, in ms (the tiers' limits are per hour). */
export const WINDOW_MS = 3_600_000;

/**
 * The fixed window `now` falls in: windows are whole UTC hours (10:00:00.000 to
 * 10:59:59.999), the same for every user. `start` is ISO-8601; `resetSeconds` is the whole
 * seconds until the next hour begins (1 to 3600).
 */
export function hourWindow(now: Date): { start: string; resetSeconds: number } {
  const startMs = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
  return {
    start: new Date(startMs).toISOString(),
    resetSeconds: Math.max(1, Math.ceil((startMs + WINDOW_MS - now.getTime()) / 1000)),
  };
}

/**
 * Counts one request of `user` against their tier's requests/hour (ARCHITECTURE.md §3).
 *
 * Window semantics: fixed windows aligned to the UTC hour. Each window allows exactly
 * `limit` requests; the count starts again at 0 when the next hour begins, whatever was
 * used before (so up to 2 × limit can pass around an hour boundary, the known cost of fixed
 * windows, in exchange for one row and one statement per request). A refused request is not
 * counted, and is not counted in usage either.
 *
 * Atomic: one `insert … on conflict do update set count = count + 1 where count < limit
 * returning count` statement, so concurrent requests (any number of processes, SQLite or
 * PostgreSQL) never let more than `limit` through in a window. A tier change applies to the
 * next request, against the count already made in this window.
 *
 * That statement is the request's only write: the window counts are also the user's usage
 * (`readUsage` adds them up). On the first request of a window, the windows older than the
 * previous one are folded into `user_usage` and deleted (`foldRequests`), so a user keeps
 * only the current and the previous window.
 */
export async function countRequest(
  store: LimitStore,
  user: User,
  now: Date,
): Promise<RateLimitDecision> {
  const limit = TIERS[user.tier].requestsPerHour;
  const { start, resetSeconds } = hourWindow(now);
  const count = await store.countRequest({ userId: user.id, windowStart: start, limit });
  if (count === undefined) return { allowed: false, limit, remaining: 0, resetSeconds };
  if (count === 1) {
    const previous = new Date(Date.parse(start) - WINDOW_MS).toISOString();
    await store.foldRequests(user.id, previous, now.toISOString());
  }
  return { allowed: true, limit, remaining: Math.max(0, limit - count), resetSeconds };
}
