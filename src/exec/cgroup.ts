import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { RunLimits } from '../model/run-limits.js';
import { CGROUP_PARENT, type RunCgroup } from './cgroup-types.js';
import { cgroupMounts, type CgroupMounts } from './cgroup-mounts.js';
import { createV1Group, openV1Group } from './cgroup-v1.js';
import { createV2Group, openV2Group } from './cgroup-v2.js';

export type { LimitHit, RunLimits } from '../model/run-limits.js';
export {
  CGROUP_PARENT,
  type CgroupUsage,
  type LimitEvents,
  type RunCgroup,
} from './cgroup-types.js';

/** Whether run cgroups can be made here, and if not, why (for the report and `doctor`). */
export type CgroupAvailability =
  { available: true; version: 1 | 2 } | { available: false; reason: string };

/** Run ids become directory names: letters, digits, `.`, `_`, `-`, and no `..`. */
const SAFE_ID = /^(?!\.\.?$)[A-Za-z0-9._-]{1,128}$/;

/**
 * Whether run cgroups can be made on this machine: cgroup v2 mounted at /sys/fs/cgroup with
 * the memory and pids controllers, or v1 hierarchies for pids, memory and freezer (cpu and
 * cpuacct used when mounted), all writable by us (root).
 */
export function cgroupAvailability(mounts: CgroupMounts = cgroupMounts()): CgroupAvailability {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return { available: false, reason: 'run cgroups need root (writing cgroup.procs)' };
  if (mounts.v2 && mounts.v2Controllers.includes('memory') && mounts.v2Controllers.includes('pids'))
    return { available: true, version: 2 };
  const missing = (['pids', 'memory', 'freezer'] as const).filter((c) => !mounts.v1[c]);
  if (missing.length === 0) return { available: true, version: 1 };
  return {
    available: false,
    reason: `no cgroup v2 with memory and pids, and no cgroup v1 ${missing.join(', ')} mounted`,
  };
}

/**
 * Makes the group `repo-runner/<runId>` with `limits` applied (memory, pids, CPU share; disk,
 * log and step time are enforced elsewhere). An existing group of that id is reused with the
 * new limits (a resumed run).
 *
 * @returns the group, or null when cgroups are not available here ({@link cgroupAvailability}
 *   says why).
 * @throws Error when `runId` is not a safe directory name, or the kernel refuses a limit.
 */
export async function createRunCgroup(runId: string, limits: RunLimits): Promise<RunCgroup | null> {
  assertSafeId(runId);
  const mounts = cgroupMounts();
  const availability = cgroupAvailability(mounts);
  if (!availability.available) return null;
  return availability.version === 2
    ? createV2Group(mounts, runId, limits)
    : createV1Group(mounts, runId, limits);
}

/**
 * The existing group of a run, for `stop` and `resume` from another process (a new
 * supervisor adopts it). Null when the run has no group (it ended, cgroups are absent, or
 * `runId` is no safe directory name, so no group could have been made for it).
 */
export function openRunCgroup(runId: string): RunCgroup | null {
  if (!SAFE_ID.test(runId)) return null;
  const mounts = cgroupMounts();
  const availability = cgroupAvailability(mounts);
  if (!availability.available) return null;
  return availability.version === 2 ? openV2Group(mounts, runId) : openV1Group(mounts, runId);
}

function assertSafeId(runId: string): void {
  if (!SAFE_ID.test(runId)) throw new Error(`not a safe run id for a cgroup: ${runId}`);
}

/**
 * Run ids that have a group now (in the pids hierarchy on v1, the unified one on v2): for
 * `status` to show runs whose supervisor is gone, and for checks that a stop left nothing.
 */
export function runCgroupIds(): string[] {
  const mounts = cgroupMounts();
  const base = mounts.v2 ?? mounts.v1.pids;
  if (!base) return [];
  try {
    return readdirSync(path.join(base, CGROUP_PARENT), { withFileTypes: true })
      .filter((e) => e.isDirectory() && SAFE_ID.test(e.name))
      .map((e) => e.name);
  } catch {
    return [];
  }
}
