import type { RepoRunnerError } from '../model/errors.js';
import { PHASES, type PhaseName } from '../model/phases.js';
import type { FixAttempt } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import { stopProcessGroups } from '../exec/run-processes.js';
import { applyAction } from '../fixer/actions/apply.js';
import { FixActionSchema, type FixAction, type FixSource } from '../model/fix-action.js';
import { proposeFixes } from '../fixer/catalogue.js';
import { classifyRunFailure } from '../fixer/classify-run.js';
import { describeLocations, locateCause } from '../fixer/locate-cause.js';
import { waitForIndex } from '../index/index-repository.js';
import { signatureKey, type ErrorSignature } from '../fixer/index.js';
import { agentMemoryManager } from '../managers/agent-memory-manager.js';
import { proposeWithModel } from '../fixer/model-fixes.js';
import type { Candidate, ProposeMore } from '../fixer/candidate.js';
import type { Agent, PhaseFailure, RerunRequest } from './agent.js';

/** Attempt bounds (issue #5): 3 fixes per failing phase, 10 per run. */
export const FIX_BOUNDS = { perPhase: 3, perRun: 10 } as const;

const idx = (p: PhaseName) => PHASES.indexOf(p);
const actionKey = (a: FixAction) => JSON.stringify(a, Object.keys(a).sort());

/** The repository as fix memory knows it: the clone's URL, or the local folder. */
function fixMemoryRepoKey(ctx: RunContext): string {
  return ctx.state.workspace?.kind !== 'local'
    ? ctx.source
    : (ctx.state.workspace?.repoPath ?? ctx.source);
}

/**
 * FixerAgent (the `failure` role of the agent seam): after a phase fails with a
 * `NeedsFixError`, classifies the failure, takes a fix from fix memory, the rule catalogue,
 * then (when configured) a model, applies it after snapshotting the run state, and asks the
 * pipeline to rerun from the earliest phase the fix changes up to the failed one. A fix that
 * passes, or fails later or differently (progress), is kept and remembered; one that fails
 * the same way or earlier is undone and the state restored. Bounded by {@link FIX_BOUNDS};
 * every attempt goes into `ctx.state.fixes` (the Report's `fixes`), which it returns.
 */
export const fixerAgent = {
  name: 'FixerAgent',
  phase: 'fix',
  on: 'failure',
  produces: 'fixes',
  run: (ctx, input) => fix(ctx, input.failure, proposeWithModel),
} satisfies Agent<'fixes'>;

/** How long the FixerAgent waits for a building context index before locating a cause, ms. */
const INDEX_WAIT_MS = 3000;

/** The FixerAgent's steps; `proposeMore` is the model path (tests pass their own). */
export async function* fix(
  ctx: RunContext,
  failure: PhaseFailure | null,
  proposeMore?: ProposeMore,
): AsyncGenerator<RerunRequest, FixAttempt[], PhaseFailure | null> {
  const fixes = (ctx.state.fixes ??= []);
  if (!failure) return fixes;
  const perPhase = new Map<PhaseName, number>();
  const tried = new Set<string>();
  let { phase, error } = failure;
  const repoKey = fixMemoryRepoKey(ctx);
  // A small repository's index is done within seconds of the run's start; one still building
  // gets a moment so the fix can say where the cause is (failure path only).
  if (ctx.state.index) await waitForIndex(ctx.state.index.dir, INDEX_WAIT_MS);
  while (!ctx.signal.aborted && error.code !== 'INTERRUPTED') {
    if (
      fixes.length >= Math.min(FIX_BOUNDS.perRun, ctx.options.maxFixes ?? FIX_BOUNDS.perRun) ||
      (perPhase.get(phase) ?? 0) >= FIX_BOUNDS.perPhase
    )
      break;
    const sig = classifyRunFailure(ctx.state, phase, error);
    const key = signatureKey(sig);
    // Where the repository's context index finds the cause (issue #13), for the report.
    const located = describeLocations(sig, locateCause(ctx.state.index?.dir, sig)) ?? undefined;
    const fresh = (c: Candidate) => !tried.has(`${key} ${actionKey(c.action)}`);
    const remembered = (
      await agentMemoryManager.recall(ctx.store, key, repoKey, sig.service ?? null)
    ).map((action): Candidate => ({ action, source: 'memory' }));
    let candidates = [
      ...remembered,
      ...proposeFixes(ctx, sig).map((action): Candidate => ({ action, source: 'rule' })),
    ].filter(fresh);
    if (candidates.length === 0 && proposeMore) {
      const more = await proposeMore(ctx, sig, error);
      for (const r of more.refused) {
        const parsed = FixActionSchema.safeParse(r.action);
        fixes.push(
          attemptOf(
            fixes.length + 1,
            phase,
            sig,
            key,
            { source: 'model', action: parsed.success ? parsed.data : { kind: 'invalid' } },
            'refused',
            0,
            r.reason,
            located,
          ),
        );
      }
      candidates = more.candidates.filter(fresh);
    }
    const next = candidates[0];
    if (!next) break;
    tried.add(`${key} ${actionKey(next.action)}`);
    perPhase.set(phase, (perPhase.get(phase) ?? 0) + 1);
    const t0 = Date.now();
    // Checkpoint before acting: a crash mid-fix resumes knowing what was tried and what was pending.
    await ctx.store.saveCheckpoint(ctx.runId, 'fix', { fixes, pending: next.action });
    const snapshot = structuredClone({
      state: { ...ctx.state, fixes: undefined },
      options: ctx.options,
    });
    const restore = () => {
      Object.assign(ctx.state, snapshot.state, { fixes });
      Object.assign(ctx.options, snapshot.options);
    };
    ctx.bus.publish({
      kind: 'info',
      phase: 'fix',
      ...(sig.service ? { service: sig.service } : {}),
      message: `${sig.class}: trying ${next.action.kind} (${next.source})`,
      data: { action: next.action },
    });
    /** Adds the attempt to the report and, when the action ran, its outcome to fix memory. */
    const record = async (outcome: FixAttempt['outcome'], detail: string) => {
      fixes.push(
        attemptOf(
          fixes.length + 1,
          phase,
          sig,
          key,
          next,
          outcome,
          Date.now() - t0,
          detail,
          located,
        ),
      );
      if (outcome === 'refused' || outcome === 'error') return;
      await agentMemoryManager.record(ctx.store, {
        signatureKey: key,
        errorClass: sig.class,
        repoKey,
        action: next.action,
        worked: outcome !== 'rolled-back',
        runId: ctx.runId,
      });
    };
    let applied;
    try {
      applied = await applyAction(ctx, next.action);
    } catch (err) {
      restore();
      const message = (err as Error).message;
      const refused = (err as RepoRunnerError).code === 'BAD_INPUT';
      await record(refused ? 'refused' : 'error', message.split('\n')[0] ?? message);
      continue;
    }
    const from =
      PHASES[Math.min(idx(phase === 'health' ? 'start' : phase), idx(applied.affects ?? phase))] ??
      phase;
    if (idx(from) <= idx('health'))
      await stopProcessGroups(ctx.store, ctx.runId, (p) => p.kind === 'service');
    // A fix that re-plans reruns the database phase: its servers restart on their data.
    if (idx(from) <= idx('plan'))
      await stopProcessGroups(ctx.store, ctx.runId, (p) => p.kind === 'database');
    const outcome = yield { from, to: phase };
    if (!outcome) {
      await record('fixed', applied.detail);
      return fixes;
    }
    const after = classifyRunFailure(ctx.state, outcome.phase, outcome.error);
    const later = idx(outcome.phase) > idx(phase);
    const different =
      outcome.phase === phase && signatureKey(after) !== key && after.class !== 'unknown';
    if (later || different) {
      await record('progress', applied.detail);
      phase = outcome.phase;
      error = outcome.error;
      continue;
    }
    await stopProcessGroups(ctx.store, ctx.runId, (p) => p.kind === 'service');
    await applied.undo().catch(() => undefined);
    restore();
    await record('rolled-back', applied.detail);
  }
  return fixes;
}

function attemptOf(
  attempt: number,
  phase: PhaseName,
  sig: ErrorSignature,
  key: string,
  candidate: { source: FixSource; action: FixAction | { kind: string } },
  outcome: FixAttempt['outcome'],
  durationMs: number,
  detail: string,
  located: string | undefined,
): FixAttempt {
  const { source, action } = candidate;
  return {
    attempt,
    phase,
    class: sig.class,
    key,
    source,
    action,
    outcome,
    durationMs,
    detail,
    ...(located ? { located } : {}),
  };
}
