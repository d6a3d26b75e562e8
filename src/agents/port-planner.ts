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
    const ports = await portManager.allocate(
      ctx.store,
      ctx.runId,
      host,
      plan.services.map((s) => s.name),
      ctx.state.decided?.ports ?? {},
    );
    for (const [service, port] of Object.entries(ports)) {
      ctx.bus.publish({ kind: 'info', phase: 'plan', service, message: `port ${port}` });
    }
    return { host, ports };
  },
};
