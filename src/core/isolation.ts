import { runLimitsFor } from '../auth/tier-limits.js';
import { cgroupAvailability, createRunCgroup, openRunCgroup } from '../exec/cgroup.js';
import { ensureNetworkTools } from '../exec/ensure-sandbox.js';
import {
  clearDiskQuotaHit,
  recordDiskQuotaHit,
  watchDiskQuota,
  type DiskQuotaWatch,
} from '../exec/disk-quota.js';
import { COMMON_SERVICE_HOSTS } from '../exec/run-hosts.js';
import { createRunNetwork, removeStaleRunNetwork, type RunNetwork } from '../exec/run-network.js';
import { RepoRunnerError } from '../model/errors.js';
import { packageCacheDir } from '../model/paths.js';
import { giveToRun, runUidFor } from '../exec/sandbox-user.js';
import { mkdirSync, statSync } from 'node:fs';
import type { RunIsolation } from '../model/run-context.js';
import type { RunLimits } from '../model/run-limits.js';
import type { RunOptions } from '../model/run-options.js';
import type { Store } from '../model/store.js';

/**
 * The run networks this process holds open (their published ports listen in this
 * process), by run id: {@link closeRunNetwork} closes them; another process's are removed
 * from the outside.
 */
const openNetworks = new Map<string, RunNetwork>();

/** The disk quota watches this process runs, by run id (see `exec/disk-quota.ts`). */
const quotaWatches = new Map<string, DiskQuotaWatch>();

/** What {@link setUpIsolation} needs of the run besides its id and owner. */
export interface IsolationRequest {
  /** `run` gives the run its own network namespace; `host` shares this machine's. */
  network: RunOptions['network'];
  sandbox: RunOptions['sandbox'];
  /** The run dir (the network writes its hosts file under `net/`). */
  runDir: string;
  /**
   * Take over the network of a live run (a supervisor adopting it): its namespace and
   * processes stay, its ports are published again from this process.
   */
  adopt?: boolean;
  signal?: AbortSignal;
  /** Limits tighter or looser than the owner's tier's (an orchestrator's policy; tests). */
  limits?: Partial<RunLimits>;
  /** How often the run dir's size is checked, in ms. Default `DISK_CHECK_INTERVAL_MS` (30 s). */
  diskCheckIntervalMs?: number;
}

/**
 * What confines a run's processes besides the sandbox's filesystem view: its cgroup (made
 * here the first time, with the limits of the run owner's tier; the local CLI's user gets
 * the developer limits: it is their machine), its own network namespace (`--network run`,
 * the default: see `exec/run-network.ts`), a watch of its run dir's size against the tier's
 * disk quota (`exec/disk-quota.ts`), and the package caches it may share (a service
 * user's own; the operator's for the local CLI). The run API calls it when a run starts or
 * resumes, the detached supervisor when it adopts one, so a restarted service lands in the
 * same group and network.
 *
 * @returns the isolation, and why there is no cgroup or no run network when there is none
 *   (limits, or the network's separation, are then not enforced).
 * @throws RepoRunnerError TOOLCHAIN_MISSING for a service user's sandboxed run that
 *   cannot have its own network (service mode never runs on the host's network).
 */
export async function setUpIsolation(
  store: Store,
  home: string,
  runId: string,
  userId: string | null,
  request: IsolationRequest,
): Promise<{ isolation: RunIsolation; noCgroup: string | null; noNetwork: string | null }> {
  const user = userId ? await store.findUser(userId) : undefined;
  const limits = runLimitsFor(user?.tier ?? null, request.limits);
  const group = openRunCgroup(runId) ?? (await createRunCgroup(runId, limits));
  const availability = group ? null : cgroupAvailability();
  const noCgroup = !availability
    ? null
    : availability.available
      ? 'the group could not be made'
      : availability.reason;
  let network: RunNetwork | null = null;
  let noNetwork: string | null = null;
  if (request.network === 'run') {
    noNetwork = await ensureNetworkTools(request.signal);
    if (!noNetwork) {
      try {
        network = openNetworks.get(runId) ?? (await openNetwork(runId, request));
      } catch (err) {
        noNetwork = (err as Error).message;
      }
    }
    if (noNetwork && userId && request.sandbox === 'bubblewrap') {
      throw new RepoRunnerError(
        'TOOLCHAIN_MISSING',
        `run ${runId} cannot have its own network: ${noNetwork}`,
        'run the server as root with iproute2, nftables and passt installed',
      );
    }
  }
  // The run dir's size against the tier's quota, every 30 s: over it, every process of the
  // run is killed and its failures say `disk-quota`.
  clearDiskQuotaHit(runId);
  quotaWatches.get(runId)?.stop();
  quotaWatches.set(
    runId,
    watchDiskQuota(
      request.runDir,
      limits.diskBytes,
      () => {
        recordDiskQuotaHit(runId);
        void openRunCgroup(runId)?.killAll();
      },
      request.diskCheckIntervalMs,
    ),
  );
  // Service mode under root: the run's processes execute as the account's own unprivileged
  // user, which owns the run's home, temp, workspace and the account's package caches.
  const uid =
    userId && request.sandbox === 'bubblewrap' && process.getuid?.() === 0
      ? runUidFor(userId)
      : null;
  const cacheDir = userId ? packageCacheDir(home, userId) : null;
  if (uid !== null && cacheDir) {
    mkdirSync(cacheDir, { recursive: true });
    giveToRun(cacheDir, uid, statSync(cacheDir).uid !== uid);
  }
  return {
    isolation: {
      prefix: [...(group ? group.prefix() : []), ...(network ? network.prefix() : [])],
      network,
      uid,
      hostsFile: network?.hostsFile ?? null,
      resolvConf: network?.resolvConf ?? null,
      cacheDir,
      limits,
    },
    noCgroup,
    noNetwork,
  };
}

async function openNetwork(runId: string, request: IsolationRequest): Promise<RunNetwork> {
  const options = {
    runId,
    runDir: request.runDir,
    hostNames: [...COMMON_SERVICE_HOSTS],
    outbound: true,
  };
  let network: RunNetwork;
  if (request.adopt) network = await createRunNetwork({ ...options, adopt: true });
  else {
    // A namespace left by a crashed attempt of this run (resume) goes first.
    if (!openNetworks.has(runId)) await removeStaleRunNetwork(runId);
    network = await createRunNetwork(options);
  }
  openNetworks.set(runId, network);
  return network;
}

/**
 * Lets go of a run network this process holds, for a detached supervisor to adopt (its
 * ports are published again from there). No-op when this process holds none.
 */
export async function releaseRunNetwork(runId: string): Promise<void> {
  quotaWatches.get(runId)?.stop();
  quotaWatches.delete(runId);
  const open = openNetworks.get(runId);
  openNetworks.delete(runId);
  await open?.release();
}

/**
 * Ends a run's network: closes it when this process holds it (its published ports listen
 * here), else removes what is left of it (a crashed or other process's). Idempotent.
 */
export async function closeRunNetwork(runId: string): Promise<void> {
  quotaWatches.get(runId)?.stop();
  quotaWatches.delete(runId);
  const open = openNetworks.get(runId);
  openNetworks.delete(runId);
  if (open) await open.close();
  else await removeStaleRunNetwork(runId);
}
