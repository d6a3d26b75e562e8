import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { logFile } from '../model/paths.js';
import type { ProvisionedToolSpec, ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { InstallOutcome } from '../model/run-state.js';
import { serviceEnv } from '../exec/service-env.js';
import { provisionTool } from '../exec/provisioned-tools.js';
import {
  goNeedsNewerToolchain,
  majorOf,
  toolEnv,
  toolVersion,
  unmetNodeRange,
} from '../env/tool-env.js';
import { installDebianToolchains, missingDebianToolchains } from '../exec/debian-toolchains.js';
import {
  NODE_BINARY_PACKAGE,
  nodeSpec,
  npmMajorFor,
  npmSpec,
  provisionedNodeFor,
  registryNodeVersion,
} from '../exec/node-runtime.js';
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
  const nodeProvisioned = await ensureNodeRuntime(ctx, service);
  if (service.packageManager) await ensurePackageManager(ctx, service, service.packageManager);
  const goVersion = toolVersion(ctx.state, 'go');
  const nodeInstalled = toolVersion(ctx.state, 'node');
  // ensureNodeRuntime said what it did about an unmet Node range already.
  const warning =
    nodeProvisioned !== null || unmetNodeRange(service, nodeInstalled) !== null
      ? null
      : service.runtime && goNeedsNewerToolchain([service], goVersion)
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
  // A provisioned Node builds native addons for its own ABI: a change of Node reinstalls.
  const toolId = `${toolName}@${tool?.version ?? 'unknown'}${nodeProvisioned ? `+node@${nodeProvisioned}` : ''}`;
  const hash = installHash(repoPath, install, toolId);
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

/**
 * Provisions the Node a service's `engines.node`, `.nvmrc` or `.node-version` asks for when
 * the machine's Node does not satisfy it: the newest release in range from the npm registry
 * (`exec/node-runtime.ts`: the official binary with its headers, and an npm that runs on it
 * when the machine's does not), kept under `<data dir>/toolchains` and put first on PATH for
 * every command of the run by `toolEnv`. When none can be had (no release in range, the
 * registry unreachable) the run goes on with the machine's Node and the usual warning.
 *
 * @returns the Node version the service runs on when it is a provisioned one, else null
 */
async function ensureNodeRuntime(ctx: RunContext, service: ServiceSpec): Promise<string | null> {
  const installed = toolVersion(ctx.state, 'node');
  const range = unmetNodeRange(service, installed);
  if (range === null || !service.runtime) return null;
  const npmMajor = majorOf(toolVersion(ctx.state, 'npm'));
  const wants = `${service.runtime.source} wants Node ${service.runtime.wanted}, the machine has ${installed ?? 'none'}`;
  const have = provisionedNodeFor(ctx.home, range, npmMajor);
  if (have !== null && have.binDirs.length === (needsNpm(have.version, npmMajor) ? 2 : 1)) {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'dependencies',
      service: service.name,
      message: `${wants}: running on Node ${have.version}, provisioned from the npm registry before (${have.binDirs[0]})`,
    });
    return have.version;
  }
  const env = toolEnv(ctx);
  const found = await registryNodeVersion(range, env, ctx.signal);
  if (found.version === null) {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'dependencies',
      service: service.name,
      message: `${wants}, and the npm registry has no ${NODE_BINARY_PACKAGE} release in ${range}${found.error ? ` (${found.error})` : ''}: running on the machine's Node`,
    });
    return null;
  }
  const started = Date.now();
  await provisionTool(ctx.home, nodeSpec(found.version), env, ctx.signal, { evenIfOnPath: true });
  const npm = needsNpm(found.version, npmMajor) ? npmMajorFor(found.version) : null;
  if (npm !== null)
    await provisionTool(ctx.home, npmSpec(npm), env, ctx.signal, { evenIfOnPath: true });
  ctx.bus.publish({
    kind: 'warning',
    phase: 'dependencies',
    service: service.name,
    message: `${wants}: Node ${found.version} provisioned from the npm registry (${NODE_BINARY_PACKAGE}${npm !== null ? `, with npm ${npm}` : ''}) in ${((Date.now() - started) / 1000).toFixed(1)} s, kept for later runs`,
  });
  return found.version;
}

/** True when the machine's npm (major `npmMajor`) is not the one that runs on Node `version`. */
function needsNpm(version: string, npmMajor: number | null): boolean {
  const major = npmMajorFor(version);
  return major !== null && major !== npmMajor;
}
