import { existsSync, readFileSync } from 'node:fs';
import type { RepoRunnerError } from '../model/errors.js';
import { logFile } from '../model/paths.js';
import type { PhaseName } from '../model/phases.js';
import type { RunState } from '../model/run-state.js';
import { classifyFailure } from './classify.js';
import type { ErrorSignature } from './signature.js';

/**
 * Classifies a failed phase of a run from what the run kept: the phase error's text (it
 * carries the failing command's output tail) and, for start and health, the log tail and
 * detail of the first service that is not healthy.
 */
export function classifyRunFailure(
  state: RunState,
  phase: PhaseName,
  error: RepoRunnerError | null,
  runDir?: string,
): ErrorSignature {
  const bad =
    phase === 'start' || phase === 'health' || phase === 'report'
      ? state.health?.find((h) => h.health !== 'healthy')
      : undefined;
  const service = bad?.service ?? serviceInMessage(state, error?.message ?? '');
  const ecosystem = state.plan?.services.find((s) => s.name === service)?.provider ?? null;
  return classifyFailure({
    phase: phase === 'report' ? 'health' : phase,
    service,
    ecosystem,
    logTail: [
      ...commandLog(runDir, phase, service),
      ...(error?.message.split('\n') ?? []),
      ...(bad?.logTail ?? []),
    ],
    healthDetail: bad?.detail ?? null,
  });
}

/** Lines of a failed install or build read for classification: the last 400. */
const LOG_LINES = 400;

/**
 * The failed command's whole log (install or build), not just the tail the error message
 * keeps: npm prints the reason near the top and 80 lines of usage after it.
 */
function commandLog(
  runDir: string | undefined,
  phase: PhaseName,
  service: string | null,
): string[] {
  const prefix = phase === 'dependencies' ? 'install' : phase === 'build' ? 'build' : null;
  if (!runDir || !prefix || !service) return [];
  const file = logFile(runDir, `${prefix}-${service}`);
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
