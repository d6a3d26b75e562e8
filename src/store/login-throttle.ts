import { sql, type Expression } from 'kysely';
import type { LimitStore } from '../model/auth-store.js';
import type { StoreDb } from './serialized.js';

/**
 * The login throttle over kysely. The delays are the caller's policy, passed as the time
 * of the next allowed attempt per attempt count; this file only makes counting and checking
 * one statement: `insert … on conflict do update set attempts = attempts + 1,
 * next_attempt_at = <CASE ladder over attempts> where next_attempt_at <= now returning
 * attempts`. Counting before the password is checked is what makes the throttle hold under
 * concurrency: a burst cannot all pass the check before the first failure is written.
 */
export function loginThrottleOperations(
  db: StoreDb,
): Pick<LimitStore, 'reserveLoginAttempt' | 'clearLoginAttempts' | 'refundLoginAttempt'> {
  return {
    async reserveLoginAttempt({ key, now, staleBefore, nextAttemptAt }) {
      const last = nextAttemptAt.length;
      if (last === 0) throw new Error('reserveLoginAttempt needs at least one next-attempt time');
      const at = (n: number) => nextAttemptAt[Math.min(n, last) - 1]!;
      // The leading counts whose next attempt is `now` (the free attempts) share one branch.
      let free = 0;
      while (free < last - 1 && at(free + 1) === now) free++;
      const row = await db
        .insertInto('login_throttle')
        .values({ key, attempts: 1, next_attempt_at: at(1), updated_at: now })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => {
              const attempts = eb.ref('login_throttle.attempts');
              const isStale = eb(eb.ref('login_throttle.updated_at'), '<', staleBefore);
              let ladder = eb.case().when(isStale).then(at(1)).when(attempts, '<', free).then(now);
              for (let n = free; n < last; n++)
                ladder = ladder.when(attempts, '=', n).then(at(n + 1));
              return {
                attempts: eb
                  .case()
                  .when(isStale)
                  .then(1)
                  .else(eb(attempts, '+', 1))
                  .end(),
                next_attempt_at: ladder.else(at(last)).end() as Expression<string>,
                updated_at: now,
              };
            })
            .where('login_throttle.next_attempt_at', '<=', now),
        )
        .returning('attempts')
        .executeTakeFirst();
      if (row) return { allowed: true, attempts: row.attempts };
      const current = await db
        .selectFrom('login_throttle')
        .select('next_attempt_at')
        .where('key', '=', key)
        .executeTakeFirst();
      return { allowed: false, nextAttemptAt: current?.next_attempt_at ?? null };
    },

    async clearLoginAttempts(key) {
      await db.deleteFrom('login_throttle').where('key', '=', key).execute();
    },

    async refundLoginAttempt(key) {
      await db
        .updateTable('login_throttle')
        .set({ attempts: sql<number>`attempts - 1` })
        .where('key', '=', key)
        .where('attempts', '>', 0)
        .execute();
    },
  };
}
