import { readAdminState } from '../admin/state-file.js';
import { recordIntervention, type InterventionPolicy } from '../admin/intervention-policy.js';
import { isProcessAlive } from '../exec/process-group.js';
import type { RunRecord } from '../model/store.js';
import { adoptRun, isOrphaned } from './adopt-run.js';
import { intervene, type InterventionOutcome } from './intervene.js';
import type { RunCaller } from './run-api.js';

/**
 * A phase running longer than this is stalled, ms: 30 minutes, twice the default command
 * timeout (15 min, `commandTimeoutMs`), so a slow install that is still within its own
 * timeout is never taken for a hang.
 */
export const DEFAULT_STALL_AFTER_MS = 30 * 60_000;

/** Why the watchdog takes a run up. */
export type WatchReason = 'failed' | 'lost-executor' | 'stalled' | 'orphaned';

/** What the watchdog did about one run in one pass. */
export interface WatchAction {
  runId: string;
  reason: WatchReason;
  /** `intervened` (see `outcome`), `adopted` by a new supervisor, or `stopped` (a hung executor, taken up on a later pass). */
  action: 'intervened' | 'adopted' | 'stopped';
  outcome?: Pick<InterventionOutcome, 'result' | 'attempts' | 'escalation'>;
  detail?: string;
}

/** Options of {@link watchOnce}. */
export interface WatchOptions {
  /** See {@link DEFAULT_STALL_AFTER_MS}. */
  stallAfterMs?: number;
  policy?: InterventionPolicy;
  /** Runs looked at per pass, newest first (default 200). */
  limit?: number;
  /** Now, for tests (ms since the epoch). */
  now?: number;
  /**
   * Failed runs last changed before this ISO time are left alone (`watch` passes its own
   * start, so old failures in the store are not all resumed at once; `--all` clears it).
   */
  since?: string;
}

/** When the Admin Agent last intervened in each run (its state file's `intervene` lines). */
function lastInterventions(home: string): Map<string, string> {
  const last = new Map<string, string>();
  for (const e of readAdminState(home)) {
    const { action, run, at } = e as { action?: string; run?: string; at?: string };
    if ((action === 'intervene' || action === 'watchdog') && run && at)
      if ((last.get(run) ?? '') < at) last.set(run, at);
  }
  return last;
}

/** Why `run` needs the watchdog, or null. */
async function reasonFor(
  caller: RunCaller,
  run: RunRecord,
  handledAt: string | undefined,
  options: WatchOptions & { stallAfterMs: number; now: number },
): Promise<WatchReason | null> {
  if (run.status === 'failed' || run.status === 'partial' || run.status === 'interrupted') {
    if (options.since && run.updatedAt < options.since) return null;
    // Once per failure: a run intervened in after it last changed is left to its escalation.
    return handledAt !== undefined && handledAt >= run.updatedAt ? null : 'failed';
  }
  if (isOrphaned(run)) return 'orphaned';
  if (run.status !== 'running') return null;
  if (run.ownerPid === null || !isProcessAlive(run.ownerPid)) return 'lost-executor';
  const phases = await caller.store.getPhases(run.id);
  const running = phases.find((p) => p.status === 'running' && p.startedAt);
  if (running && options.now - Date.parse(running.startedAt!) > options.stallAfterMs)
    return 'stalled';
  return null;
}

/**
 * One pass of the Admin Agent's watchdog over the store's runs (issue #14 item 3):
 * - a run that failed, ended partial or was interrupted (a crash loop given up included),
 *   and that it has not intervened in since: {@link intervene} by the policy;
 * - a `running` run whose executing process is gone: marked interrupted, then intervened in;
 * - a `running` run with a phase running past `stallAfterMs`: its executing process gets
 *   SIGTERM (it stops the run's processes and marks it interrupted); a later pass resumes it;
 * - a healthy run whose supervisor died while its services run: adopted by a new supervisor.
 * Runs are taken one at a time. Each action is a line of `admin_agent_state.json`.
 */
export async function watchOnce(
  caller: RunCaller & { actorId: string | null },
  options: WatchOptions = {},
): Promise<WatchAction[]> {
  const stallAfterMs = options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
  const now = options.now ?? Date.now();
  const handled = lastInterventions(caller.home);
  const actions: WatchAction[] = [];
  for (const run of await caller.store.listRuns(options.limit ?? 200)) {
    if (caller.signal.aborted) break;
    const reason = await reasonFor(caller, run, handled.get(run.id), {
      ...options,
      stallAfterMs,
      now,
    });
    if (!reason) continue;
    let action: WatchAction;
    if (reason === 'orphaned') {
      const pid = await adoptRun(caller.store, caller.home, run, {
        ...(caller.env ?? process.env),
        REPO_RUNNER_HOME: caller.home,
      });
      action = { runId: run.id, reason, action: 'adopted', detail: `supervisor pid ${pid}` };
    } else if (reason === 'stalled') {
      process.kill(run.ownerPid!, 'SIGTERM');
      action = {
        runId: run.id,
        reason,
        action: 'stopped',
        detail: `a phase ran over ${Math.round(stallAfterMs / 1000)} s: SIGTERM to its process ${run.ownerPid}`,
      };
    } else {
      if (reason === 'lost-executor')
        await caller.store.updateRun(run.id, { status: 'interrupted', ownerPid: null });
      const outcome = await intervene(caller, run.id, options.policy);
      action = {
        runId: run.id,
        reason,
        action: 'intervened',
        outcome: {
          result: outcome.result,
          attempts: outcome.attempts,
          ...(outcome.escalation ? { escalation: outcome.escalation } : {}),
        },
      };
    }
    if (action.action !== 'intervened')
      recordIntervention(caller.home, {
        action: 'watchdog',
        run: run.id,
        by: caller.actorId,
        reason,
        did: action.action,
        detail: action.detail,
      });
    actions.push(action);
  }
  return actions;
}
