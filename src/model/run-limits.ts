/**
 * The resources one run may use, enforced by the run's cgroup (memory, processes, CPU
 * share), by watchers (disk use of the run dir, log size) and by the step runner (wall
 * time). Plain data: the numbers per tier live beside the tier table (`auth/tiers.ts`).
 */
export interface RunLimits {
  /** Memory of every process of the run together, RAM plus swap, in bytes. */
  memoryBytes: number;
  /** Processes and threads alive at once (the kernel's pids controller counts threads). */
  pids: number;
  /** CPU weight under contention, in cgroup v1 `cpu.shares` units (1024 = one default process). */
  cpuShares: number;
  /** Disk use of the run's directory, in bytes (checked periodically, see `exec/disk-quota`). */
  diskBytes: number;
  /** Size of one service log before it rotates to `<service>.log.1`, in bytes. */
  logBytes: number;
  /** Wall time of one install or build step, in milliseconds. */
  stepTimeoutMs: number;
}

/**
 * Which limit a run hit, as data the fixer and the report decide on (never log text):
 * the kernel's OOM killer inside the run's memory group, a fork refused at the pids limit,
 * or the run dir grown past its disk quota.
 */
export type LimitHit = 'oom-killed' | 'pids-limit' | 'disk-quota';
