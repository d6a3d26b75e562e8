import { portManager } from '../managers/port-manager.js';
import { isProcessAlive, stopProcessGroup } from '../exec/process-group.js';
import type { ProcessRecord, Store } from '../store/store.js';

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

/**
 * Stops every process group a run started that is not recorded as ended (services, and
 * installs or builds orphaned by a crash), then releases the run's ports. Safe to call
 * twice. Returns how many groups were still alive.
 */
export async function stopRunProcesses(store: Store, runId: string): Promise<number> {
  const alive = await stopProcessGroups(store, runId);
  await portManager.release(store, runId);
  return alive;
}

/** Waits up to `timeoutMs` for a process to exit; true when it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isProcessAlive(pid);
}
