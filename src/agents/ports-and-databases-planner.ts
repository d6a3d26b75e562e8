import type { DatabaseSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { DecidedDatabase, DecidedPlan } from '../model/run-state.js';
import { databaseDataDir, decideDatabase, savedPassword } from './database-decisions.js';
import { portManager } from '../managers/port-manager.js';
import type { Agent } from './agent.js';

/**
 * The plan phase's decisions: a port per service, leased from the PortManager, and each
 * database the plan needs (its port, credentials, data dir). On a resumed run the ports and
 * passwords the run already holds are kept, so URLs and data stay reachable. Its state file
 * is `manager_state_PortsAndDatabasesPlanner.json`.
 */
export const portsAndDatabasesPlanner = {
  name: 'PortsAndDatabasesPlanner',
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
    const databases = await decideDatabases(ctx, plan.databases ?? []);
    return { host, ports, ...(databases.length > 0 ? { databases } : {}) };
  },
} satisfies Agent<'decided'>;

/** The port each database kind listens on by default (its server's own default). */
const USUAL_DATABASE_PORTS = { postgres: 5432, mysql: 3306, redis: 6379 } as const;

/** Leases a port for each database the plan needs (as service `db:<name>`) and decides it. */
async function decideDatabases(ctx: RunContext, specs: DatabaseSpec[]): Promise<DecidedDatabase[]> {
  const previous = new Map((ctx.state.decided?.databases ?? []).map((d) => [d.name, d]));
  const out: DecidedDatabase[] = [];
  for (const spec of specs) {
    const before = previous.get(spec.name);
    if (ctx.env[spec.envVar]) {
      out.push(decideDatabase(spec, 0, ctx.env));
      continue;
    }
    const key = `db:${spec.name}`;
    const leased = await portManager.allocate(
      ctx.store,
      ctx.runId,
      '127.0.0.1',
      [key],
      before ? { [key]: before.port } : {},
    );
    // A resumed run keeps its password, so the data its server already holds stays reachable.
    const kept =
      ctx.options.keepData && ctx.state.workspace
        ? savedPassword(
            databaseDataDir(ctx.home, ctx.runDir, ctx.state.workspace.repoPath, spec.name, true),
          )
        : null;
    const password = before?.password ?? kept ?? spec.password;
    // In the run's own network each kind's first server takes its usual port inside.
    const usual = USUAL_DATABASE_PORTS[spec.kind];
    const listenPort =
      ctx.isolation?.network && !out.some((d) => d.listenPort === usual)
        ? usual
        : (leased[key] as number);
    const decided = decideDatabase(
      password ? { ...spec, password } : spec,
      leased[key] as number,
      ctx.env,
      listenPort,
    );
    ctx.bus.publish({
      kind: 'info',
      phase: 'plan',
      message: `${spec.kind} ${spec.name}: port ${decided.port} (${spec.envVar})`,
    });
    out.push(decided);
  }
  return out;
}
