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
import { portManager } from '../managers/port-manager.js';
import { openRunCgroup } from '../exec/cgroup.js';
import { diskQuotaHit } from '../exec/disk-quota.js';
import { installHint } from '../exec/toolchain-hints.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { resolveInside } from '../repo/resolve-inside.js';
import { toolEnv } from '../env/tool-env.js';
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
    const confined = confine(ctx, {
      argv,
      cwd,
      env,
      service: true,
      files: (service.files ?? []).map((f) => ({
        source: resolveInside(repoPath, f.source),
        target: f.target,
      })),
    });
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
  const hostPort = network && port !== null ? await publishService(ctx, service.name, port) : port;
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
    message: `started pid ${pid} on port ${port ?? '-'}${hostPort !== port ? ` (published on ${hostPort})` : ''}`,
    data: { pid, port: hostPort },
  });
  return {
    name: service.name,
    pid,
    port: hostPort,
    command: argv.join(' '),
    argv,
    cwd,
    env: { ...service.env, ...extra },
    logFile: log,
    startedAt: new Date().toISOString(),
  };
}

/**
 * Publishes a service's port of the run's network on the host, and returns the host port:
 * the same number, or, when another program took it on the host since it was leased (two
 * Repo Runner data dirs, anything else), a freshly leased one forwarding to the same port
 * inside (the app keeps its PORT; a warning says where it is). A restart keeps what the
 * first start published (repointed or moved).
 *
 * @throws the publish error when it is not EADDRINUSE, or RepoRunnerError START_FAILED when
 *   no free port is left.
 */
export async function publishService(ctx: RunContext, name: string, port: number): Promise<number> {
  const network = ctx.isolation?.network;
  if (!network) return port;
  const published = network.published();
  if (published.has(port)) return port;
  const moved = [...published].find(([, inside]) => inside === port)?.[0];
  if (moved !== undefined) return moved;
  try {
    await network.publish(port, port);
    return port;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
  }
  const host = ctx.state.decided?.host ?? '127.0.0.1';
  const fresh = (await portManager.allocate(ctx.store, ctx.runId, host, [name]))[name] ?? port;
  await network.publish(fresh, port);
  ctx.bus.publish({
    kind: 'warning',
    phase: 'start',
    service: name,
    message: `host port ${port} was taken by another program after it was leased: ${name} is published on 127.0.0.1:${fresh} instead (port ${port} inside the run's network)`,
    data: { port, hostPort: fresh },
  });
  return fresh;
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
