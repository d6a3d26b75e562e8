import { LIVE_PHASES, PHASES } from '../model/phases.js';
import type { RunState } from '../model/run-state.js';
import type { Store } from '../model/store.js';

/**
 * The run state as the run's checkpoints hold it: the output of every phase recorded done,
 * merged in phase order. Live phases (database, start, health: see `LIVE_PHASES`) are left
 * out unless `live` is set: their processes die with the attempt that started them, so a
 * resume runs them again, and a failure before it does must not report them as running.
 * The supervisor sets `live` to adopt the processes of a healthy run that are still up.
 *
 * Used by the pipeline (new runs and `resume`) and the detached supervisor: one rule.
 */
export async function restoreState(
  store: Store,
  runId: string,
  options: { live: boolean } = { live: false },
): Promise<RunState> {
  const done = new Set(
    (await store.getPhases(runId)).filter((p) => p.status === 'done').map((p) => p.name),
  );
  const checkpoints = await store.getCheckpoints(runId);
  const state: RunState = {};
  for (const phase of PHASES) {
    if (!done.has(phase) || (!options.live && LIVE_PHASES.includes(phase))) continue;
    Object.assign(state, checkpoints.get(phase) ?? {});
  }
  return state;
}
