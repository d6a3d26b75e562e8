import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RefusalError } from '../model/errors.js';
import { describeIssues } from '../model/overrides.js';
import type { Report } from '../model/report.js';
import { appendAdminState } from './state-file.js';

/**
 * What an intervention can do to a run that did not come up, in the order a policy lists:
 * - `resume`: resume it from its checkpoints as it is (a transient failure, a dead supervisor);
 * - `retry-with-fixes`: resume it with the FixerAgent on (it ran with `--no-fix`);
 * - `longer-timeouts`: resume it with the health and command timeouts multiplied by `factor`.
 */
export const InterventionStepSchema = z
  .object({
    strategy: z.enum(['resume', 'retry-with-fixes', 'longer-timeouts']),
    /** Only when the run's failure is one of these error codes (e.g. `UNHEALTHY`). */
    errorCodes: z.array(z.string()).optional(),
    /** Only when the classified cause is one of these classes (e.g. `timeout`). */
    causeClasses: z.array(z.string()).optional(),
    /** `longer-timeouts`: the multiplier (default 3, at most 10). */
    factor: z.number().min(1).max(10).optional(),
  })
  .strict();
/** One step of an {@link InterventionPolicy}. */
export type InterventionStep = z.infer<typeof InterventionStepSchema>;

/** The steps an intervention tries in order until the run is healthy (then: escalate). */
export const InterventionPolicySchema = z.array(InterventionStepSchema).min(1).max(10);
/** A policy: data, given as JSON with `--policy FILE`, else {@link DEFAULT_INTERVENTION_POLICY}. */
export type InterventionPolicy = z.infer<typeof InterventionPolicySchema>;

/**
 * The default: turn the FixerAgent on when it was off; give a run that timed out (never
 * healthy, a step timed out) three times as long; else resume once as it is. A step that
 * does not apply is passed over; the first healthy outcome ends the intervention.
 */
export const DEFAULT_INTERVENTION_POLICY: InterventionPolicy = [
  { strategy: 'retry-with-fixes' },
  { strategy: 'longer-timeouts', causeClasses: ['command-timed-out', 'never-binds'] },
  { strategy: 'resume', errorCodes: ['INTERNAL', 'INTERRUPTED', 'DATABASE_FAILED'] },
];

/** What the run looked like when a step was considered. */
export interface FailedRunView {
  options: { fix?: boolean; healthTimeoutMs?: number; commandTimeoutMs?: number };
  report: Report | null;
}

/**
 * Whether `step` applies to the run: its filters match the report's error code and cause
 * class, and `retry-with-fixes` only when fixes were off.
 */
export function stepApplies(step: InterventionStep, run: FailedRunView): boolean {
  if (step.strategy === 'retry-with-fixes' && run.options.fix !== false) return false;
  const code = run.report?.error?.code;
  if (step.errorCodes && (!code || !step.errorCodes.includes(code))) return false;
  const cls = run.report?.cause?.class;
  if (step.causeClasses && (!cls || !step.causeClasses.includes(cls))) return false;
  return true;
}

/** The run options a step changes for its attempt (not stored: a later plain `resume` uses the run's own). */
export function stepOptions(step: InterventionStep, run: FailedRunView): Record<string, unknown> {
  if (step.strategy === 'retry-with-fixes') return { fix: true };
  if (step.strategy === 'longer-timeouts') {
    const f = step.factor ?? 3;
    return {
      healthTimeoutMs: Math.round((run.options.healthTimeoutMs ?? 120_000) * f),
      commandTimeoutMs: Math.round((run.options.commandTimeoutMs ?? 900_000) * f),
    };
  }
  return {};
}

/**
 * Parses a policy file's text (JSON).
 * @throws RefusalError BAD_INPUT naming the bad field.
 */
export function parseInterventionPolicy(text: string, source = 'the policy'): InterventionPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RefusalError('BAD_INPUT', `${source} is not JSON: ${(err as Error).message}`);
  }
  const parsed = InterventionPolicySchema.safeParse(raw);
  if (!parsed.success)
    throw new RefusalError(
      'BAD_INPUT',
      `${source} is not a valid intervention policy: ${describeIssues(parsed.error)}`,
      'a JSON array of {strategy: resume|retry-with-fixes|longer-timeouts, errorCodes?, causeClasses?, factor?}',
    );
  return parsed.data;
}

/**
 * Reads and parses a policy file (`--policy FILE`), or undefined when none is given.
 * @throws RefusalError BAD_INPUT when it cannot be read or is not a valid policy.
 */
export function readInterventionPolicy(file: string | undefined): InterventionPolicy | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RefusalError(
      'BAD_INPUT',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'give the path of a JSON policy file',
    );
  }
  return parseInterventionPolicy(text, file);
}

/** Appends an intervention's line to the Admin Agent's state file (JSON Lines). */
export function recordIntervention(home: string, entry: Record<string, unknown>): void {
  appendAdminState(home, { action: 'intervene', ...entry });
}
