import type { ExpressionBuilder } from 'kysely';
import type { LimitStore, RepoClaim } from '../model/auth-store.js';
import type { TierName, Usage } from '../model/users.js';
import { preparedQuery, type Param } from './prepared.js';
import type { Database } from './schema.js';
import { lockUser, serialized, type StoreDb } from './serialized.js';

/** Adds to a user's lifetime usage counters, atomically (`insert … on conflict do update`). */
async function addUsage(
  db: StoreDb,
  userId: string,
  d: { runs?: number; agentCalls?: number },
  now: string,
): Promise<void> {
  const runs = d.runs ?? 0;
  const agentCalls = d.agentCalls ?? 0;
  await db
    .insertInto('user_usage')
    .values({ user_id: userId, requests: 0, runs, agent_calls: agentCalls, updated_at: now })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        runs: eb(eb.ref('user_usage.runs'), '+', runs),
        agent_calls: eb(eb.ref('user_usage.agent_calls'), '+', agentCalls),
        updated_at: now,
      })),
    )
    .execute();
}

/**
 * Folds the request counts of the user's rate windows that began before `before` (ISO-8601)
 * into `user_usage.requests` and moves `requests_folded_before` to `before`, in ONE
 * statement (an `insert … select sum … on conflict do update … where folded_before <
 * before`), so a reader of {@link readUsage} sees either both changes or neither. It adds
 * only the windows from the current `requests_folded_before` to `before`, so a fold that
 * comes second (simultaneous folds: the row lock on PostgreSQL, the write lock on SQLite put
 * them one after the other) adds nothing, and the marker never moves back. Windows before
 * `before` are deleted afterwards: they are no longer counted from then on, so the delete
 * changes no total, and one a crash skipped is done by the next fold.
 *
 * Called on a user's first request of a new window with `before` one window earlier, so the
 * current and the previous window stay live: a server whose clock is behind the others by
 * less than a window still counts into a live window. (One more than a window behind would
 * count into a folded window: rate-limited as ever, but missing from the usage total.)
 */
async function foldRequests(
  db: StoreDb,
  userId: string,
  before: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('user_usage')
    .columns(['user_id', 'requests', 'runs', 'agent_calls', 'updated_at', 'requests_folded_before'])
    .expression((eb) =>
      eb
        .selectFrom('rate_windows')
        .select((s) => [
          s.val(userId).as('user_id'),
          s.fn.coalesce(s.fn.sum<number>('rate_windows.count'), s.lit(0)).as('requests'),
          s.lit(0).as('runs'),
          s.lit(0).as('agent_calls'),
          s.val(now).as('updated_at'),
          s.val(before).as('requests_folded_before'),
        ])
        .where('rate_windows.user_id', '=', userId)
        .where('rate_windows.window_start', '<', before),
    )
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet((eb) => ({
          requests: eb(
            eb.ref('user_usage.requests'),
            '+',
            eb.fn.coalesce(
              eb
                .selectFrom('rate_windows as w')
                .select((s) => s.fn.sum<number>('w.count').as('n'))
                .whereRef('w.user_id', '=', 'user_usage.user_id')
                .whereRef('w.window_start', '>=', 'user_usage.requests_folded_before')
                .where('w.window_start', '<', before),
              eb.lit(0),
            ),
          ),
          requests_folded_before: before,
          updated_at: now,
        }))
        .where('user_usage.requests_folded_before', '<', before),
    )
    .execute();
  await db
    .deleteFrom('rate_windows')
    .where('user_id', '=', userId)
    .where('window_start', '<', before)
    .execute();
}

/**
 * A user's usage: lifetime requests (allowed ones: those folded into `user_usage` plus the
 * counts of the live rate windows, see {@link foldRequests}), runs and agent calls, and the
 * number of distinct repositories claimed. One statement, so the parts are read together.
 * Undefined for an unknown user.
 */
async function readUsage(db: StoreDb, userId: string): Promise<Usage | undefined> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('user_usage as uu', 'uu.user_id', 'u.id')
    .select((eb) => [
      'uu.requests',
      'uu.runs',
      'uu.agent_calls',
      eb
        .selectFrom('rate_windows as w')
        .select((s) => s.fn.sum<number>('w.count').as('n'))
        .whereRef('w.user_id', '=', 'u.id')
        .where((w) =>
          w('w.window_start', '>=', w.fn.coalesce('uu.requests_folded_before', w.val(''))),
        )
        .as('live_requests'),
      eb
        .selectFrom('user_repos as r')
        .select((s) => s.fn.countAll<number>().as('n'))
        .whereRef('r.user_id', '=', 'u.id')
        .as('repos'),
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    userId,
    requests: (row.requests ?? 0) + Number(row.live_requests ?? 0),
    runs: row.runs ?? 0,
    repos: Number(row.repos ?? 0),
    agentCalls: row.agent_calls ?? 0,
  };
}

/** `case users.tier when 'free' then 3 … end`: the tier's max repos, read inside the statement. */
function maxReposOfTier(
  eb: ExpressionBuilder<Database, 'users'>,
  maxRepos: Readonly<Record<TierName, number>>,
) {
  const [first, ...rest] = Object.entries(maxRepos);
  if (!first) return eb.lit(0);
  let c = eb.case(eb.ref('users.tier')).when(first[0]).then(first[1]);
  for (const [t, max] of rest) c = c.when(t).then(max);
  return c.else(0).end();
}

/**
 * Records that `userId` runs the repository `repoKey`. A repository already claimed is
 * always fine; a new one is refused once the user has their tier's max repos
 * (ARCHITECTURE.md §3). Atomic: one `insert … select … from users where count < max on
 * conflict do nothing` statement (the tier read inside it), run under `serialized` (the user's
 * row locked `for update` on PostgreSQL), so N concurrent claims of new repos at max − 1 let
 * exactly one through. After a downgrade below the repos already claimed, those stay usable
 * and new ones are refused.
 */
async function claimRepo(
  db: StoreDb,
  { userId, repoKey, maxRepos, now }: Parameters<LimitStore['claimRepo']>[0],
): Promise<RepoClaim> {
  const inserted = await serialized(
    db,
    (trx) => lockUser(trx, userId),
    async (q) => {
      const r = await q
        .insertInto('user_repos')
        .columns(['user_id', 'repo_key', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('users')
            .select((s) => [
              s.val(userId).as('user_id'),
              s.val(repoKey).as('repo_key'),
              s.val(now).as('created_at'),
            ])
            .where('users.id', '=', userId)
            .where((w) =>
              w(
                w
                  .selectFrom('user_repos')
                  .select((c) => c.fn.countAll<number>().as('n'))
                  .where('user_repos.user_id', '=', userId),
                '<',
                maxReposOfTier(w, maxRepos),
              ),
            ),
        )
        .onConflict((oc) => oc.columns(['user_id', 'repo_key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  );
  if (inserted) return { outcome: 'new' };
  const seen = await db
    .selectFrom('user_repos')
    .select('repo_key')
    .where('user_id', '=', userId)
    .where('repo_key', '=', repoKey)
    .executeTakeFirst();
  if (seen) return { outcome: 'known' };
  const user = await db
    .selectFrom('users')
    .select('tier')
    .where('id', '=', userId)
    .executeTakeFirst();
  return user ? { outcome: 'full', tier: user.tier as TierName } : { outcome: 'no-user' };
}

const countInWindow = preparedQuery(
  (db: StoreDb, p: Param<{ userId: string; start: string; limit: number }>) =>
    db
      .insertInto('rate_windows')
      .values({ user_id: p('userId'), window_start: p('start'), count: 1 })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'window_start'])
          .doUpdateSet((eb) => ({ count: eb(eb.ref('rate_windows.count'), '+', 1) }))
          .where('rate_windows.count', '<', p('limit')),
      )
      .returning('count'),
);

/**
 * Rate windows, quotas and usage over kysely (the login throttle is in `login-throttle.ts`).
 * A request's only write is `countRequest`: one `insert … on conflict do update set count =
 * count + 1 where count < limit returning count` statement, so concurrent requests in any
 * number of processes never let more than `limit` through a window.
 */
export function usageOperations(
  db: StoreDb,
): Omit<LimitStore, 'reserveLoginAttempt' | 'clearLoginAttempts' | 'refundLoginAttempt'> {
  return {
    async countRequest({ userId, windowStart, limit }) {
      return (await countInWindow(db, { userId, start: windowStart, limit })).rows[0]?.count;
    },
    foldRequests: (userId, before, now) => foldRequests(db, userId, before, now),
    async rateWindows(userId) {
      const rows = await db
        .selectFrom('rate_windows')
        .select(['window_start', 'count'])
        .where('user_id', '=', userId)
        .orderBy('window_start')
        .execute();
      return rows.map((r) => ({ windowStart: r.window_start, count: r.count }));
    },
    addUsage: (userId, d, now) => addUsage(db, userId, d, now),
    readUsage: (userId) => readUsage(db, userId),
    claimRepo: (r) => claimRepo(db, r),
  };
}
