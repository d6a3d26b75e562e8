import {
  DEFAULT_INTERVENTION_POLICY,
  recordIntervention,
  stepApplies,
  stepOptions,
  type FailedRunView,
  type InterventionPolicy,
} from '../admin/intervention-policy.js';
import { RefusalError } from '../model/errors.js';
import type { Report } from '../model/report.js';
import type { RunRecord, Store } from '../model/store.js';
import { handOverToSupervisor } from './detach.js';
import { requireRun, resumeRun, type RunCaller } from './run-api.js';

/** One step an intervention took: its strategy, the options it changed, how the run ended. */
export interface InterventionAttempt {
  strategy: string;
  options: Record<string, unknown>;
  status: Report['status'];
  durationMs: number;
}

/** What an intervention did: healthy (and handed to a supervisor), or escalated. */
export interface InterventionOutcome {
  runId: string;
  result: 'healthy' | 'escalated';
  attempts: InterventionAttempt[];
  /** The last report (null when no step applied and the run had none). */
  report: Report | null;
  /** Escalated: why, and what a person should do next. */
  escalation?: { reason: string; cause: string | null; nextStep: string };
  /** Healthy: the detached supervisor now keeping its services up. */
  supervisorPid?: number;
}

/** Statuses an intervention may take up: a run that ended without becoming healthy. */
const INTERVENABLE = new Set(['failed', 'partial', 'interrupted']);

/**
 * The run, when an intervention may take it up.
 * @throws RefusalError CONFLICT when it is healthy, queued, running or stopped by a person;
 *   RUN_NOT_FOUND for an unknown id.
 */
export async function intervenableRun(store: Store, runId: string): Promise<RunRecord> {
  const run = await requireRun(store, runId);
  if (!INTERVENABLE.has(run.status))
    throw new RefusalError(
      'CONFLICT',
      `run ${runId} is ${run.status}: there is nothing to intervene in`,
      run.status === 'stopped'
        ? 'it was stopped on purpose; `repo-runner resume` it to start it again'
        : 'the Admin Agent intervenes in runs that failed, ended partial or were interrupted',
    );
  return run;
}

/**
 * The Admin Agent's intervention in one run that did not come up (issue #14 item 3): tries
 * the policy's steps in order (each that applies: `resume` from the checkpoints,
 * `retry-with-fixes`, `longer-timeouts`; see admin/intervention-policy.ts), each a resume of
 * the run with its options changed for that attempt, until one ends healthy; the run is then
 * handed to a detached supervisor like `run --detach`. When none does, it escalates with the
 * last report's cause and next step. Every step is an event of the run, an audit-log entry
 * (`agent-intervene`) and a line of `admin_agent_state.json`.
 *
 * @throws RefusalError CONFLICT when the run is healthy, queued, running or was stopped by
 *   a person (nothing to intervene in); RUN_NOT_FOUND for an unknown id.
 */
export async function intervene(
  caller: RunCaller & { actorId: string | null },
  runId: string,
  policy: InterventionPolicy = DEFAULT_INTERVENTION_POLICY,
  options: { checked?: boolean } = {},
): Promise<InterventionOutcome> {
  // `checked`: the API checked it before queueing the run (whose status is now `queued`).
  const run = options.checked
    ? await requireRun(caller.store, runId)
    : await intervenableRun(caller.store, runId);
  const view: FailedRunView = {
    options: run.options as FailedRunView['options'],
    report: (run.report as Report | null) ?? null,
  };
  const attempts: InterventionAttempt[] = [];
  const note = async (message: string, details: Record<string, unknown>) => {
    await caller.store.appendEvent({
      runId,
      kind: 'info',
      phase: 'report',
      service: null,
      message,
      data: details,
    });
    await caller.store.appendAudit(
      {
        action: 'agent-intervene',
        actorId: caller.actorId,
        targetId: null,
        details: { runId, ...details },
      },
      new Date().toISOString(),
    );
    recordIntervention(caller.home, { run: runId, by: caller.actorId, ...details });
  };
  for (const step of policy) {
    if (!stepApplies(step, view)) continue;
    const options = stepOptions(step, view);
    const t0 = Date.now();
    const outcome = await resumeRun(caller, runId, options);
    const attempt: InterventionAttempt = {
      strategy: step.strategy,
      options,
      status: outcome.report.status,
      durationMs: Date.now() - t0,
    };
    attempts.push(attempt);
    await note(`Admin Agent: ${step.strategy} → ${attempt.status}`, { ...attempt });
    view.report = outcome.report;
    if (outcome.report.status === 'healthy') {
      const pid = await handOverToSupervisor(
        caller.store,
        caller.home,
        outcome,
        caller.env ?? process.env,
      );
      return { runId, result: 'healthy', attempts, report: outcome.report, supervisorPid: pid };
    }
  }
  const cause = view.report?.cause ?? null;
  const reason =
    attempts.length === 0
      ? `no step of the policy applies (error ${view.report?.error?.code ?? 'none'}, cause ${cause?.class ?? 'none'})`
      : `${attempts.map((a) => a.strategy).join(', ')} did not bring it up`;
  const nextStep =
    cause?.nextStep ??
    view.report?.error?.hint ??
    `read \`repo-runner logs ${runId}\` and the report's error`;
  await note(`Admin Agent: escalated (${reason})`, { escalated: reason });
  return {
    runId,
    result: 'escalated',
    attempts,
    report: view.report,
    escalation: { reason, cause: cause?.class ?? null, nextStep },
  };
}
