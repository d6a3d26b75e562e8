import type { LimitStore } from '../model/auth-store.js';
import { forbidden, userNotFound } from './errors.js';
import { TIER_NAMES, TIERS } from './tiers.js';
import type { TierName, Usage } from './types.js';

/** Each tier's max repos, as the store reads them inside its claim statement. */
const MAX_REPOS = Object.fromEntries(TIER_NAMES.map((t) => [t, TIERS[t].maxRepos])) as Record<
  TierName,
  number
>;

/**
 * Records that `userId` runs the repository `repoKey` (ARCHITECTURE.md §3): a repository
 * already claimed is always fine; a new one is refused once the user has their tier's max
 * repos. Atomic in the store, so N concurrent claims at max − 1 let exactly one through.
 *
 * @returns true when the repository was new to the user.
 * @throws RefusalError `FORBIDDEN` (403) over the limit; `NOT_FOUND` (404) for an unknown user.
 */
export async function claimRepo(
  store: LimitStore,
  userId: string,
  repoKey: string,
  now: string,
): Promise<boolean> {
  const claim = await store.claimRepo({ userId, repoKey, maxRepos: MAX_REPOS, now });
  if (claim.outcome === 'no-user') throw userNotFound(userId);
  if (claim.outcome === 'full') {
    const max = TIERS[claim.tier].maxRepos;
    throw forbidden(
      `tier ${claim.tier} allows ${max} repositories and all ${max} are used`,
      'run one of the repositories you already have, or ask an admin for a higher tier',
    );
  }
  return claim.outcome === 'new';
}

/** A user's usage. @throws RefusalError `NOT_FOUND` (404) for an unknown user. */
export async function readUsage(store: LimitStore, userId: string): Promise<Usage> {
  const usage = await store.readUsage(userId);
  if (!usage) throw userNotFound(userId);
  return usage;
}
