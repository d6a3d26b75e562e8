import { runLimitsFor } from '../auth/tier-limits.js';
import { cgroupAvailability, createRunCgroup, openRunCgroup } from '../exec/cgroup.js';
import { packageCacheDir } from '../model/paths.js';
import type { RunIsolation } from '../model/run-context.js';
import type { Store } from '../model/store.js';

/**
 * What confines a run's processes besides the sandbox's filesystem view: its cgroup (made
 * here the first time, with the limits of the run owner's tier; the local CLI's user gets
 * the developer limits: it is their machine), and the package caches it may share (a
 * service user's own; the operator's for the local CLI). The run API calls it when a run
 * starts or resumes, the detached supervisor when it adopts one, so a restarted service
 * lands in the same group.
 *
 * @returns the isolation, and why there is no cgroup when there is none (limits are then
 *   not enforced: not root, or no writable cgroup controllers).
 */
export async function setUpIsolation(
  store: Store,
  home: string,
  runId: string,
  userId: string | null,
): Promise<{ isolation: RunIsolation; noCgroup: string | null }> {
  const user = userId ? await store.findUser(userId) : undefined;
  const limits = runLimitsFor(user?.tier ?? null);
  const group = openRunCgroup(runId) ?? (await createRunCgroup(runId, limits));
  const availability = group ? null : cgroupAvailability();
  const noCgroup = !availability
    ? null
    : availability.available
      ? 'the group could not be made'
      : availability.reason;
  return {
    isolation: {
      prefix: group ? group.prefix() : [],
      hostsFile: null,
      resolvConf: null,
      cacheDir: userId ? packageCacheDir(home, userId) : null,
      limits,
    },
    noCgroup,
  };
}
