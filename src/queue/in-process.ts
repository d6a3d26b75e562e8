import type { JobHandler, JobQueue, QueueStats } from './queue.js';

/** Options of {@link createInProcessQueue}. */
export interface InProcessQueueOptions<J> {
  /** Jobs executed at once. Default 2. */
  concurrency?: number;
  handler: JobHandler<J>;
  /** Called when a handler throws (the job is then done; the queue carries on). */
  onError?: (job: J, err: unknown) => void;
}

/**
 * The default {@link JobQueue} backend: jobs run in this process, at most `concurrency` at a
 * time, first in first out. Nothing is persisted here: the store's `queued` runs are the
 * durable record, re-added by the server on start.
 *
 * @example
 * const q = createInProcessQueue<RunJob>({ concurrency: 2, handler: async (job) => run(job) });
 */
export function createInProcessQueue<J>(options: InProcessQueueOptions<J>): JobQueue<J> {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const waiting: J[] = [];
  const active = new Set<Promise<void>>();
  const abort = new AbortController();
  const idleWaiters: Array<() => void> = [];
  let done = 0;
  let closed = false;

  const settleIdle = () => {
    if (waiting.length > 0 || active.size > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const pump = () => {
    while (!closed && active.size < concurrency && waiting.length > 0) {
      const job = waiting.shift() as J;
      const running: Promise<void> = options
        .handler(job, { signal: abort.signal })
        .catch((err: unknown) => options.onError?.(job, err))
        .finally(() => {
          active.delete(running);
          done += 1;
          pump();
          settleIdle();
        });
      active.add(running);
    }
  };

  return {
    async add(job) {
      if (closed) throw new Error('the queue is closed: no new jobs are taken');
      waiting.push(job);
      pump();
    },
    stats(): QueueStats {
      return { waiting: waiting.length, active: active.size, done };
    },
    idle() {
      if (waiting.length === 0 && active.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close(opts = {}) {
      closed = true;
      waiting.length = 0;
      if (opts.abort) abort.abort();
      await Promise.allSettled([...active]);
      settleIdle();
    },
  };
}
