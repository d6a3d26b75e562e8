import type { RepoRunnerError } from '../model/errors.js';
import { PHASES, type PhaseName } from '../model/phases.js';
import type { FixAttempt } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import { stopProcessGroups } from '../exec/run-processes.js';
import { applyAction } from '../fixer/actions/apply.js';
import { FixActionSchema, type FixAction, type FixSource } from '../model/fix-action.js';
import { proposeFixes } from '../fixer/catalogue.js';
import { classifyRunFailure } from '../fixer/classify-run.js';
import { signatureKey, type ErrorSignature } from '../fixer/index.js';
import { agentMemoryManager } from '../managers/agent-memory-manager.js';

/** Attempt bounds (issue #5): 3 fixes per failing phase, 10 per run. */
export const FIX_BOUNDS = { perPhase: 3, perRun: 10 } as const;

/** Phases a fix can follow: the ones that run the repository's own tools and code. */
export const HEALABLE_PHASES: readonly PhaseName[] = [
  'dependencies',
  'configure',
  'database',
  'build',
  'start',
  'health',
];

/** Re-runs phases `from`..`to` in order; the first failure, or null when all passed. */
export type Rerun = (
  from: PhaseName,
  to: PhaseName,
) => Promise<{ phase: PhaseName; error: RepoRunnerError } | null>;

/** A candidate fix and where it came from. */
export interface Candidate {
  action: FixAction;
  source: FixSource;
}

/** Extra candidates (e.g. a model's proposals) asked for when memory and rules have none. */
export type ProposeMore = (
  ctx: RunContext,
  sig: ErrorSignature,
  error: RepoRunnerError,
) => Promise<{ candidates: Candidate[]; refused: Array<{ action: unknown; reason: string }> }>;

const idx = (p: PhaseName) => PHASES.indexOf(p);
const actionKey = (a: FixAction) => JSON.stringify(a, Object.keys(a).sort());

/** The repository as fix memory knows it: the clone's URL, or the local folder. */
export function repoKeyOf(ctx: RunContext): string {
  return ctx.state.workspace?.kind === 'clone'
    ? ctx.source
    : (ctx.state.workspace?.repoPath ?? ctx.source);
}

/**
 * FixerAgent: after a phase fails, classifies the failure, takes a fix from fix memory, the
 * rule catalogue, then (when configured) a model, applies it after snapshotting the run
 * state, and reruns from the earliest phase the fix changes up to the failed one. A fix
 * that passes, or fails later or differently (progress), is kept and remembered; one that
 * fails the same way or earlier is undone and the state restored. Bounded by
 * {@link FIX_BOUNDS}; every attempt goes into `ctx.state.fixes` (the Report's `fixes`).
 *
 * @returns the error still standing (null when healed) and the last phase that ran.
 */
export async function heal(
  ctx: RunContext,
  failedPhase: PhaseName,
  firstError: RepoRunnerError,
  rerun: Rerun,
  proposeMore?: ProposeMore,
): Promise<{ error: RepoRunnerError | null; reachedPhase: PhaseName }> {
  const fixes = (ctx.state.fixes ??= []);
  const perPhase = new Map<PhaseName, number>();
  const tried = new Set<string>();
  let phase = failedPhase;
  let error: RepoRunnerError = firstError;
  const repoKey = repoKeyOf(ctx);
  const started = fixes.length;
  const finish = async (
    status: 'done' | 'failed' | 'skipped',
    reached: PhaseName,
    err: RepoRunnerError | null,
  ) => {
    await ctx.store.setPhase(ctx.runId, 'fix', {
      status,
      attempts: fixes.length,
      endedAt: new Date().toISOString(),
    });
    await ctx.store.saveCheckpoint(ctx.runId, 'fix', { fixes });
    ctx.bus.publish({
      kind: 'phase',
      phase: 'fix',
      message: `${fixes.length - started} attempt(s): ${status}`,
      data: { status },
    });
    return { error: err, reachedPhase: reached };
  };
  await ctx.store.setPhase(ctx.runId, 'fix', {
    status: 'running',
    startedAt: new Date().toISOString(),
  });
  ctx.bus.publish({ kind: 'phase', phase: 'fix', message: 'started', data: { status: 'running' } });
  while (!ctx.signal.aborted && error.code !== 'INTERRUPTED') {
    if (fixes.length >= FIX_BOUNDS.perRun || (perPhase.get(phase) ?? 0) >= FIX_BOUNDS.perPhase)
      break;
    const sig = classifyRunFailure(ctx.state, phase, error, ctx.runDir);
    const key = signatureKey(sig);
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
        attemptOf(fixes.length + 1, phase, sig, key, next, outcome, Date.now() - t0, detail),
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
    const outcome = await rerun(from, phase);
    if (!outcome) {
      await record('fixed', applied.detail);
      return finish('done', phase, null);
    }
    const after = classifyRunFailure(ctx.state, outcome.phase, outcome.error, ctx.runDir);
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
  return finish(fixes.length > started ? 'failed' : 'skipped', phase, error);
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
): FixAttempt {
  const { source, action } = candidate;
  return { attempt, phase, class: sig.class, key, source, action, outcome, durationMs, detail };
}
