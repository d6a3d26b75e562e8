import type { LimitHit } from '../model/run-limits.js';

/** Name of the parent group of every run, under each controller's root. */
export const CGROUP_PARENT = 'repo-runner';

/**
 * CPU weight of the parent of all runs, in `cpu.shares` units: 128, an eighth of one
 * ordinary process. Under contention every run together gets little against the API server
 * and the store (which sit outside it); on an idle machine the runs still use every core,
 * as shares only divide time that is contended. The tiers' shares divide the parent's part.
 */
export const PARENT_CPU_SHARES = 128;

/** How often the group's limits were hit since it was made. */
export interface LimitEvents {
  /** Processes the OOM killer ended inside the group. */
  oomKills: number;
  /** Forks (and thread creations) refused at the pids limit. */
  forksRefused: number;
}

/** What a run's group uses now, for `status` and the dashboard. */
export interface CgroupUsage {
  /** Memory charged to the group (RAM and page cache), in bytes. */
  memoryBytes: number;
  /** Processes and threads in the group. */
  pids: number;
  /** CPU time of the group since it was made, in milliseconds (0 where not accounted). */
  cpuMs: number;
}

/**
 * The control group of one run: every process of the run is in it (the sandbox starts each
 * through {@link RunCgroup.prefix}), no child can leave it (moving needs root), and a stop
 * ends all of them, `setsid` and double-forked ones included, because membership does not
 * follow sessions or parents.
 */
export interface RunCgroup {
  /** `repo-runner/<runId>`, relative to each controller's root. */
  readonly path: string;
  /** cgroup version of the backend: 1 (one hierarchy per controller) or 2 (unified). */
  readonly version: 1 | 2;
  /**
   * An argv prefix: a `sh` shim that writes its own pid into the group of every controller,
   * then execs the rest of the argv, so the program starts inside. If joining fails the shim
   * exits 125 without running the program (never uncontained). It must run with the
   * privileges that may write `cgroup.procs` (root): put it before bwrap or a user switch.
   *
   * @example
   * spawn('sh', [...cg.prefix().slice(1), 'npm', 'ci']);
   */
  prefix(): string[];
  /** Every process in the group now (pids of thread-group leaders; zombies left out). */
  pids(): number[];
  /**
   * Freezes the group (so no member can fork while being killed), SIGKILLs every member,
   * thaws it so the kills are delivered, and waits until it is empty (at most 10 s).
   *
   * @returns how many processes were killed.
   * @throws Error when members are still alive after 10 s (e.g. stuck in uninterruptible I/O).
   */
  killAll(): Promise<number>;
  /** Current memory, processes and CPU time of the group. */
  usage(): CgroupUsage;
  /**
   * The limit the group hit, from the kernel's counters (OOM kills in the memory group, forks
   * refused by the pids limit); OOM wins when both happened. Null when none was hit.
   */
  limitHit(): Exclude<LimitHit, 'disk-quota'> | null;
  /** The kernel's counters behind {@link limitHit}, to mark before a step. */
  limitEvents(): LimitEvents;
  /**
   * The limit hit since `before` (a {@link limitEvents} mark), so a step is blamed only for
   * what happened while it ran: OOM kills first, then refused forks.
   */
  limitHitSince(before: LimitEvents): Exclude<LimitHit, 'disk-quota'> | null;
  /** {@link killAll}, then removes the group's directories. Idempotent. */
  remove(): Promise<void>;
}
