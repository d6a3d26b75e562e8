import { setTimeout as sleep } from 'node:timers/promises';
import { NeedsFixError } from '../model/errors.js';
import type { HealthOutcome } from '../model/run-state.js';
import { describeExit } from '../model/service-exit.js';
import { isProcessAlive } from '../exec/process-group.js';
import { tailFile } from '../health/log-tail.js';
import { waitForReady } from '../health/readiness.js';
import { refusedDatabaseIn } from '../fixer/rules/database.js';
import { watcherCrashLine } from '../health/watcher-crash.js';
import type { Agent } from './agent.js';
import type { RunContext } from '../model/run-context.js';
import { listeningPortsOf, pickAppPort } from '../exec/listening-ports.js';

/**
 * A service that ignores `PORT` and listens on a port of its own (hard-coded in its source,
 * often compiled): finds that port from the sockets its processes hold, and in the run's own
 * network points the published host port at it (the service keeps its leased host port, and
 * another run's app on the same hard-coded port does not collide); on the host's network
 * returns it, to be probed and reported instead. Ports the run's other services and
 * databases hold are not taken. Null when there is nothing to follow.
 */
async function followOwnPort(
  ctx: RunContext,
  name: string,
  pid: number,
  port: number,
): Promise<number | null> {
  const ports = listeningPortsOf(pid);
  if (ports.length === 0 || ports.includes(port)) return null;
  const network = ctx.isolation?.network;
  const taken = [
    ...(ctx.state.services ?? []).filter((s) => s.name !== name).map((s) => s.port),
    ...(ctx.state.decided?.databases ?? []).map((d) => d.listenPort ?? d.port),
    ...(network ? [...network.published()].filter(([h]) => h !== port).map(([, ns]) => ns) : []),
  ].filter((p): p is number => p !== null);
  const own = pickAppPort(ports, taken);
  if (own === null) return null;
  if (network) {
    if (network.published().get(port) === own) return null;
    await network.repoint(port, own);
  }
  ctx.bus.publish({
    kind: 'warning',
    phase: 'health',
    service: name,
    message: network
      ? `${name} listens on port ${own}, not on the PORT it was given (${port}): 127.0.0.1:${port} now forwards to it`
      : `${name} listens on port ${own}, not on the PORT it was given (${port}): probing ${own}`,
    data: { port, listening: own },
  });
  return network ? null : own;
}

/**
 * How long the HealthAgent waits before a log line saying the app cannot reach a database
 * the run does not have ends the wait: 15 000 ms, so an app that logs its optional cache's
 * refusal and serves anyway is found ready first.
 */
export const MISSING_DATABASE_GRACE_MS = 15_000;

/** How long a worker (no port) must stay up to count as healthy: 3000 ms. */
export const WORKER_SETTLE_MS = 3000;

/**
 * HealthAgent: waits for every started service to be ready (readiness: HTTP non-5xx on the
 * plan's path, then /health, /healthz, /; TCP connect for non-HTTP services), all in
 * parallel, each up to the run's health timeout. A service whose process exits, or that
 * never answers, is unhealthy, with the tail of its log.
 */
export const healthAgent = {
  name: 'HealthAgent',
  phase: 'health',
  produces: 'health',
  async run(ctx): Promise<HealthOutcome[]> {
    const { plan, services, decided } = ctx.state;
    if (!plan || !services || !decided) throw new Error('health ran before start');
    return Promise.all(
      services.map(async (svc): Promise<HealthOutcome> => {
        const spec = plan.services.find((s) => s.name === svc.name);
        const exitOf = () => ctx.exits.get(svc.pid) ?? null;
        // What the service's log says ends the wait early (read at most once a second):
        // - a file watcher (nodemon, nx serve, node --watch) whose app crashed stays up
        //   waiting for a change that will not come;
        // - an app that cannot reach a database or cache the run does not have (MongoDB, or
        //   a kind the plan did not see) will not come up by waiting longer.
        const provided = new Set<string>((decided.databases ?? []).map((d) => d.kind));
        const waitStarted = Date.now();
        let logCheckedAt = 0;
        const logSaysGone = (): string | null => {
          if (Date.now() - logCheckedAt < 1000) return null;
          logCheckedAt = Date.now();
          const tail = tailFile(svc.logFile, 30);
          const crash = watcherCrashLine(tail.slice(-15));
          if (crash) return `crashed; its file watcher waits for changes ("${crash}")`;
          // After a grace: an app whose cache is optional logs the refusal and serves anyway.
          if (Date.now() - waitStarted < MISSING_DATABASE_GRACE_MS) return null;
          const refused = refusedDatabaseIn(tail);
          if (!refused || provided.has(refused.kind)) return null;
          return `cannot reach a ${refused.kind} server${refused.port ? ` on port ${refused.port}` : ''}, which this run does not have ("${refused.line.slice(0, 200)}")`;
        };
        const exited = () => {
          const exit = exitOf();
          if (exit) return describeExit(exit);
          return isProcessAlive(svc.pid) ? logSaysGone() : 'exited';
        };
        if (svc.port === null || !spec || spec.protocol === 'none') {
          // A worker has nothing to probe: it is healthy if it is still up after a settle time.
          await sleep(WORKER_SETTLE_MS, undefined, { signal: ctx.signal }).catch(() => undefined);
          const gone = exited();
          return gone
            ? {
                service: svc.name,
                health: 'unhealthy',
                url: null,
                detail: `worker ${gone}`,
                logTail: tailFile(svc.logFile, 20),
                exit: exitOf(),
              }
            : {
                service: svc.name,
                health: 'healthy',
                url: null,
                detail: `worker up after ${WORKER_SETTLE_MS} ms`,
                logTail: [],
              };
        }
        const result = await waitForReady({
          host: decided.host,
          port: svc.port,
          protocol: spec.protocol === 'tcp' ? 'tcp' : 'http',
          path: spec.healthPath,
          timeoutMs: ctx.options.healthTimeoutMs,
          exited,
          signal: ctx.signal,
          retarget: () => followOwnPort(ctx, svc.name, svc.pid, svc.port as number),
        });
        // On the host's network a service on its own port is reached there from now on.
        if (result.port !== svc.port) svc.port = result.port;
        const outcome: HealthOutcome = result.ready
          ? {
              service: svc.name,
              health: 'healthy',
              url: result.url,
              detail: `${result.detail} after ${result.waitedMs} ms`,
              logTail: [],
            }
          : {
              service: svc.name,
              health: 'unhealthy',
              url: null,
              detail: result.detail,
              logTail: tailFile(svc.logFile, 20),
              exit: exitOf(),
            };
        ctx.bus.publish({
          kind: 'service',
          phase: 'health',
          service: svc.name,
          message: `${outcome.health}: ${outcome.detail}`,
          data: { health: outcome.health, url: outcome.url },
        });
        return outcome;
      }),
    );
  },
  judge(outcomes) {
    const bad = outcomes.filter((o) => o.health !== 'healthy');
    if (bad.length === 0) return null;
    return new NeedsFixError(
      'UNHEALTHY',
      `${bad.map((b) => `${b.service}: ${b.detail}`).join('; ')}`,
      `read the service log (\`repo-runner logs <run-id> ${bad[0]?.service ?? ''}\`)`,
    );
  },
} satisfies Agent<'health'>;
