import { existsSync, readFileSync } from 'node:fs';
import { StepFailedError, type RepoRunnerError } from '../model/errors.js';
import type { PhaseName } from '../model/phases.js';
import type { RunState } from '../model/run-state.js';
import { classifyFailure } from './classify.js';
import type { ErrorSignature } from './signature.js';

/**
 * Classifies a failed phase of a run from what the run kept: a failed step's ProcessResult
 * and its whole log file (a {@link StepFailedError}), else the phase error's text; for start
 * and health, the first service that is not healthy: its exit, log tail and detail.

 */
export function classifyRunFailure(
  state: RunState,
  phase: PhaseName,
  error: RepoRunnerError | null,
): ErrorSignature {
  const bad =
    phase === 'start' || phase === 'health' || phase === 'report'
      ? state.health?.find((h) => h.health !== 'healthy')
      : undefined;
  const step = error instanceof StepFailedError ? error : null;
  const service = bad?.service ?? step?.service ?? serviceInMessage(state, error?.message ?? '');
  const ecosystem = state.plan?.services.find((s) => s.name === service)?.provider ?? null;
  return classifyFailure({
    phase: phase === 'report' ? 'health' : phase,
    service,
    ecosystem,
    result: step?.result ?? null,
    // A step's message is its result put into words: read the log it names instead.
    logTail: [
      ...(step ? commandLog(step.logFile) : (error?.message.split('\n') ?? [])),
      ...(bad?.logTail ?? []),
    ],
    healthDetail: bad?.detail ?? null,
    exit: bad?.exit ?? null,
  });
}

/** Lines of a failed step's log read for classification: the last 400. */
const LOG_LINES = 400;

/**
 * The failed command's whole log, not just the tail its result keeps: npm prints the reason
 * near the top and 80 lines of usage after it.
 */
function commandLog(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').slice(-LOG_LINES);
}

/** The service a phase error names (`could not start web: …`, `… for api failed`), if any. */
function serviceInMessage(state: RunState, message: string): string | null {
  const names = state.plan?.services.map((s) => s.name) ?? [];
  if (names.length === 1) return names[0] ?? null;
  const first = message.split('\n')[0] ?? '';
  return names.find((n) => new RegExp(`\\b${n.replace(/[.]/g, '\\.')}\\b`).test(first)) ?? null;
}
