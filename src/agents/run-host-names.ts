import { COMMON_SERVICE_HOSTS } from '../exec/run-hosts.js';
import type { RunContext } from '../model/run-context.js';

/**
 * Maps the names a repository's code may reach its services by to the run's own loopback
 * (in its network's `/etc/hosts`): the usual ones (`db`, `redis`…), and the plan's service and
 * database names (compose service names), as Compose's project network resolves them.
 * No-op on the host's network. Called by the phases that start processes, so a resumed run
 * (whose plan came from a checkpoint) maps them too.
 */
export function mapRunHostNames(ctx: RunContext): void {
  const plan = ctx.state.plan;
  ctx.isolation?.network?.setHostNames([
    ...COMMON_SERVICE_HOSTS,
    ...(plan?.services ?? []).map((s) => s.name),
    ...(plan?.databases ?? []).map((d) => d.name),
  ]);
}
