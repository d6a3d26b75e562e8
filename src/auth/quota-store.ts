import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import { forbidden, userNotFound } from './errors.js';
import { lockUser, serialized } from './serialized.js';
import { TIER_NAMES, TIERS } from './tiers.js';
import type { TierName, Usage } from './types.js';
import type { AuthDb } from './db.js';

/** Counter increments of {@link addUsage}. */
export interface UsageDelta {
  requests?: number;
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
  const requests = d.requests ?? 0;
  const runs = d.runs ?? 0;
  const agentCalls = d.agentCalls ?? 0;
  await db
    .insertInto('user_usage')
    .values({ user_id: userId, requests, runs, agent_calls: agentCalls, updated_at: now })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        requests: eb(eb.ref('user_usage.requests'), '+', requests),
        runs: eb(eb.ref('user_usage.runs'), '+', runs),
        agent_calls: eb(eb.ref('user_usage.agent_calls'), '+', agentCalls),
        updated_at: now,
      })),
    )
    .execute();
}

/**
 * A user's usage: lifetime requests (allowed ones), runs and agent calls, and the number of
 * distinct repositories claimed.
 *
 * @throws AuthError `NOT_FOUND` (404) for an unknown user.
 */
export async function readUsage(db: AuthDb, userId: string): Promise<Usage> {
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw userNotFound(userId);
  const counters = await db
    .selectFrom('user_usage')
    .select(['requests', 'runs', 'agent_calls'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const { n } = await db
    .selectFrom('user_repos')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return {
    userId,
    requests: counters?.requests ?? 0,
    runs: counters?.runs ?? 0,
    repos: Number(n),
    agentCalls: counters?.agent_calls ?? 0,
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
