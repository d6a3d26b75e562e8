import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import {
  parseInterventionPolicy,
  type InterventionPolicy,
} from '../../admin/intervention-policy.js';
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
export async function interveneCommand(flags: {
  run: string;
  policy?: string;
  json?: boolean;
  verbose?: boolean;
}): Promise<number> {
  let policy: InterventionPolicy | undefined;
  if (flags.policy) {
    let text: string;
    try {
      text = readFileSync(flags.policy, 'utf8');
    } catch (err) {
      throw new RepoRunnerError(
        'BAD_INPUT',
        `cannot read ${flags.policy}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        'give the path of a JSON policy file',
      );
    }
    policy = parseInterventionPolicy(text, flags.policy);
  }
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
