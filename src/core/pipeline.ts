import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from '../agents/agent.js';
import { agentsFor } from '../agents/index.js';
import { buildReport } from '../agents/orchestrator-agent.js';
import { HEALABLE_PHASES, heal } from '../agents/fixer-agent.js';
import { proposeWithModel } from '../fixer/model-fixes.js';
import { orchestratorManager, type PhaseDecision } from '../managers/orchestrator-manager.js';
import { RepoRunnerError, UnrecoverableError, toRepoRunnerError } from '../model/errors.js';
import { LIVE_PHASES, PHASES, type PhaseName } from '../model/phases.js';
import type { Report } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import type { RunState } from '../model/run-state.js';
import {
  agentStateFile,
  managerStateFile,
  runStateFile,
  writeJsonAtomic,
} from '../store/state-files.js';

/**
 * Runs (or resumes) a run's phases in the order the OrchestratorManager decides: restores
 * finished phases from their checkpoints, runs the rest with their retry policy, writes a
 * checkpoint after every phase (store + the seeds' JSON state files), and always ends with
 * the report phase, whose Report it returns. It never throws for a failing phase: the
 * failure is in the Report's `status` and `error`.
 */
export async function executePipeline(ctx: RunContext, agents?: readonly Agent[]): Promise<Report> {
  const recorded = await ctx.store.getPhases(ctx.runId);
  const checkpoints = await ctx.store.getCheckpoints(ctx.runId);
  const decisions = orchestratorManager.decide(recorded);
  writeJsonAtomic(managerStateFile(ctx.runDir, orchestratorManager.name), {
    runId: ctx.runId,
    decisions,
    decidedAt: new Date().toISOString(),
  });
  // Every finished phase's output is loaded, even for phases that run again (plan re-leases
  // the ports it had), except the live phases': their processes are gone, and a failure
  // before they run again would report them as still running and healthy.
  const finished = new Set(recorded.filter((p) => p.status === 'done').map((p) => p.name));
  for (const d of decisions) {
    if (finished.has(d.name) && !LIVE_PHASES.includes(d.name))
      Object.assign(ctx.state, checkpoints.get(d.name) ?? {});
  }
  const attempts = new Map(recorded.map((p) => [p.name, p.attempts]));
  const warnings: string[] = [];
  ctx.bus.on('event', (e) => {
    if (e.kind === 'warning') warnings.push(e.message);
  });
  let failure: RepoRunnerError | null = null;
  let fixPhaseRan = false;
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i]!;
    if (d.name === 'report') break;
    if (failure) continue;
    if (d.name === 'fix' && d.action === 'run') {
      // The FixerAgent runs when a phase fails (below); reaching its slot means nothing did.
      if (!fixPhaseRan) {
        await ctx.store.setPhase(ctx.runId, 'fix', { status: 'skipped' });
        ctx.bus.publish({
          kind: 'phase',
          phase: 'fix',
          message: 'nothing failed',
          data: { status: 'skipped' },
        });
      }
      continue;
    }
    if (d.action === 'skip') {
      await ctx.store.setPhase(ctx.runId, d.name, { status: 'skipped' });
      ctx.bus.publish({
        kind: 'phase',
        phase: d.name,
        message: d.reason,
        data: { status: 'skipped' },
      });
      continue;
    }
    if (d.action === 'restore') {
      ctx.bus.publish({
        kind: 'phase',
        phase: d.name,
        message: 'restored from checkpoint',
        data: { status: 'done', restored: true },
      });
      continue;
    }
    const phaseAgents = agentsFor(d.name, agents);
    if (phaseAgents.length > 0 && skippedByRepo(ctx, phaseAgents)) {
      await ctx.store.setPhase(ctx.runId, d.name, { status: 'skipped' });
      ctx.bus.publish({
        kind: 'phase',
        phase: d.name,
        message: `skipped by skip_agents (${phaseAgents.map((a) => a.name).join(', ')})`,
        data: { status: 'skipped' },
      });
      continue;
    }
    failure = await runPhase(ctx, d.name, phaseAgents, attempts.get(d.name) ?? 0);
    if (failure && ctx.options.fix && HEALABLE_PHASES.includes(d.name)) {
      fixPhaseRan = true;
      const healed = await heal(
        ctx,
        d.name,
        failure,
        (from, to) => rerunPhases(ctx, decisions, from, to, agents),
        proposeWithModel,
      );
      failure = healed.error;
      if (!failure) i = decisions.findIndex((x) => x.name === healed.reachedPhase);
    }
  }
  return reportPhase(ctx, warnings, failure);
}

/** True when the repo's `skip_agents` turns off every one of these agents. */
function skippedByRepo(ctx: RunContext, agents: readonly Agent[]): boolean {
  const skipped = ctx.state.plan?.skipAgents ?? [];
  return agents.every((a) => skipped.includes(a.name));
}

/**
 * Runs the phases from `from` to `to` again, in order, for a fix: skipped phases stay
 * skipped, and a database phase that is done is not rerun (its servers are still up).
 */
async function rerunPhases(
  ctx: RunContext,
  decisions: PhaseDecision[],
  from: PhaseName,
  to: PhaseName,
  agents: readonly Agent[] | undefined,
): Promise<{ phase: PhaseName; error: RepoRunnerError } | null> {
  const first = PHASES.indexOf(from);
  const last = PHASES.indexOf(to);
  const recorded = new Map((await ctx.store.getPhases(ctx.runId)).map((p) => [p.name, p]));
  for (const d of decisions) {
    const at = PHASES.indexOf(d.name);
    if (at < first || at > last || d.action === 'skip' || d.name === 'fix') continue;
    // Database servers stay up across a fix unless the fix re-planned (then they were stopped).
    if (
      d.name === 'database' &&
      recorded.get('database')?.status === 'done' &&
      first > PHASES.indexOf('plan')
    )
      continue;
    const phaseAgents = agentsFor(d.name, agents);
    if (phaseAgents.length === 0 || skippedByRepo(ctx, phaseAgents)) continue;
    const error = await runPhase(ctx, d.name, phaseAgents, recorded.get(d.name)?.attempts ?? 0);
    if (error) return { phase: d.name, error };
  }
  return null;
}

async function runPhase(
  ctx: RunContext,
  phase: PhaseName,
  agents: Agent[],
  previousAttempts: number,
): Promise<RepoRunnerError | null> {
  const policy = orchestratorManager.retryPolicy(phase);
  let error: RepoRunnerError | null = null;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const started = Date.now();
    await ctx.store.setPhase(ctx.runId, phase, {
      status: 'running',
      attempts: previousAttempts + attempt,
      startedAt: new Date(started).toISOString(),
      endedAt: null,
      error: null,
    });
    writeRunState(ctx, phase, 'running');
    ctx.bus.publish({
      kind: 'phase',
      phase,
      message: attempt > 1 ? `retrying (attempt ${attempt})` : 'started',
      data: { status: 'running', attempt },
    });
    error = null;
    const produced: Partial<RunState> = {};
    try {
      for (const agent of agents) {
        const result = await agent.run(ctx);
        Object.assign(ctx.state, { [agent.produces]: result });
        Object.assign(produced, { [agent.produces]: result });
        const stateFile = agent.role === 'manager' ? managerStateFile : agentStateFile;
        writeJsonAtomic(stateFile(ctx.runDir, agent.name), {
          runId: ctx.runId,
          phase,
          result,
          at: new Date().toISOString(),
        });
        error = agent.judge?.(result as never) ?? null;
        if (error) break;
      }
    } catch (err) {
      error = ctx.signal.aborted
        ? toRepoRunnerError(Object.assign(new Error('aborted'), { name: 'AbortError' }))
        : toRepoRunnerError(err);
    }
    const durationMs = Date.now() - started;
    const endedAt = new Date().toISOString();
    if (!error) {
      await ctx.store.saveCheckpoint(ctx.runId, phase, produced);
      await ctx.store.setPhase(ctx.runId, phase, { status: 'done', endedAt, durationMs });
      writeRunState(ctx, phase, 'done');
      ctx.bus.publish({
        kind: 'phase',
        phase,
        message: `done in ${durationMs} ms`,
        data: { status: 'done', durationMs },
      });
      return null;
    }
    const final =
      error instanceof UnrecoverableError ||
      error.code === 'INTERRUPTED' ||
      error.code === 'UNHEALTHY' ||
      attempt === policy.attempts;
    await ctx.store.setPhase(ctx.runId, phase, {
      status: final ? 'failed' : 'running',
      endedAt,
      durationMs,
      error: {
        code: error.code,
        message: error.message,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    });
    ctx.bus.publish({
      kind: 'phase',
      phase,
      message: error.message,
      data: { status: final ? 'failed' : 'retrying', code: error.code, hint: error.hint ?? null },
    });
    if (final) break;
    await sleep(policy.backoffMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  writeRunState(ctx, phase, 'failed');
  return error;
}

async function reportPhase(
  ctx: RunContext,
  warnings: string[],
  failure: RepoRunnerError | null,
): Promise<Report> {
  const started = Date.now();
  await ctx.store.setPhase(ctx.runId, 'report', {
    status: 'running',
    startedAt: new Date(started).toISOString(),
  });
  const phases = await ctx.store.getPhases(ctx.runId);
  const report = buildReport({
    runId: ctx.runId,
    source: ctx.source,
    state: ctx.state,
    phases,
    warnings,
    error: failure,
    runDir: ctx.runDir,
  });
  const durationMs = Date.now() - started;
  await ctx.store.setPhase(ctx.runId, 'report', {
    status: 'done',
    endedAt: new Date().toISOString(),
    durationMs,
    attempts: 1,
  });
  const final = {
    ...report,
    phases: report.phases.map((p) =>
      p.name === 'report' ? { ...p, status: 'done' as const, durationMs } : p,
    ),
  };
  ctx.state.report = final;
  await ctx.store.updateRun(ctx.runId, {
    report: final,
    status: failure?.code === 'INTERRUPTED' ? 'interrupted' : final.status,
  });
  writeJsonAtomic(agentStateFile(ctx.runDir, 'OrchestratorAgent'), {
    runId: ctx.runId,
    phase: 'report',
    result: final,
    at: new Date().toISOString(),
  });
  writeRunState(ctx, 'report', final.status);
  ctx.bus.publish({
    kind: 'phase',
    phase: 'report',
    message: `done in ${durationMs} ms`,
    data: { status: 'done', durationMs },
  });
  ctx.bus.publish({
    kind: 'result',
    phase: 'report',
    message: final.status,
    data: { status: final.status },
  });
  await ctx.bus.flush();
  return final;
}

/** The seeds' `run_state.json`: where the run is, for people and tools to read. */
function writeRunState(ctx: RunContext, phase: string, status: string): void {
  writeJsonAtomic(runStateFile(ctx.runDir), {
    runId: ctx.runId,
    source: ctx.source,
    repoPath: ctx.state.workspace?.repoPath ?? null,
    currentPhase: phase,
    phaseStatus: status,
    ports: ctx.state.decided?.ports ?? {},
    services: ctx.state.services?.map((s) => ({ name: s.name, pid: s.pid, port: s.port })) ?? [],
    updatedAt: new Date().toISOString(),
  });
}
