import type { RepoRunnerError } from '../model/errors.js';
import type { PhaseName } from '../model/phases.js';
import type { RunContext } from '../model/run-context.js';
import type { RunState } from '../model/run-state.js';
import { runStateFile, writeJsonAtomic } from '../store/state-files.js';

/** How a phase ended: `retrying` means it failed and the retry policy runs it again. */
export type PhaseOutcome = 'done' | 'failed' | 'skipped' | 'retrying';

/** What {@link PhaseRecorder.end} records. */
export interface PhaseEnd {
  status: PhaseOutcome;
  /** For the task list and the store's event; defaults to `done in <ms> ms` or the error. */
  message?: string;
  durationMs?: number;
  error?: RepoRunnerError;
  /** What the phase's agents produced: saved as its checkpoint before the row says done. */
  produced?: Partial<RunState>;
  /** The attempt count to record, when the phase counts its own (the fix phase). */
  attempts?: number;
}

/**
 * Records where a run is, in one call per change: the phase row in the store, the event on
 * the run's bus (task list, SSE), the checkpoint, and the seeds' `run_state.json`. The
 * pipeline is its only writer of phase rows; agents report through their results.
 */
export class PhaseRecorder {
  constructor(private readonly ctx: RunContext) {}

  /** Marks `phase` running (attempt `attempts` in all; 1-based `attempt` of this call). */
  async start(phase: PhaseName, attempts: number | null, attempt = 1): Promise<void> {
    const { ctx } = this;
    await ctx.store.setPhase(ctx.runId, phase, {
      status: 'running',
      ...(attempts === null ? {} : { attempts }),
      startedAt: new Date().toISOString(),
      endedAt: null,
      error: null,
    });
    this.writeRunState(phase, 'running');
    ctx.bus.publish({
      kind: 'phase',
      phase,
      message: attempt > 1 ? `retrying (attempt ${attempt})` : 'started',
      data: { status: 'running', ...(attempts === null ? {} : { attempt }) },
    });
  }

  /** Records how `phase` ended (see {@link PhaseEnd}). */
  async end(phase: PhaseName, end: PhaseEnd): Promise<void> {
    const { ctx } = this;
    const { status, error, durationMs } = end;
    if (end.produced) await ctx.store.saveCheckpoint(ctx.runId, phase, end.produced);
    await ctx.store.setPhase(ctx.runId, phase, {
      status: status === 'retrying' ? 'running' : status,
      ...(status === 'skipped' ? {} : { endedAt: new Date().toISOString() }),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(end.attempts === undefined ? {} : { attempts: end.attempts }),
      ...(error
        ? {
            error: {
              code: error.code,
              message: error.message,
              ...(error.hint ? { hint: error.hint } : {}),
            },
          }
        : {}),
    });
    if (status !== 'retrying' && status !== 'skipped') this.writeRunState(phase, status);
    const message =
      end.message ??
      error?.message ??
      (durationMs === undefined ? status : `done in ${durationMs} ms`);
    ctx.bus.publish({
      kind: 'phase',
      phase,
      message,
      data: {
        status,
        ...(durationMs === undefined || error ? {} : { durationMs }),
        ...(error ? { code: error.code, hint: error.hint ?? null } : {}),
      },
    });
  }

  /** Announces a phase taken from its checkpoint (the store already says done). */
  restored(phase: PhaseName): void {
    this.ctx.bus.publish({
      kind: 'phase',
      phase,
      message: 'restored from checkpoint',
      data: { status: 'done', restored: true },
    });
  }

  /** The seeds' `run_state.json`: where the run is, for people and tools to read. */
  writeRunState(phase: PhaseName, status: string): void {
    const { ctx } = this;
    writeJsonAtomic(runStateFile(ctx.runDir), {
      runId: ctx.runId,
      source: ctx.source,
      repoPath: ctx.state.workspace?.repoPath ?? null,
      currentPhase: phase,
      phaseStatus: status,
      ports: ctx.state.decided?.ports ?? {},
      services: ctx.state.services?.map((s) => ({ name: s.name, pid: s.pid, port: s.port })) ?? [],
      updatedAt: new Date().toISOString(),
    });
  }
}
