import { stopProcessGroup } from './process-group.js';
import type { ProcessRecord, Store } from '../model/store.js';

/**
 * Stops the run's process groups that are not recorded as ended and that `which` selects
 * (default: all), at once, and records each as ended. Returns how many were still alive.
 */
export async function stopProcessGroups(
  store: Store,
  runId: string,
  which: (p: ProcessRecord) => boolean = () => true,
): Promise<number> {
  const open = (await store.openProcesses(runId)).filter(which);
  const outcomes = await Promise.all(
    open.map(async (p) => {
      const outcome = await stopProcessGroup(p.pid);
      await store.endProcess(p.id);
      return outcome;
    }),
  );
  return outcomes.filter((o) => o !== 'gone').length;
}
