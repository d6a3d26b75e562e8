import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NeedsFixError, UnrecoverableError } from '../model/errors.js';
import { logFile } from '../model/paths.js';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { InstallOutcome } from '../model/run-state.js';
import { outputTail } from '../exec/process-result.js';
import { serviceEnv } from '../exec/service-env.js';
import { runTracked } from '../exec/tracked-command.js';
import type { Agent } from './agent.js';
import { installHash, readMarker, writeMarker } from './install-marker.js';
import { ensureVenv } from './python-venv.js';
import { chooseRuntime } from '../env/runtime-match.js';
import { installHint } from '../exec/toolchain-hints.js';

/** Toolchains that build older source: the repo's version is a minimum (go.mod's `go` line, Java's release). */
const MINIMUM_ONLY = new Set(['go', 'java', 'cargo', 'rustc']);

/**
 * DependencyAgent: installs each service's dependencies in isolation (a `.venv` for Python,
 * `node_modules` for Node), skipping a service whose manifests, steps and toolchain hash to
 * the marker its last successful install left (so warm runs do not reinstall). An existing
 * `.venv` with a working `bin/python` is reused, never deleted.
 *
 * @throws UnrecoverableError TOOLCHAIN_MISSING when python3/npm/… is not on PATH;
 *   NeedsFixError INSTALL_FAILED with the command's log tail when an install step fails.
 */
export const dependencyAgent: Agent<'installs'> = {
  name: 'DependencyAgent',
  phase: 'dependencies',
  produces: 'installs',
  async run(ctx): Promise<InstallOutcome[]> {
    const { plan, workspace } = ctx.state;
    if (!plan || !workspace) throw new Error('dependencies ran before detect');
    const outcomes: InstallOutcome[] = [];
    for (const service of plan.services)
      outcomes.push(await installService(ctx, workspace.repoPath, service));
    return outcomes;
  },
};

async function installService(
  ctx: RunContext,
  repoPath: string,
  service: ServiceSpec,
): Promise<InstallOutcome> {
  const started = Date.now();
  const install = service.install;
  const runtime = service.runtime
    ? chooseRuntime(
        service.runtime,
        ctx.state.env?.toolchains ?? [],
        MINIMUM_ONLY.has(service.runtime.tool),
      )
    : null;
  if (runtime?.warning) {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'dependencies',
      service: service.name,
      message: runtime.warning,
    });
  }
  if (!install)
    return {
      service: service.name,
      status: 'none',
      reason: 'no dependencies declared',
      durationMs: 0,
      hash: null,
    };
  const dir = path.resolve(repoPath, install.dir);
  // Shared toolchain caches hold no place of ours in the repo: keep their marker in the data dir.
  const markerDir =
    install.isolation === 'toolchain-cache'
      ? path.join(
          ctx.home,
          'install-markers',
          createHash('sha256').update(`${repoPath}\0${service.name}`).digest('hex').slice(0, 24),
        )
      : dir;
  const toolName =
    install.isolation === 'venv'
      ? (runtime?.use?.name ?? 'python3')
      : (install.steps[0]?.argv[0] ?? 'npm');
  const tool = ctx.state.env?.toolchains.find((t) => t.name === toolName);
  const hash = installHash(repoPath, install, `${toolName}@${tool?.version ?? 'unknown'}`);
  if (!ctx.options.forceInstall && existsSync(dir) && readMarker(markerDir) === hash) {
    ctx.bus.publish({
      kind: 'info',
      phase: 'dependencies',
      service: service.name,
      message: 'dependencies unchanged since the last install: skipped',
    });
    return {
      service: service.name,
      status: 'skipped',
      reason: 'manifests unchanged since the last successful install',
      durationMs: Date.now() - started,
      hash,
    };
  }
  const log = logFile(ctx.runDir, `install-${service.name}`);
  const env = serviceEnv(ctx.env, repoPath, service);
  const tracked = {
    phase: 'dependencies',
    service: service.name,
    kind: 'install',
    logFile: log,
    env,
    timeoutMs: ctx.options.commandTimeoutMs,
  };
  if (install.isolation === 'venv')
    await ensureVenv(ctx, repoPath, service, dir, tracked, runtime?.use?.path);
  for (const step of install.steps) {
    const result = await runTracked(ctx, step, repoPath, tracked);
    if (result.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    if (result.spawnError?.includes('ENOENT')) {
      const cmd = step.argv[0] ?? '';
      throw new UnrecoverableError(
        'TOOLCHAIN_MISSING',
        `${cmd} is not installed (needed to ${step.description})`,
        `${installHint(cmd)}, then run again`,
      );
    }
    if (result.failed && step.optional) {
      ctx.bus.publish({
        kind: 'warning',
        phase: 'dependencies',
        service: service.name,
        message: `${step.description} failed (exit ${result.exitCode ?? result.signal}); it is optional, so the run goes on`,
      });
      continue;
    }
    if (result.failed) {
      throw new NeedsFixError(
        'INSTALL_FAILED',
        `${step.description} failed (${result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`}): ${step.argv.join(' ')}\n${outputTail(result, 15).join('\n')}`,
        `read ${log}; fix the dependency files, then \`repo-runner resume ${ctx.runId}\``,
        { details: { logFile: log } },
      );
    }
  }
  writeMarker(markerDir, hash);
  return {
    service: service.name,
    status: 'installed',
    reason: 'installed',
    durationMs: Date.now() - started,
    hash,
  };
}
