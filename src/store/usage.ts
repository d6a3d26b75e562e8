import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import { forbidden, userNotFound } from './errors.js';
import { lockUser, serialized } from './serialized.js';
import { TIER_NAMES, TIERS } from './tiers.js';
import type { TierName, Usage } from './types.js';
import type { AuthDb } from './db.js';

/** Counter increments of {@link addUsage}. Requests are counted by the rate windows instead. */
export interface UsageDelta {
  runs?: number;
  agentCalls?: number;
}

/** Adds to a user's lifetime usage counters, atomically (`insert … on conflict do update`). */
export async function addUsage(
  db: AuthDb,
  userId: string,
  d: UsageDelta,
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
export async function foldRequests(
  db: AuthDb,
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
 *
 * @throws AuthError `NOT_FOUND` (404) for an unknown user.
 */
export async function readUsage(db: AuthDb, userId: string): Promise<Usage> {
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
  if (!row) throw userNotFound(userId);
  return {
    userId,
    requests: (row.requests ?? 0) + Number(row.live_requests ?? 0),
    runs: row.runs ?? 0,
    repos: Number(row.repos ?? 0),
    agentCalls: row.agent_calls ?? 0,
  };
}

/** `case users.tier when 'free' then 3 … end`: the tier's max repos, read inside the statement. */
function maxReposOfTier(eb: ExpressionBuilder<Database, 'users'>) {
  let c = eb.case(eb.ref('users.tier')).when(TIER_NAMES[0]).then(TIERS[TIER_NAMES[0]].maxRepos);
  for (const t of TIER_NAMES.slice(1)) c = c.when(t).then(TIERS[t].maxRepos);
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
 *
 * @returns true when the repository was new to the user.
 * @throws AuthError `FORBIDDEN` (403) over the limit; `NOT_FOUND` (404) for an unknown user.
 */
export async function claimRepoRow(
  db: AuthDb,
  userId: string,
  repoKey: string,
  now: string,
): Promise<boolean> {
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
                maxReposOfTier(w),
              ),
            ),
        )
        .onConflict((oc) => oc.columns(['user_id', 'repo_key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  );
  if (inserted) return true;
  const seen = await db
    .selectFrom('user_repos')
    .select('repo_key')
    .where('user_id', '=', userId)
    .where('repo_key', '=', repoKey)
    .executeTakeFirst();
  if (seen) return false;
  const user = await db
    .selectFrom('users')
    .select('tier')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw userNotFound(userId);
  const tier = user.tier as TierName;
  const max = TIERS[tier].maxRepos;
  throw forbidden(
    `tier ${tier} allows ${max} repositories and all ${max} are used`,
    'run one of the repositories you already have, or ask an admin for a higher tier',
  );
}
