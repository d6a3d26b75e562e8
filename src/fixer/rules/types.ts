import type { PhaseName } from '../../model/phases.js';
import type { ProcessResult } from '../../model/process-result.js';
import type { ServiceExit } from '../../model/service-exit.js';
import type { ErrorClass } from '../classes.js';

/** The facts a rule extracts (e.g. `{ module: 'flask_cors' }`); values are strings. */
export type Details = Record<string, string>;

/** What a rule sees. Line rules get one line at a time, last line first. */
export interface RuleContext {
  /** The scanned log lines, oldest first, without colour codes. */
  lines: readonly string[];
  /** Index in `lines` of the line under test; -1 for `result` and `fallback` rules. */
  at: number;
  /** The line under test; '' for `result` and `fallback` rules. */
  line: string;
  result: ProcessResult | null;
  phase: PhaseName;
  /** The HealthAgent's verdict text (e.g. `no answer within 30000 ms (…)`), for people. */
  healthDetail: string | null;
  /** How the failing service's process ended, when it did (the HealthAgent saw it). */
  exit: ServiceExit | null;
}

/**
 * One classification rule. `stage` says when it runs: `result` rules read ProcessResult
 * fields (and the service's exit) before any log line; `line` rules are tried on each log
 * line, last line first, so the final error of a traceback wins; `fallback` rules run when
 * no line matched. Within a stage the order of `RULES` decides.
 */
export interface Rule {
  /** `theme/name`, for tests and debugging. */
  id: string;
  class: ErrorClass;
  stage: 'result' | 'line' | 'fallback';
  /** Phases the rule applies to; all when absent. */
  phases?: readonly PhaseName[];
  /** The ecosystem the matched message belongs to, when the message alone says. */
  ecosystem?: string;
  /** The details when the rule matches, else null. */
  test(ctx: RuleContext): Details | null;
}
