import type { RunLimits } from '../model/run-limits.js';
import type { TierName } from './types.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MIN = 60_000;

/**
 * What one run may use, per tier (the `limits` column of the tier table in `tiers.ts`).
 * Where the numbers come from:
 * - memory and processes: Heroku's dyno sizes, a public price list for "one app process
 *   tree" (devcenter.heroku.com/articles/dyno-types, /articles/limits "Processes/threads"):
 *   Eco/Basic 512 MB and 256 processes+threads (free), Standard-2X 1 GB and 512 (advanced),
 *   Performance-M 2.5 GB (premium); staff and developer above that, bounded by one host.
 *   The pids controller counts threads too, so 256 leaves room for `npm ci` (about a dozen
 *   threads) beside the app and a database server.
 * - CPU share: cgroup `cpu.shares`, 1024 being one ordinary process (kernel
 *   Documentation/scheduler/sched-design-CFS.rst); all runs sit under one `repo-runner`
 *   parent group that itself weighs 128 against the API server (`PARENT_CPU_SHARES`), so
 *   runs cannot starve it; the tiers' shares divide the parent's part among runs.
 * - step wall time: Heroku's build limit is 15 minutes (devcenter.heroku.com/articles/
 *   slug-compiler#time-limit): the free tier gets the same per install or build step.
 * - disk of the run dir and log size are ours: a Node or Python app with its dependencies
 *   fits in 2 GiB (a slug is at most 500 MB compressed); a service log of 10 MiB holds
 *   about 100,000 lines, and one rotated generation (`.log.1`) is kept beside it, as
 *   Docker's `local` log driver keeps 20 MB files.
 */
export const TIER_LIMITS: Readonly<Record<TierName, RunLimits>> = {
  free: limits(512 * MiB, 256, 256, 2 * GiB, 10 * MiB, 15 * MIN),
  advanced: limits(1 * GiB, 512, 512, 5 * GiB, 20 * MiB, 20 * MIN),
  premium: limits(2560 * MiB, 1024, 1024, 10 * GiB, 50 * MiB, 30 * MIN),
  tester: limits(2 * GiB, 1024, 1024, 10 * GiB, 50 * MiB, 30 * MIN),
  admin: limits(4 * GiB, 2048, 1024, 20 * GiB, 100 * MiB, 60 * MIN),
  developer: limits(8 * GiB, 4096, 2048, 50 * GiB, 100 * MiB, 60 * MIN),
};

function limits(
  memoryBytes: number,
  pids: number,
  cpuShares: number,
  diskBytes: number,
  logBytes: number,
  stepTimeoutMs: number,
): RunLimits {
  return { memoryBytes, pids, cpuShares, diskBytes, logBytes, stepTimeoutMs };
}

/**
 * The limits of a run. A run of the service gets its user's tier; a run of the local CLI
 * (no `tier`) gets the developer limits: the user runs it on their own machine, where the
 * free tier's 512 MiB would fail ordinary builds for no one's benefit. (The local CLI's
 * anonymous *tier* for permissions stays `free`; see `ANONYMOUS_TIER`.) `overrides` are the
 * CLI's flags, each replacing one number.
 *
 * @example
 * runLimitsFor('free').memoryBytes; // 536870912
 * runLimitsFor(null, { memoryBytes: 2 * 1024 ** 3 }).pids; // 4096
 */
export function runLimitsFor(tier: TierName | null, overrides: Partial<RunLimits> = {}): RunLimits {
  return { ...TIER_LIMITS[tier ?? 'developer'], ...overrides };
}
