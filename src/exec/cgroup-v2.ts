import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunLimits } from '../model/run-limits.js';
import { readCgroupKey, readCgroupNumber, writeCgroupFile } from './cgroup-files.js';
import { makeRunCgroup } from './cgroup-group.js';
import type { CgroupMounts } from './cgroup-mounts.js';
import { CGROUP_PARENT, PARENT_CPU_SHARES, type RunCgroup } from './cgroup-types.js';

// This backend is written to the kernel's cgroup-v2 documentation but cannot run on the
// machine it was written on (v1 only): it has no test of its own yet.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Controllers a run needs delegated down the tree; cpu is optional. */
const CONTROLLERS = ['memory', 'pids', 'cpu'] as const;

/**
 * v1 `cpu.shares` (default 1024) as v2 `cpu.weight` (1..10000, default 100): the inverse of
 * the kernel's own mapping (`weight * 1024 / 100`), so tiers keep one number.
 */
export function sharesToWeight(shares: number): number {
  return Math.max(1, Math.min(10_000, Math.round((shares * 100) / 1024)));
}

/** Turns on the controllers for the children of `dir` (the "+memory +pids" of subtree_control). */
function delegate(dir: string, available: string[]): void {
  for (const c of CONTROLLERS)
    if (available.includes(c)) {
      try {
        writeCgroupFile(`${dir}/cgroup.subtree_control`, `+${c}`);
      } catch (err) {
        if (c !== 'cpu') throw err; // cpu cannot be enabled while realtime tasks exist
      }
    }
}

/**
 * Makes (or reuses) `/sys/fs/cgroup/repo-runner/<runId>` with the controllers delegated from
 * the root. The parent holds no processes (v2's "no internal processes" rule).
 *
 * @throws Error when the group cannot be made or a limit is refused.
 */
export function createV2Group(mounts: CgroupMounts, runId: string, limits: RunLimits): RunCgroup {
  const root = mounts.v2;
  if (!root) throw new Error('no cgroup2 mount');
  const parent = path.join(root, CGROUP_PARENT);
  delegate(root, mounts.v2Controllers);
  mkdirSync(parent, { recursive: true });
  delegate(parent, mounts.v2Controllers);
  if (existsSync(`${parent}/cpu.weight`))
    writeCgroupFile(`${parent}/cpu.weight`, sharesToWeight(PARENT_CPU_SHARES));
  const dir = path.join(parent, runId);
  mkdirSync(dir, { recursive: true });
  writeCgroupFile(`${dir}/memory.max`, limits.memoryBytes);
  // Swap would let a run exceed its memory: none, so memory.max is RAM and swap together.
  if (existsSync(`${dir}/memory.swap.max`)) writeCgroupFile(`${dir}/memory.swap.max`, 0);
  writeCgroupFile(`${dir}/pids.max`, limits.pids);
  if (existsSync(`${dir}/cpu.weight`))
    writeCgroupFile(`${dir}/cpu.weight`, sharesToWeight(limits.cpuShares));
  return v2Group(dir, runId);
}

/** The v2 group of a run when its directory exists, else null. */
export function openV2Group(mounts: CgroupMounts, runId: string): RunCgroup | null {
  if (!mounts.v2) return null;
  const dir = path.join(mounts.v2, CGROUP_PARENT, runId);
  return existsSync(dir) ? v2Group(dir, runId) : null;
}

function v2Group(dir: string, runId: string): RunCgroup {
  return makeRunCgroup({
    path: `${CGROUP_PARENT}/${runId}`,
    version: 2,
    procsFiles: [`${dir}/cgroup.procs`],
    membersFile: `${dir}/cgroup.procs`,
    dirs: [dir],
    async freeze() {
      try {
        writeCgroupFile(`${dir}/cgroup.freeze`, 1);
      } catch {
        return;
      }
      const deadline = Date.now() + 1000;
      while (Date.now() < deadline && readCgroupKey(`${dir}/cgroup.events`, 'frozen') !== 1)
        await sleep(5);
      // Linux 5.14+: cgroup.kill SIGKILLs every member in one write, forks in flight included.
      if (existsSync(`${dir}/cgroup.kill`)) {
        try {
          writeCgroupFile(`${dir}/cgroup.kill`, 1);
        } catch {
          /* fall back to the per-pid kills that follow */
        }
      }
    },
    thaw() {
      try {
        writeCgroupFile(`${dir}/cgroup.freeze`, 0);
      } catch {
        /* the group is gone */
      }
    },
    usage: () => ({
      memoryBytes: readCgroupNumber(`${dir}/memory.current`),
      pids: readCgroupNumber(`${dir}/pids.current`),
      cpuMs: Math.round(readCgroupKey(`${dir}/cpu.stat`, 'usage_usec') / 1000),
    }),
    limitEvents: () => ({
      oomKills: readCgroupKey(`${dir}/memory.events`, 'oom_kill'),
      forksRefused: readCgroupKey(`${dir}/pids.events`, 'max'),
    }),
  });
}
