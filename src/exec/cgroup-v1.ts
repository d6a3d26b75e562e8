import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunLimits } from '../model/run-limits.js';
import {
  readCgroupKey,
  readCgroupNumber,
  readCgroupText,
  writeCgroupFile,
} from './cgroup-files.js';
import { makeRunCgroup } from './cgroup-group.js';
import type { CgroupMounts, V1Controller } from './cgroup-mounts.js';
import { CGROUP_PARENT, PARENT_CPU_SHARES, type RunCgroup } from './cgroup-types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The run's directory in each mounted controller (one per mount: `cpu,cpuacct` share). */
function groupDirs(mounts: CgroupMounts, runId: string): Partial<Record<V1Controller, string>> {
  const dirs: Partial<Record<V1Controller, string>> = {};
  for (const [controller, mount] of Object.entries(mounts.v1))
    dirs[controller as V1Controller] = path.join(mount, CGROUP_PARENT, runId);
  return dirs;
}

/**
 * Makes (or reuses) the v1 group of a run under `repo-runner/` in each controller's root, not
 * under our own group: the CLI may sit in a foreign memory group (a container's, a session's)
 * whose limit would then cap the runs as well.
 *
 * @throws Error when a directory cannot be made or the kernel refuses a limit.
 */
export function createV1Group(mounts: CgroupMounts, runId: string, limits: RunLimits): RunCgroup {
  const dirs = groupDirs(mounts, runId);
  for (const dir of new Set(Object.values(dirs))) mkdirSync(dir, { recursive: true });
  if (dirs.cpu) writeCgroupFile(`${path.dirname(dirs.cpu)}/cpu.shares`, PARENT_CPU_SHARES);
  if (dirs.memory) setMemoryLimit(dirs.memory, limits.memoryBytes);
  if (dirs.pids) writeCgroupFile(`${dirs.pids}/pids.max`, limits.pids);
  if (dirs.cpu) writeCgroupFile(`${dirs.cpu}/cpu.shares`, Math.max(2, limits.cpuShares));
  return v1Group(dirs, runId);
}

/** The v1 group of a run when its pids directory exists, else null. */
export function openV1Group(mounts: CgroupMounts, runId: string): RunCgroup | null {
  const dirs = groupDirs(mounts, runId);
  return dirs.pids && existsSync(dirs.pids) ? v1Group(dirs, runId) : null;
}

/**
 * RAM and RAM+swap both capped at `bytes`, so a run cannot swap its way past the limit. The
 * kernel requires memsw >= limit at every moment: raising writes memsw first, lowering last.
 */
function setMemoryLimit(dir: string, bytes: number): void {
  const memsw = `${dir}/memory.memsw.limit_in_bytes`;
  const hasSwapAccounting = existsSync(memsw);
  const current = readCgroupNumber(`${dir}/memory.limit_in_bytes`);
  if (hasSwapAccounting && bytes > current) writeCgroupFile(memsw, bytes);
  writeCgroupFile(`${dir}/memory.limit_in_bytes`, bytes);
  if (hasSwapAccounting && bytes <= current) writeCgroupFile(memsw, bytes);
}

function v1Group(dirs: Partial<Record<V1Controller, string>>, runId: string): RunCgroup {
  const { pids, memory, cpuacct, freezer } = dirs;
  if (!pids || !memory || !freezer) throw new Error('cgroup v1 needs pids, memory and freezer');
  const unique = [...new Set(Object.values(dirs))];
  return makeRunCgroup({
    path: `${CGROUP_PARENT}/${runId}`,
    version: 1,
    procsFiles: unique.map((d) => `${d}/cgroup.procs`),
    membersFile: `${pids}/cgroup.procs`,
    dirs: unique,
    async freeze() {
      try {
        writeCgroupFile(`${freezer}/freezer.state`, 'FROZEN');
      } catch {
        return; // the group is gone
      }
      // FREEZING can last while a member sits in uninterruptible I/O: kill anyway after 1 s.
      const deadline = Date.now() + 1000;
      while (Date.now() < deadline) {
        if (readCgroupText(`${freezer}/freezer.state`)?.trim() !== 'FREEZING') return;
        await sleep(5);
      }
    },
    thaw() {
      try {
        writeCgroupFile(`${freezer}/freezer.state`, 'THAWED');
      } catch {
        /* the group is gone */
      }
    },
    usage: () => ({
      memoryBytes: readCgroupNumber(`${memory}/memory.usage_in_bytes`),
      pids: readCgroupNumber(`${pids}/pids.current`),
      cpuMs: cpuacct ? Math.round(readCgroupNumber(`${cpuacct}/cpuacct.usage`) / 1e6) : 0,
    }),
    limitEvents() {
      // `oom_kill` counts the kernel's kills in this group (Linux 4.13+); `under_oom` is the
      // older kernels' only trace, and only while the OOM lasts.
      const oom = `${memory}/memory.oom_control`;
      return {
        oomKills: readCgroupKey(oom, 'oom_kill') || readCgroupKey(oom, 'under_oom'),
        forksRefused: readCgroupKey(`${pids}/pids.events`, 'max'),
      };
    },
  });
}
