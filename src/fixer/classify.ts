import type { PhaseName } from '../model/phases.js';
import type { ProcessResult } from '../model/process-result.js';
import { describeExit, type ServiceExit } from '../model/service-exit.js';
import { isFixable } from './classes.js';
import { RULES } from './rules/index.js';
import { logLines } from './rules/text.js';
import type { Details, Rule, RuleContext } from './rules/types.js';
import { trimEvidence, type ErrorSignature } from './signature.js';

/** What is known about one failure. Give the ProcessResult, the log tail, or both. */
export interface FailureInput {
  phase: PhaseName;
  service?: string | null;
  ecosystem?: string | null;
  /** The failed command, when the failure was a command run. */
  result?: ProcessResult | null;
  /** Log lines (e.g. a service's log tail), read after the result's stdout and stderr. */
  logTail?: string[];
  /** The HealthAgent's detail (`no answer within …`). */
  healthDetail?: string | null;
  /** How the service's process ended (a start or health failure), as fields. */
  exit?: ServiceExit | null;
}

/** Lines scanned, from the end: 400 (a long traceback plus the noise after it). */
export const MAX_SCAN_LINES = 400;

interface Hit {
  rule: Rule;
  details: Details;
  evidence: string;
}

/** The process facts as one line, for evidence when no log line matched. */
function facts(
  result: ProcessResult | null,
  exit: ServiceExit | null,
  healthDetail: string | null,
): string {
  const parts = [
    result?.spawnError,
    (result?.limitHit ?? exit?.limitHit)
      ? `run limit hit: ${result?.limitHit ?? exit?.limitHit}`
      : null,
    result?.timedOut ? `timed out after ${result.durationMs} ms` : null,
    result?.signal ? `signal ${result.signal}` : null,
    result && result.exitCode !== null && result.exitCode !== 0
      ? `exit code ${result.exitCode}`
      : null,
    // The HealthAgent's detail already says how the service ended, in words.
    healthDetail ?? (exit ? describeExit(exit) : null),
  ];
  return parts.filter((p): p is string => Boolean(p)).join('; ');
}

function firstHit(rules: readonly Rule[], base: RuleContext): Hit | null {
  const evidence = facts(base.result, base.exit, base.healthDetail);
  const staged = (stage: Rule['stage']) => rules.filter((r) => r.stage === stage);
  for (const rule of staged('result')) {
    const details = rule.test(base);
    if (details) return { rule, details, evidence };
  }
  const lineRules = staged('line');
  for (let at = base.lines.length - 1; at >= 0; at--) {
    const ctx = { ...base, at, line: base.lines[at] ?? '' };
    for (const rule of lineRules) {
      const details = rule.test(ctx);
      if (details) return { rule, details, evidence: ctx.line };
    }
  }
  for (const rule of staged('fallback')) {
    const details = rule.test(base);
    if (details) return { rule, details, evidence };
  }
  return null;
}

/**
 * Names a failure: ProcessResult and service-exit fields first (spawn errors, SIGKILL/137), then the log
 * lines from the last one back (so a traceback's final exception wins), then fallbacks
 * (timeout, exit 126/127, no answer). Never guesses: what no rule matches is `unknown`.
 *
 * @example
 * classifyFailure({ phase: 'start', logTail: ["ModuleNotFoundError: No module named 'flask_cors'"] });
 * // { class: 'python-module-missing', details: { module: 'flask_cors' }, fixable: true, … }
 */
export function classifyFailure(
  input: FailureInput,
  rules: readonly Rule[] = RULES,
): ErrorSignature {
  const result = input.result ?? null;
  const healthDetail = input.healthDetail ?? null;
  const exit = input.exit ?? null;
  const all = [
    ...(result ? logLines(`${result.stdout}\n${result.stderr}`) : []),
    ...logLines((input.logTail ?? []).join('\n')),
  ];
  const lines = all.slice(-MAX_SCAN_LINES);
  const applicable = rules.filter((r) => !r.phases || r.phases.includes(input.phase));
  const base: RuleContext = {
    lines,
    at: -1,
    line: '',
    result,
    phase: input.phase,
    healthDetail,
    exit,
  };
  const hit = firstHit(applicable, base);
  const cls = hit?.rule.class ?? 'unknown';
  const details = hit?.details ?? {};
  return {
    class: cls,
    phase: input.phase,
    service: input.service ?? null,
    ecosystem: input.ecosystem ?? hit?.rule.ecosystem ?? null,
    details,
    fixable: isFixable(cls, details),
    evidence: trimEvidence(hit?.evidence ?? lines.at(-1) ?? facts(result, exit, healthDetail)),
  };
}
