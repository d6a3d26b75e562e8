import { portManager } from '../managers/port-manager.js';
import { openRunCgroup } from '../exec/cgroup.js';
import { isProcessAlive } from '../exec/process-group.js';
import { stopProcessGroups } from '../exec/run-processes.js';
import type { Store } from '../model/store.js';
import { closeRunNetwork } from './isolation.js';

/**
 * Stops every process group a run started that is not recorded as ended (services, and
 * installs or builds orphaned by a crash), then what is left in its cgroup, its network
 * namespace, and releases the run's ports. Safe to call
 * twice. Returns how many groups were still alive.
 */
export async function stopRunProcesses(store: Store, runId: string): Promise<number> {
  const alive = await stopProcessGroups(store, runId);
  // What left its process group (setsid, double forks) is still in the run's cgroup.
  await openRunCgroup(runId)?.remove();
  // Its network last: the relay and pasta, anything still inside, the namespace.
  await closeRunNetwork(runId);
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
