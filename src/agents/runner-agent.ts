import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { StepFailedError } from '../model/errors.js';
import type { ProcessResult } from '../model/process-result.js';
import { logFile } from '../model/paths.js';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { RunningService } from '../model/run-state.js';
import { spawnServiceProcess } from '../exec/process-group.js';
import { confine, enoent } from '../exec/confine.js';
import { openRunCgroup } from '../exec/cgroup.js';
import { diskQuotaHit } from '../exec/disk-quota.js';
import { installHint } from '../exec/toolchain-hints.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { toolEnv } from '../exec/provisioned-tools.js';
import type { Agent } from './agent.js';
import { resolveArgv, serviceUrls, startOrder } from './start-command.js';
import { urlVariable } from '../model/service-url.js';
import { mapRunHostNames } from './run-host-names.js';

/**
 * Starts one service: its own process group, `PORT` and `HOST` in its environment (and in
 * the framework's own flags through the plan's placeholders), output appended to
 * `<run dir>/logs/<service>.log`, and the process recorded in the store.
 *
 * @throws StepFailedError START_FAILED (with the spawn error as its result) when the program
 *   cannot be spawned.
 */
export async function startService(
  ctx: RunContext,
  repoPath: string,
  service: ServiceSpec,
  port: number | null,
  host: string,
): Promise<RunningService> {
  const cwd = path.resolve(repoPath, service.start.cwd);
  const argv = resolveArgv(service.start.argv, cwd, port, host);
  const urls = serviceUrls(ctx.state.decided?.ports ?? {}, host);
  delete urls[urlVariable(service.name)];
  const extra: Record<string, string> = {
    ...appEnvFor(ctx.state, service.name),
    ...urls,
    HOST: host,
    ...service.start.env,
  };
  if (port !== null) extra.PORT = String(port);
  // Frameworks that take their port from their own variable (ROCKET_PORT, GRADIO_SERVER_PORT)
  // get it through `{port}`/`{host}` in the plan's env values.
  const fill = (v: string) =>
    v.replaceAll('{port}', port === null ? '' : String(port)).replaceAll('{host}', host);
  const planned = serviceEnv(toolEnv(ctx), repoPath, service, extra);
  const env = Object.fromEntries(
    Object.entries(planned).map(([k, v]) => [
      k,
      service.env[k] !== undefined || service.start.env[k] !== undefined ? fill(v) : v,
    ]),
  );
  const log = logFile(ctx.runDir, service.name);
  mkdirSync(path.dirname(log), { recursive: true });
  appendFileSync(
    log,
    `\n[repo-runner ${new Date().toISOString()}] starting: ${argv.join(' ')} (in ${cwd}, PORT=${port ?? '-'})\n`,
  );
  // The run's namespace is made in the background (exec/run-network.ts).
  await ctx.isolation?.network?.ready();
  let child;
  try {
    const confined = confine(ctx, { argv, cwd, env, service: true });
    if (!confined) throw enoent(argv[0] ?? '');
    child = await spawnServiceProcess({ ...confined, logFile: log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Failures are data: the spawn error goes to the classifier as a result, not as words.
    const result: ProcessResult = {
      command: argv.join(' '),
      cwd,
      failed: true,
      timedOut: false,
      aborted: false,
      exitCode: null,
      signal: null,
      durationMs: 0,
      stdout: '',
      stderr: '',
      spawnError: `spawn ${argv[0] ?? ''} ${code ?? (err as Error).message}`,
    };
    throw new StepFailedError(
      'START_FAILED',
      `could not start ${service.name}: ${argv[0]} ${code === 'ENOENT' ? 'was not found' : `failed (${code ?? (err as Error).message})`}`,
      code !== 'ENOENT'
        ? `read ${log}`
        : (argv[0] ?? '').includes('/')
          ? 'it should have been installed or built: run again with `--force-install`'
          : `${installHint(argv[0] ?? '')}, then run again`,
      { result, logFile: log, service: service.name, cause: err },
    );
  }
  const pid = child.pid;
  // In the run's own network the service is reached through its port published on the host
  // (a restart keeps what its first start published, repointed or not).
  const network = ctx.isolation?.network;
  if (network && port !== null && !network.published().has(port)) await network.publish(port, port);
  child.once('exit', (exitCode, signal) => {
    const limitHit = diskQuotaHit(ctx.runId) ? 'disk-quota' : openRunCgroup(ctx.runId)?.limitHit();
    ctx.exits.set(pid, { exitCode, signal, ...(limitHit ? { limitHit } : {}) });
  });
  child.unref();
  await ctx.store.recordProcess({
    runId: ctx.runId,
    service: service.name,
    kind: 'service',
    pid,
    command: argv.join(' '),
  });
  ctx.bus.publish({
    kind: 'service',
    phase: 'start',
    service: service.name,
    message: `started pid ${pid} on port ${port ?? '-'}`,
    data: { pid, port },
  });
  return {
    name: service.name,
    pid,
    port,
    command: argv.join(' '),
    argv,
    cwd,
    env: { ...service.env, ...extra },
    logFile: log,
    startedAt: new Date().toISOString(),
  };
}

/** RunnerAgent: starts every service of the plan on the port the PortManager leased it. */
export const runnerAgent = {
  name: 'RunnerAgent',
  phase: 'start',
  produces: 'services',
  async run(ctx): Promise<RunningService[]> {
    const { plan, workspace, decided } = ctx.state;
    if (!plan || !workspace || !decided) throw new Error('start ran before plan');
    const running: RunningService[] = [];
    // Compose service names (and `db`, `redis`…) resolve to the run's own loopback.
    mapRunHostNames(ctx);
    for (const service of startOrder(plan.services)) {
      running.push(
        await startService(
          ctx,
          workspace.repoPath,
          service,
          decided.ports[service.name] ?? null,
          decided.host,
        ),
      );
    }
    return running;
  },
} satisfies Agent<'services'>;
