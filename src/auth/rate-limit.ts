import { addUsage } from './quota-store.js';
import { TIERS } from './tiers.js';
import type { RateLimitDecision, User } from './types.js';
import type { AuthDb } from './db.js';

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
 */
export async function countRequest(db: AuthDb, user: User, now: Date): Promise<RateLimitDecision> {
  const limit = TIERS[user.tier].requestsPerHour;
  const { start, resetSeconds } = hourWindow(now);
  const row = await db
    .insertInto('rate_windows')
    .values({ user_id: user.id, window_start: start, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb(eb.ref('rate_windows.count'), '+', 1) }))
        .where('rate_windows.count', '<', limit),
    )
    .returning('count')
    .executeTakeFirst();
  if (!row) return { allowed: false, limit, remaining: 0, resetSeconds };
  if (row.count === 1) {
    // First request of a new window: the user's older windows are no longer needed.
    await db
      .deleteFrom('rate_windows')
      .where('user_id', '=', user.id)
      .where('window_start', '<', start)
      .execute();
  }
  await addUsage(db, user.id, { requests: 1 }, now.toISOString());
  return { allowed: true, limit, remaining: Math.max(0, limit - row.count), resetSeconds };
}
