import pc from 'picocolors';
import { readInterventionPolicy } from '../../admin/intervention-policy.js';
import { intervenableRun, intervene } from '../../core/intervene.js';
import { RepoRunnerError } from '../../model/errors.js';
import { renderReport } from '../render/report-text.js';
import { TaskList } from '../render/task-list.js';
import { withSession } from '../session.js';
import { exitCodeFor } from './run.js';

/**
 * `repo-runner admin-agent intervene --run ID [--policy FILE] [--json]`: the Admin Agent's
 * intervention in a run that did not come up (see `core/intervene.ts`). Exit 0 when the run
 * ends healthy (left running under a detached supervisor); else the run's own exit code,
 * with the escalation's reason and next step.
 */
/** Statuses `--orchestrator` takes up (as `core/intervene.ts` does). */
const DID_NOT_COME_UP = new Set(['failed', 'partial', 'interrupted']);

/**
 * `repo-runner admin-agent intervene --orchestrator NAME`: an intervention in every run of
 * that business orchestrator that did not come up (newest 1000 runs), one after the other.
 * Exit 0 when each came up (or there was none), else 9.
 */
export async function interveneOrchestratorCommand(flags: {
  orchestrator: string;
  policy?: string;
  json?: boolean;
}): Promise<number> {
  const policy = readInterventionPolicy(flags.policy);
  return withSession(async ({ store, home }) => {
    if (!(await store.getOrchestrator(flags.orchestrator)))
      throw new RepoRunnerError(
        'NOT_FOUND',
        `there is no business orchestrator named ${flags.orchestrator}`,
        'see repo-runner admin-agent list-orchestrators',
      );
    const runs = (await store.listRuns(1000)).filter(
      (r) => r.options.orchestrator === flags.orchestrator && DID_NOT_COME_UP.has(r.status),
    );
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    const results = [];
    try {
      for (const run of runs) {
        if (abort.signal.aborted) break;
        const o = await intervene(
          { store, home, signal: abort.signal, actorId: null },
          run.id,
          policy,
        );
        results.push({
          runId: o.runId,
          result: o.result,
          attempts: o.attempts,
          escalation: o.escalation,
        });
        if (!flags.json)
          process.stdout.write(
            `${pc.bold(o.runId)}: ${o.attempts.map((a) => a.strategy).join(', ') || 'nothing applied'} → ${o.result === 'healthy' ? pc.green('healthy') : pc.yellow(`escalated: ${o.escalation?.reason}`)}\n`,
          );
      }
    } finally {
      process.off('SIGINT', onSignal);
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else if (runs.length === 0)
      process.stdout.write(`no run of ${flags.orchestrator} needs an intervention\n`);
    return results.every((r) => r.result === 'healthy') ? 0 : 9;
  });
}

export async function interveneCommand(flags: {
  run: string;
  policy?: string;
  json?: boolean;
  verbose?: boolean;
}): Promise<number> {
  const policy = readInterventionPolicy(flags.policy);
  return withSession(async ({ store, home }) => {
    // Refused before the task list starts drawing.
    await intervenableRun(store, flags.run);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    const tasks = flags.json ? null : new TaskList(flags.verbose ?? false);
    try {
      const outcome = await intervene(
        { store, home, signal: abort.signal, onEvent: (e) => tasks?.onEvent(e), actorId: null },
        flags.run,
        policy,
      );
      await tasks?.finished();
      if (flags.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else {
        for (const a of outcome.attempts)
          process.stdout.write(
            `Admin Agent: ${a.strategy} ${JSON.stringify(a.options)} → ${a.status} in ${(a.durationMs / 1000).toFixed(1)} s\n`,
          );
        if (outcome.report) process.stdout.write(`${renderReport(outcome.report)}\n`);
        if (outcome.escalation)
          process.stdout.write(
            `${pc.yellow('escalated')}: ${outcome.escalation.reason}\n${pc.cyan('next')}: ${outcome.escalation.nextStep}\n`,
          );
        else
          process.stdout.write(
            `supervisor pid ${outcome.supervisorPid}; stop with ${pc.bold(`repo-runner stop ${outcome.runId}`)}\n`,
          );
      }
      if (outcome.result === 'healthy') return 0;
      return outcome.report ? exitCodeFor(outcome.report) : 9;
    } finally {
      process.off('SIGINT', onSignal);
    }
  });
}
