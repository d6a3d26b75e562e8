import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RepoRunnerError } from '../model/errors.js';
import type { Agent } from './agent.js';
import { PHASES, type PhaseName } from '../model/phases.js';
import { classifyRunFailure } from '../fixer/classify-run.js';
import { signatureKey } from '../fixer/index.js';
import { nextStepFor } from '../fixer/next-step.js';
import { ReportSchema, type Report } from '../model/report.js';
import type { RunState } from '../model/run-state.js';
import { connectHost } from '../health/readiness.js';
import type { PhaseRecord } from '../model/store.js';
import { readIndexOutcome } from '../index/index-repository.js';
import { describeLocations, locateCause } from '../fixer/locate-cause.js';
import type { ErrorSignature } from '../fixer/signature.js';

/** Inputs of {@link buildReport}. */
export interface ReportInput {
  runId: string;
  source: string;
  state: RunState;
  phases: PhaseRecord[];
  warnings: string[];
  error: RepoRunnerError | null;
  /** The registered agents, named under their phase in the report. */
  agents?: ReadonlyArray<{ name: string; phase: string }>;
}

/**
 * OrchestratorAgent (the `end` role of the agent seam): at the end of every run, whatever
 * happened, builds the Report from the run state and the recorded phases.
 */
export const orchestratorAgent = {
  name: 'OrchestratorAgent',
  phase: 'report',
  on: 'end',
  produces: 'report',
  async run(ctx, input) {
    // The index build runs beside the later phases: report its state as it is now.
    if (ctx.state.index) ctx.state.index = readIndexOutcome(ctx.state.index.dir) ?? ctx.state.index;
    const report = buildReport({
      runId: ctx.runId,
      source: ctx.source,
      state: ctx.state,
      phases: await ctx.store.getPhases(ctx.runId),
      warnings: [...input.warnings],
      error: input.failure?.error ?? null,
      agents: input.agents,
    });
    reportToAdminAgent(ctx.home, report, ctx.options.orchestrator ?? null);
    return report;
  },
} satisfies Agent<'report'>;

/** The Admin Agent's run feed in the data dir: one JSON line per finished run. */
export const ADMIN_AGENT_FEED_FILE = 'admin_agent_feed.jsonl';

/**
 * Sends a finished run to the Admin Agent's feed (the seeds: the OrchestratorAgent reports
 * every run to it): run id, orchestrator, status, error code and cause class. A feed that
 * cannot be written is not the run's failure.
 */
export function reportToAdminAgent(
  home: string,
  report: Report,
  orchestrator: string | null,
): void {
  try {
    mkdirSync(home, { recursive: true });
    appendFileSync(
      path.join(home, ADMIN_AGENT_FEED_FILE),
      `${JSON.stringify({
        at: new Date().toISOString(),
        runId: report.runId,
        orchestrator,
        status: report.status,
        error: report.error?.code ?? null,
        cause: report.cause?.class ?? null,
      })}\n`,
    );
  } catch {
    // A read-only or full data dir: the report itself still stands.
  }
}

/**
 * OrchestratorAgent's report: services with their URL and health, every phase with its
 * status and duration (ms), warnings, and the error that stopped the run. Status is
 * `healthy` when every service is, `partial` when some are, else `failed` (issue #2).
 */
export function buildReport(input: ReportInput): Report {
  const { state } = input;
  const host = state.decided?.host ?? '127.0.0.1';
  const plannedNames = state.plan?.services.map((s) => s.name) ?? [];
  const services: Report['services'] = plannedNames.map((name) => {
    const running = state.services?.find((s) => s.name === name);
    const health = state.health?.find((h) => h.service === name);
    const port = running?.port ?? state.decided?.ports[name] ?? null;
    const h = connectHost(host);
    return {
      name,
      command:
        running?.command ??
        state.plan?.services.find((s) => s.name === name)?.start.argv.join(' ') ??
        '',
      port,
      url: port === null ? null : `http://${h.includes(':') ? `[${h}]` : h}:${port}/`,
      health: health?.health ?? (running ? 'starting' : 'stopped'),
      pid: running?.pid ?? null,
      logFile: running?.logFile ?? '',
      ...(health && health.health !== 'healthy'
        ? { logTail: health.logTail, detail: health.detail }
        : {}),
    };
  });
  const healthy = services.filter((s) => s.health === 'healthy').length;
  const status: Report['status'] =
    input.error === null && services.length > 0 && healthy === services.length
      ? 'healthy'
      : healthy > 0
        ? 'partial'
        : 'failed';
  const byName = new Map(input.phases.map((p) => [p.name, p]));
  const cause = status === 'healthy' ? undefined : classifyCause(input);
  return ReportSchema.parse({
    runId: input.runId,
    status,
    source: input.source,
    repoPath: state.workspace?.repoPath ?? '',
    services,
    phases: PHASES.map((name) => {
      const agents = input.agents?.filter((a) => a.phase === name).map((a) => a.name) ?? [];
      return {
        name,
        status: byName.get(name)?.status ?? 'pending',
        durationMs: byName.get(name)?.durationMs ?? null,
        ...(agents.length > 0 ? { agents } : {}),
      };
    }),
    warnings: [...new Set(input.warnings)],
    needsValue: (state.config ?? []).flatMap((c) =>
      c.needsValue.map((key) => ({ service: c.services[0] ?? '', key, file: c.file })),
    ),
    ...(cause ? { cause } : {}),
    ...(state.index ? { index: state.index } : {}),
    ...(state.custom && Object.keys(state.custom).length > 0 ? { custom: state.custom } : {}),
    ...(state.fixes && state.fixes.length > 0 ? { fixes: state.fixes } : {}),
    ...(input.error
      ? {
          error: {
            code: input.error.code,
            message: input.error.message,
            ...(input.error.hint ? { hint: input.error.hint } : {}),
          },
        }
      : {}),
  });
}

/** Where the run's context index finds the cause (`where`, `located`), when it does. */
function located(
  state: RunState,
  sig: ErrorSignature,
): Pick<NonNullable<Report['cause']>, 'where' | 'located'> {
  const locations = locateCause(state.index?.dir, sig);
  const sentence = describeLocations(sig, locations);
  return sentence ? { where: locations.map((l) => `${l.path}:${l.line}`), located: sentence } : {};
}

/**
 * Classifies why a run is not healthy (src/fixer's rules) from the failed phase's error
 * text and the unhealthy services' log tails.
 */
function classifyCause(input: ReportInput): Report['cause'] {
  const failed = input.phases.find((p) => p.status === 'failed' && p.name !== 'fix');
  const phase = (failed?.name ?? 'health') as PhaseName;
  const sig = classifyRunFailure(input.state, phase, input.error);
  return {
    class: sig.class,
    key: signatureKey(sig),
    phase: sig.phase,
    service: sig.service,
    evidence: sig.evidence,
    fixable: sig.fixable,
    nextStep: nextStepFor(sig.class, sig.details),
    ...located(input.state, sig),
  };
}
