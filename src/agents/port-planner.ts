import type { DecidedPlan } from '../core/run-state.js';
import { portManager } from '../managers/port-manager.js';
import type { Agent } from './agent.js';

/**
 * The plan phase: asks the PortManager for a port per service. On a resumed run the ports
 * the run already holds are kept, so URLs stay the same.
 */
export const portPlanner: Agent<'decided'> = {
  name: 'PortManager',
  role: 'manager',
  phase: 'plan',
  produces: 'decided',
  async run(ctx): Promise<DecidedPlan> {
    const plan = ctx.state.plan;
    if (!plan) throw new Error('plan ran before detect');
    const host = ctx.options.host;
    const withPorts = plan.services.filter((s) => s.protocol !== 'none');
    // Ports the run already had (resume) come first, then the ones the plan prefers.
    const preferred: Record<string, number> = {};
    for (const s of withPorts)
      if (s.preferredPort !== undefined) preferred[s.name] = s.preferredPort;
    Object.assign(preferred, ctx.state.decided?.ports ?? {});
    const ports = await portManager.allocate(
      ctx.store,
      ctx.runId,
      host,
      withPorts.map((s) => s.name),
      preferred,
    );
    for (const [service, port] of Object.entries(ports)) {
      ctx.bus.publish({ kind: 'info', phase: 'plan', service, message: `port ${port}` });
      const wanted = withPorts.find((s) => s.name === service)?.preferredPort;
      if (wanted !== undefined && wanted !== port) {
        ctx.bus.publish({
          kind: 'warning',
          phase: 'plan',
          service,
          message: `${service} wants port ${wanted}, which is taken: it got ${port} instead (an app that hard-codes ${wanted} will not answer there)`,
        });
      }
    }
    return { host, ports };
  },
};
