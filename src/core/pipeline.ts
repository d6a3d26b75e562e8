import { setTimeout as sleep } from 'node:timers/promises';
import {
  triggerOf,
  type Agent,
  type AgentInput,
  type PhaseFailure,
  type RerunRequest,
} from '../agents/agent.js';
import { AGENTS } from '../agents/index.js';
import { orchestratorManager, type PhaseDecision } from '../managers/orchestrator-manager.js';
import {
  NeedsFixError,
  StepFailedError,
  UnrecoverableError,
  toRepoRunnerError,
} from '../model/errors.js';
import type { RepoRunnerError } from '../model/errors.js';
import { PHASES, type PhaseName } from '../model/phases.js';
import type { Report } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import type { RunState } from '../model/run-state.js';
import { agentStateFile, managerStateFile, writeJsonAtomic } from '../store/state-files.js';
import { PhaseRecorder } from './phase-recorder.js';
import { restoreState } from './restore-state.js';

/** One pipeline execution: the run, its registered agents, its recorder and decisions. */
interface Execution {
  ctx: RunContext;
  agents: readonly Agent[];
  recorder: PhaseRecorder;
  decisions: PhaseDecision[];
  warnings: string[];
}

/**
 * Runs (or resumes) a run's phases in the order the OrchestratorManager decides: restores
 * finished phases from their checkpoints, runs each phase's `phase` agents with their retry
 * policy, hands a failure that is a `NeedsFixError` to the `failure` agents (the FixerAgent),
 * doing the reruns they ask for, and always ends with the `end` agents (the
 * OrchestratorAgent), whose Report it returns. Every change of a phase goes through one
 * {@link PhaseRecorder}. It never throws for a failing phase: the failure is in the Report's
 * `status` and `error`.
 *
 * @param agents the registered agents, in order (default: `AGENTS`); adding one here is all
 *   it takes to run it at its phase.
 */
export async function executePipeline(
  ctx: RunContext,
  agents: readonly Agent[] = AGENTS,
): Promise<Report> {
  const recorded = await ctx.store.getPhases(ctx.runId);
  const decisions = orchestratorManager.decide(recorded, new Set(agents.map((a) => a.phase)));
  writeJsonAtomic(managerStateFile(ctx.runDir, orchestratorManager.name), {
    runId: ctx.runId,
    decisions,
    decidedAt: new Date().toISOString(),
  });
  Object.assign(ctx.state, await restoreState(ctx.store, ctx.runId, { live: false }));
  const run: Execution = { ctx, agents, recorder: new PhaseRecorder(ctx), decisions, warnings: [] };
  ctx.bus.on('event', (e) => {
    if (e.kind === 'warning') run.warnings.push(e.message);
  });
  const attempts = new Map(recorded.map((p) => [p.name, p.attempts]));
  let failure: PhaseFailure | null = null;
  let recovered = false;
  for (let i = 0; i < decisions.length && !failure; i++) {
    const d = decisions[i]!;
    const own = agents.filter((a) => a.phase === d.name && triggerOf(a) === 'phase');
    if (d.action === 'skip') {
      await run.recorder.end(d.name, { status: 'skipped', message: d.reason });
      continue;
    }
    if (own.length === 0) {
      // The slot of `failure` and `end` agents: reaching the fix slot means nothing failed.
      const slot = agents.filter((a) => a.phase === d.name && triggerOf(a) === 'failure');
      if (slot.length > 0 && !recovered)
        await run.recorder.end(d.name, { status: 'skipped', message: 'nothing failed' });
      continue;
    }
    if (d.action === 'restore') {
      run.recorder.restored(d.name);
      continue;
    }
    if (skippedByRepo(ctx, own)) {
      const names = own.map((a) => a.name).join(', ');
      await run.recorder.end(d.name, {
        status: 'skipped',
        message: `skipped by skip_agents or --no-index (${names})`,
      });
      continue;
    }
    failure = await runPhase(run, d.name, own, attempts.get(d.name) ?? 0);
    if (failure && failure.error instanceof NeedsFixError && ctx.options.fix) {
      recovered = true;
      const after = await recover(run, failure);
      failure = after.failure;
      if (!failure) i = decisions.findIndex((x) => x.name === after.reached);
    }
  }
  return endRun(run, failure);
}

/**
 * True when the repo's `skip_agents` (or `--no-index` for the ContextIndexer) turns off every
 * one of these agents.
 */
function skippedByRepo(ctx: RunContext, agents: readonly Agent[]): boolean {
  const skipped = [
    ...(ctx.state.plan?.skipAgents ?? []),
    ...(ctx.options.index === false ? ['ContextIndexer'] : []),
  ];
  return agents.every((a) => skipped.includes(a.name));
}

/** Stores an agent's result in the run state and its seeds' state file. */
function keep(run: Execution, agent: Agent, phase: PhaseName, result: unknown): void {
  Object.assign(run.ctx.state, { [agent.produces]: result });
  const stateFile = agent.role === 'manager' ? managerStateFile : agentStateFile;
  writeJsonAtomic(stateFile(run.ctx.runDir, agent.name), {
    runId: run.ctx.runId,
    phase,
    result,
    at: new Date().toISOString(),
  });
}

/** What an agent's run returned, stepped when it is a generator of reruns. */
async function drive(
  run: Execution,
  out: ReturnType<Agent['run']>,
  onRerun: (outcome: PhaseFailure | null, asked: RerunRequest) => void,
): Promise<unknown> {
  if (!(Symbol.asyncIterator in out)) return out;
  let step = await out.next(null);
  while (!step.done) {
    const outcome = await rerunPhases(run, step.value);
    onRerun(outcome, step.value);
    step = await out.next(outcome);
  }
  return step.value;
}

/**
 * Hands a failure to the `failure` agents of its slot (the FixerAgent), doing the reruns they
 * ask for. The slot's phase is `done` when the failure is gone, `failed` when they tried
 * something and it stands, `skipped` when they had nothing to try.
 *
 * @returns the failure still standing (null when recovered) and the last phase that ran.
 */
async function recover(
  run: Execution,
  first: PhaseFailure,
): Promise<{ failure: PhaseFailure | null; reached: PhaseName }> {
  const { ctx, recorder } = run;
  let failure: PhaseFailure | null = first;
  let reached = first.phase;
  for (const agent of run.agents.filter((a) => triggerOf(a) === 'failure')) {
    if (!failure) break;
    const before = JSON.stringify(ctx.state[agent.produces] ?? null);
    await recorder.start(agent.phase, null);
    const out = agent.run(ctx, { failure, warnings: run.warnings, agents: run.agents });
    const result = await drive(run, out, (outcome, asked) => {
      failure = outcome ?? null;
      reached = outcome?.phase ?? asked.to;
    });
    keep(run, agent, agent.phase, result);
    const tried = JSON.stringify(result ?? null) !== before;
    const status = failure === null ? 'done' : tried ? 'failed' : 'skipped';
    const n = Array.isArray(result) ? result.length : undefined;
    await recorder.end(agent.phase, {
      status,
      message: `${agent.name}: ${status === 'done' ? 'recovered' : status === 'failed' ? 'not recovered' : 'nothing to try'}`,
      produced: { [agent.produces]: result } as Partial<RunState>,
      ...(n === undefined ? {} : { attempts: n }),
    });
  }
  return { failure, reached };
}

/**
 * Runs the phases `from`..`to` again, in order, for a `failure` agent: skipped phases stay
 * skipped, and a database phase that is done is not rerun (its servers are still up) unless
 * the rerun starts at or before plan (the fix re-planned, and stopped them).
 */
async function rerunPhases(run: Execution, asked: RerunRequest): Promise<PhaseFailure | null> {
  const first = PHASES.indexOf(asked.from);
  const last = PHASES.indexOf(asked.to);
  const recorded = new Map((await run.ctx.store.getPhases(run.ctx.runId)).map((p) => [p.name, p]));
  for (const d of run.decisions) {
    const at = PHASES.indexOf(d.name);
    if (at < first || at > last || d.action === 'skip') continue;
    if (
      d.name === 'database' &&
      recorded.get('database')?.status === 'done' &&
      first > PHASES.indexOf('plan')
    )
      continue;
    const own = run.agents.filter((a) => a.phase === d.name && triggerOf(a) === 'phase');
    if (own.length === 0 || skippedByRepo(run.ctx, own)) continue;
    const failure = await runPhase(run, d.name, own, recorded.get(d.name)?.attempts ?? 0);
    if (failure) return failure;
  }
  return null;
}

/**
 * Phases that start no process needing the network: they do not wait for the run network's
 * outbound side (`fetch` clones wait for it themselves).
 */
const OFFLINE_PHASES: ReadonlySet<PhaseName> = new Set(['env', 'fetch', 'detect', 'plan']);

/** Runs one phase's agents with its retry policy; the failure, or null when it passed. */
async function runPhase(
  run: Execution,
  phase: PhaseName,
  agents: readonly Agent[],
  previousAttempts: number,
): Promise<PhaseFailure | null> {
  const { ctx, recorder } = run;
  const policy = orchestratorManager.retryPolicy(phase);
  let error: RepoRunnerError | null = null;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const started = Date.now();
    await recorder.start(phase, previousAttempts + attempt, attempt);
    error = null;
    const produced: Partial<RunState> = {};
    try {
      // The run network's outbound side comes up during the first phases (see
      // RunNetwork.outbound); a phase that runs the repository's commands waits for it.
      if (!OFFLINE_PHASES.has(phase)) await ctx.isolation?.network?.outbound();
      for (const agent of agents) {
        const input: AgentInput = { failure: null, warnings: run.warnings, agents: run.agents };
        const result = await drive(run, agent.run(ctx, input), () => undefined);
        keep(run, agent, phase, result);
        Object.assign(produced, { [agent.produces]: result });
        error = agent.judge?.(result as never) ?? null;
        if (error) break;
      }
    } catch (err) {
      error = toRepoRunnerError(err);
    }
    // Whatever the agent made of it (the HealthAgent reports "unhealthy: interrupted" rather
    // than throwing), a phase cut short by Ctrl-C, SIGTERM or `stop` is an interruption.
    if (error && ctx.signal.aborted)
      error = toRepoRunnerError(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const durationMs = Date.now() - started;
    if (!error) {
      await recorder.end(phase, { status: 'done', durationMs, produced });
      return null;
    }
    const final =
      error instanceof UnrecoverableError ||
      // A program that cannot be spawned will not appear by waiting: no second attempt.
      (error instanceof StepFailedError && error.result.spawnError !== null) ||
      error.code === 'INTERRUPTED' ||
      error.code === 'UNHEALTHY' ||
      attempt === policy.attempts;
    await recorder.end(phase, { status: final ? 'failed' : 'retrying', durationMs, error });
    if (final) break;
    await sleep(policy.backoffMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  return error ? { phase, error } : null;
}

/**
 * The report phase: runs the `end` agents (the OrchestratorAgent builds the Report), records
 * the run's final status and returns the Report.
 */
async function endRun(run: Execution, failure: PhaseFailure | null): Promise<Report> {
  const { ctx, recorder } = run;
  const started = Date.now();
  await recorder.start('report', 1);
  for (const agent of run.agents.filter((a) => triggerOf(a) === 'end')) {
    const input: AgentInput = { failure, warnings: run.warnings, agents: run.agents };
    keep(run, agent, 'report', await drive(run, agent.run(ctx, input), () => undefined));
  }
  const durationMs = Date.now() - started;
  const report = ctx.state.report;
  if (!report) throw new Error('no end agent produced the report: register the OrchestratorAgent');
  const final: Report = {
    ...report,
    phases: report.phases.map((p) =>
      p.name === 'report' ? { ...p, status: 'done' as const, durationMs } : p,
    ),
  };
  for (const agent of run.agents.filter((a) => a.produces === 'report' && triggerOf(a) === 'end'))
    keep(run, agent, 'report', final);
  await recorder.end('report', { status: 'done', durationMs, attempts: 1 });
  await ctx.store.updateRun(ctx.runId, {
    report: final,
    status: failure?.error.code === 'INTERRUPTED' ? 'interrupted' : final.status,
  });
  recorder.writeRunState('report', final.status);
  ctx.bus.publish({
    kind: 'result',
    phase: 'report',
    message: final.status,
    data: { status: final.status },
  });
  await ctx.bus.flush();
  return final;
}
