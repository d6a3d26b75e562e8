import { setTimeout as sleep } from 'node:timers/promises';
import { NeedsFixError } from '../model/errors.js';
import type { HealthOutcome } from '../model/run-state.js';
import { describeExit } from '../model/service-exit.js';
import { isProcessAlive } from '../exec/process-group.js';
import { tailFile } from '../health/log-tail.js';
import { waitForReady } from '../health/readiness.js';
import type { Agent } from './agent.js';

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
        const exited = () => {
          const exit = exitOf();
          return exit ? describeExit(exit) : isProcessAlive(svc.pid) ? null : 'exited';
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
        });
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
