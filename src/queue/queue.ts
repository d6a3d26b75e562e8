/**
 * The job queue seam (ARCHITECTURE.md §2): runs are jobs. The default backend runs them in
 * in-process workers (`in-process.ts`); a Redis-backed one with any number of worker
 * processes can come later behind the same interface. Workers never see the backend.
 */

/** A job: which run to execute, and whether it is a new run or a resumed one. */
export interface RunJob {
  runId: string;
  /** `intervene`: the Admin Agent's intervention (src/core/intervene.ts) in a failed run. */
  kind: 'start' | 'resume' | 'intervene';
  /** `intervene`: the policy's steps (plain data; default: the built-in policy). */
  policy?: unknown[];
  /** `intervene`: the developer who asked (`users.id`), for the audit log. */
  actorId?: string | null;
}

/**
 * Executes one job. `signal` aborts when the queue closes with `abort: true` (server
 * shutdown); the handler should then stop what it started and return.
 */
export type JobHandler<J> = (job: J, ctx: { signal: AbortSignal }) => Promise<void>;

/** Counters of a queue, for `/healthz` and tests. */
export interface QueueStats {
  /** Jobs waiting for a free worker. */
  waiting: number;
  /** Jobs being executed now. */
  active: number;
  /** Jobs finished (successfully or not) since the queue was made. */
  done: number;
}

/**
 * A queue of jobs executed by at most `concurrency` workers at once, in submission order.
 *
 * @example
 * const queue = createInProcessQueue<RunJob>({ concurrency: 2, handler: runJob });
 * await queue.add({ runId, kind: 'start' });
 */
export interface JobQueue<J> {
  /** Adds a job; resolves once it is accepted (not when it has run). Throws after `close`. */
  add(job: J): Promise<void>;
  stats(): QueueStats;
  /** Resolves when no job is waiting or active. */
  idle(): Promise<void>;
  /**
   * Stops taking jobs. With `abort`, signals active jobs to stop; waiting jobs are dropped
   * (they stay `queued` in the store and are picked up again when a server starts).
   * Resolves when the active jobs have returned.
   */
  close(opts?: { abort?: boolean }): Promise<void>;
}
