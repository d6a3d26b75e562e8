import type { ErrorCode } from '../model/errors.js';
import { StepFailedError } from '../model/errors.js';
import type { CommandSpec } from '../model/plan.js';
import type { ProcessResult } from '../model/process-result.js';
import type { RunContext } from '../model/run-context.js';
import { outputTail } from './process-result.js';
import { installHint } from './toolchain-hints.js';
import { runTracked, type TrackedOptions } from './tracked-command.js';

/** How a failed step is reported: its error code, the user's next step, and the wording. */
export interface StepFailure {
  code: ErrorCode;
  /** What to do next; the log file's path is in the default hints of the callers. */
  hint: string;
  /**
   * True when a program that cannot be spawned (ENOENT) means a missing toolchain
   * (`npm`, `go`): the error is then TOOLCHAIN_MISSING, "<program> is not installed".
   */
  missingProgramIsToolchain?: boolean;
  /** The message, when not `<step> failed (<why>): <argv>` plus the output tail. */
  message?: (result: ProcessResult) => string;
}

/** Lines of output kept in a failed step's message (the report shows them): 15. */
const TAIL_LINES = 15;

/** Why a step failed, in a few words: its spawn error, timeout, exit code or signal. */
export function failureReason(result: ProcessResult): string {
  if (result.spawnError) return result.spawnError;
  if (result.timedOut) return 'timed out';
  return `exit ${result.exitCode ?? result.signal}`;
}

/**
 * Runs one install, build, migration or fix step as a tracked command and turns its failure
 * into a {@link StepFailedError} carrying the ProcessResult and the log file, so the
 * FixerAgent classifies on the process's fields rather than on this message. An optional
 * step's failure is a warning and its result is returned; an abort throws an AbortError.
 *
 * @example
 * await runStep(ctx, step, repoPath, tracked, { code: 'BUILD_FAILED', hint: `read ${log}` });
 */
export async function runStep(
  ctx: RunContext,
  step: CommandSpec,
  repoPath: string,
  tracked: TrackedOptions,
  failure: StepFailure,
): Promise<ProcessResult> {
  const result = await runTracked(ctx, step, repoPath, tracked);
  if (result.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
  if (!result.failed) return result;
  const fail = (code: ErrorCode, message: string, hint: string) =>
    new StepFailedError(code, message, hint, {
      result,
      logFile: tracked.logFile,
      service: tracked.service,
    });
  const program = step.argv[0] ?? '';
  if (failure.missingProgramIsToolchain && result.spawnError?.includes('ENOENT'))
    throw fail(
      'TOOLCHAIN_MISSING',
      `${program} is not installed (needed to ${step.description})`,
      `${installHint(program)}, then run again`,
    );
  if (step.optional) {
    ctx.bus.publish({
      kind: 'warning',
      phase: tracked.phase,
      service: tracked.service,
      message: `${step.description} failed (${failureReason(result)}); it is optional, so the run goes on`,
    });
    return result;
  }
  const message =
    failure.message?.(result) ??
    `${step.description} failed (${failureReason(result)}): ${step.argv.join(' ')}\n${outputTail(result, TAIL_LINES).join('\n')}`;
  throw fail(failure.code, message, failure.hint);
}
