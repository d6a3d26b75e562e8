import { InterventionPolicySchema } from '../admin/intervention-policy.js';
import { handOverToSupervisor } from '../core/detach.js';
import { intervene } from '../core/intervene.js';
import { executeQueuedRun, resumeRun, type RunOutcome } from '../core/run-api.js';
import { stopRunProcesses } from '../core/run-control.js';
import type { RunJob } from '../queue/queue.js';
import type { RunRecord, Store } from '../model/store.js';
import { adoptRun } from '../core/adopt-run.js';

/** How often an executing run checks whether it was stopped by another process. */
const STOP_POLL_MS = 1000;

/** What the worker needs: the store, the data dir, the environment runs and supervisors get. */
export interface RunWorkerDeps {
  store: Store;
  home: string;
  env: NodeJS.ProcessEnv;
  /** Called with anything a job throws (the run is then marked failed). */
  onError?: (runId: string, err: unknown) => void;
}

/**
 * Executes API runs in the server process by the CLI's code path (`core/run-api.ts`), then
 * hands a healthy run to a detached supervisor (as `run --detach` does): its services stay
 * up after the pipeline, and across server restarts, until `POST /runs/:id/stop`.
 */
export class RunWorker {
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly deps: RunWorkerDeps) {}

  /** True while this process executes the run's pipeline. */
  /**
   * Adopts an orphaned run (its supervisor died, its services still run; see
   * `core/adopt-run.ts`): a new detached supervisor takes them over as they are.
   *
   * @returns the new supervisor's pid, or null when the run is not orphaned.
   */
  adopt(run: RunRecord): Promise<number | null> {
    const { store, home, env } = this.deps;
    return adoptRun(store, home, run, { ...env, REPO_RUNNER_HOME: home });
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Aborts the run's pipeline if this process executes it, and waits until it returned. */
  async abort(runId: string): Promise<void> {
    const entry = this.active.get(runId);
    if (!entry) return;
    entry.abort.abort();
    await entry.done;
  }

  /** The queue's job handler. */
  readonly handle = async (job: RunJob, ctx: { signal: AbortSignal }): Promise<void> => {
    const { store } = this.deps;
    // Taken synchronously, so two jobs of one run (a doubled resume) never both execute.
    if (this.active.has(job.runId)) return;
    const abort = new AbortController();
    let finish = () => {};
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.active.set(job.runId, { abort, done });
    const onQueueAbort = () => abort.abort();
    ctx.signal.addEventListener('abort', onQueueAbort, { once: true });
    let stoppedElsewhere = false;
    // A `stop` made by another process (the CLI, another server) only marks the run
    // stopped: notice it and abort.
    const watch = setInterval(() => {
      void store
        .getRun(job.runId)
        .then((r) => {
          if (r?.status === 'stopped' && !abort.signal.aborted) {
            stoppedElsewhere = true;
            abort.abort();
          }
        })
        .catch(() => {});
    }, STOP_POLL_MS);
    try {
      const run = await store.getRun(job.runId);
      // Stopped while it waited: nothing to do.
      if (!run || run.status !== 'queued') return;
      if (job.kind === 'intervene') {
        // It resumes the run itself, and hands it to a supervisor when it comes up.
        await intervene(
          {
            store,
            home: this.deps.home,
            signal: abort.signal,
            env: this.deps.env,
            actorId: job.actorId ?? null,
          },
          job.runId,
          job.policy ? InterventionPolicySchema.parse(job.policy) : undefined,
          { checked: true },
        );
      } else {
        const outcome = await this.execute(job, abort.signal);
        await this.afterPipeline(outcome, abort.signal);
      }
      if (stoppedElsewhere) {
        await stopRunProcesses(store, job.runId);
        await store.updateRun(job.runId, { status: 'stopped', ownerPid: null });
      }
    } catch (err) {
      this.deps.onError?.(job.runId, err);
      await stopRunProcesses(store, job.runId).catch(() => 0);
      await store.updateRun(job.runId, { status: 'failed', ownerPid: null }).catch(() => {});
    } finally {
      clearInterval(watch);
      ctx.signal.removeEventListener('abort', onQueueAbort);
      this.active.delete(job.runId);
      finish();
    }
  };

  private execute(job: RunJob, signal: AbortSignal): Promise<RunOutcome> {
    const caller = { store: this.deps.store, home: this.deps.home, signal, env: this.deps.env };
    return job.kind === 'start'
      ? executeQueuedRun(caller, job.runId)
      : resumeRun(caller, job.runId);
  }

  private async afterPipeline(outcome: RunOutcome, signal: AbortSignal): Promise<void> {
    const { store, home, env } = this.deps;
    if (outcome.report.status !== 'healthy') return; // the run API stopped what it started
    const now = await store.getRun(outcome.runId);
    if (signal.aborted || now?.status !== 'healthy') {
      // Aborted (stop request or shutdown) after the services came up: take them down.
      await stopRunProcesses(store, outcome.runId);
      if (now?.status === 'healthy')
        await store.updateRun(outcome.runId, { status: 'interrupted' });
      return;
    }
    await handOverToSupervisor(store, home, outcome, env);
  }
}
