import { LIVE_PHASES, PHASES, UNBUILT_PHASES, type PhaseName } from '../model/phases.js';
import type { PhaseRecord } from '../store/store.js';

/** Retry policy of a phase, as data (bullmq style): attempts in all, wait between them in ms. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** Phases that run today; the unbuilt ones are recorded as skipped. */
const IMPLEMENTED: ReadonlySet<PhaseName> = new Set(
  PHASES.filter((p) => !UNBUILT_PHASES.includes(p)),
);

/**
 * Fetch and install talk to remote hosts and package registries, where a second try after a
 * pause often succeeds; every other phase is deterministic, so one attempt.
 */
const RETRIES: Partial<Record<PhaseName, RetryPolicy>> = {
  fetch: { attempts: 2, backoffMs: 2000 },
  dependencies: { attempts: 2, backoffMs: 2000 },
};

/** A phase the pipeline will run or skip, and why. */
export interface PhaseDecision {
  name: PhaseName;
  action: 'run' | 'skip' | 'restore';
  reason: string;
}

/**
 * OrchestratorManager: decides the phase order, which phases run, are skipped, or are
 * restored from their checkpoint on resume, and each phase's retry policy. It decides only;
 * the pipeline acts.
 */
export const orchestratorManager = {
  name: 'OrchestratorManager',

  /**
   * Decides every phase for a run, given the phases already recorded (empty for a new run).
   * A resumed run restores every phase done before the first unfinished one, except that
   * live phases (start, health) are never restored: their processes died with the run, and
   * plan always runs again: the run's port leases were released when it ended.
   */
  decide(recorded: PhaseRecord[]): PhaseDecision[] {
    const done = new Set(
      recorded.filter((p) => p.status === 'done' || p.status === 'skipped').map((p) => p.name),
    );
    let firstOpen = PHASES.findIndex((p) => IMPLEMENTED.has(p) && !done.has(p));
    if (firstOpen === -1) firstOpen = PHASES.length;
    const firstLive = PHASES.findIndex((p) => LIVE_PHASES.includes(p));
    const resumeAt = Math.min(firstOpen, firstLive);
    return PHASES.map((name, i) => {
      if (!IMPLEMENTED.has(name))
        return { name, action: 'skip', reason: 'no agent for this phase yet' };
      if (name === 'plan' && done.has(name))
        return { name, action: 'run', reason: 're-lease the ports the run had' };
      if (i < resumeAt && done.has(name))
        return { name, action: 'restore', reason: 'done in an earlier attempt' };
      return {
        name,
        action: 'run',
        reason: recorded.length === 0 ? 'new run' : 'not finished before',
      };
    });
  },

  /** The retry policy of a phase. */
  retryPolicy(phase: PhaseName): RetryPolicy {
    return RETRIES[phase] ?? { attempts: 1, backoffMs: 0 };
  },
};
