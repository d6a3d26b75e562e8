import type { PhaseName } from '../model/phases.js';
import type { ProcessResult } from '../model/process-result.js';
import { classifyFailure, type FailureInput } from './classify.js';
import type { ErrorSignature } from './signature.js';

/** A failed ProcessResult for tests: exit 1 unless `overrides` say otherwise. */
export function failedResult(overrides: Partial<ProcessResult> = {}): ProcessResult {
  return {
    command: 'true',
    cwd: '/app',
    failed: true,
    timedOut: false,
    aborted: false,
    exitCode: 1,
    signal: null,
    durationMs: 1200,
    stdout: '',
    stderr: '',
    spawnError: null,
    ...overrides,
  };
}

/** Classifies a multi-line log sample (leading indentation of the template kept). */
export function classifyLog(
  log: string,
  phase: PhaseName = 'start',
  extra: Omit<FailureInput, 'phase' | 'logTail'> = {},
): ErrorSignature {
  return classifyFailure({ phase, logTail: log.split('\n'), ...extra });
}
