import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ProvisionedToolSpec, ServiceSpec } from '../model/plan.js';
import { RepoRunnerError } from '../model/errors.js';
import { outputTail } from './process-result.js';
import { runCommand } from './run-command.js';
import { resolveProgram } from './sandbox.js';

/**
 * Where provisioned tools live: `<data dir>/toolchains/<package>@<version>/`, one npm prefix
 * each (`node_modules/.bin` holds the command), kept and reused by every later run. Shown
 * read-only inside the sandbox (see `bwrapArgv`'s `tools`).
 */
export function toolsRoot(home: string): string {
  return path.join(home, 'toolchains');
}

/** The npm prefix of one provisioned tool (a scoped package's `/` becomes `+`). */
export function toolDir(home: string, spec: ProvisionedToolSpec): string {
  return path.join(toolsRoot(home), `${spec.npmPackage.replace('/', '+')}@${spec.version}`);
}

/** The folder holding the tool's command once provisioned. */
export function toolBinDir(home: string, spec: ProvisionedToolSpec): string {
  return path.join(toolDir(home, spec), 'node_modules', '.bin');
}

/**
 * `env` with the bin folders of the tools the plan's services use that were provisioned
 * (those that exist) first on PATH. Every command of a run (installs, builds, starts, fix
 * steps, a supervisor's restarts) gets its environment through this, so a tool provisioned
 * by one run or phase is there for all the others.
 */
export function withProvisionedTools(
  env: NodeJS.ProcessEnv,
  home: string,
  services: readonly Pick<ServiceSpec, 'packageManager'>[],
): NodeJS.ProcessEnv {
  const dirs = [
    ...new Set(
      services.flatMap((s) => (s.packageManager ? [toolBinDir(home, s.packageManager)] : [])),
    ),
  ].filter((d) => existsSync(d));
  if (dirs.length === 0) return env;
  return { ...env, PATH: [...dirs, env.PATH ?? ''].filter(Boolean).join(path.delimiter) };
}

/** What {@link provisionTool} did. */
export type ToolProvisioning =
  | { kind: 'present'; program: string }
  | { kind: 'provisioned'; binDir: string; durationMs: number };

/** Installing a tool gives up after 5 minutes (a pnpm or Yarn download is a few MB). */
const INSTALL_TIMEOUT_MS = 300_000;

/**
 * Makes `spec.name` available: nothing to do when it is on `env.PATH` (the machine's own, or
 * one provisioned before: pass the env from {@link withProvisionedTools}), or with
 * `evenIfOnPath` (another version of a tool the machine has, such as Node) when
 * {@link toolDir} has it already; else installs
 * `<npmPackage>@<version>` with npm (the registry npm is configured with) into a fresh
 * prefix beside {@link toolDir} and renames it into place once it worked, so a half-made
 * install is never used. Runs as Repo Runner itself, outside the run's sandbox: the package
 * is the tool's own, not the repository's code.
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING` naming the tool, the npm output's tail and
 *   how to install it by hand, when npm fails or the package has no such command.
 */
export async function provisionTool(
  home: string,
  spec: ProvisionedToolSpec,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  options: { evenIfOnPath?: boolean } = {},
): Promise<ToolProvisioning> {
  const own = path.join(toolBinDir(home, spec), spec.name);
  const present = options.evenIfOnPath
    ? existsSync(own)
      ? own
      : null
    : resolveProgram(spec.name, '/', env.PATH ?? '');
  if (present) return { kind: 'present', program: present };
  const started = Date.now();
  const dir = toolDir(home, spec);
  const partial = `${dir}.partial-${process.pid}`;
  const hint = `install it yourself (\`npm install -g ${spec.npmPackage}@${spec.version}\`, or \`corepack enable\`) and run again`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const result = await runCommand(
    [
      'npm',
      'install',
      '--prefix',
      partial,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${spec.npmPackage}@${spec.version}`,
    ],
    { cwd: partial, env: { ...env }, timeoutMs: INSTALL_TIMEOUT_MS, signal },
  );
  const binary = path.join(partial, 'node_modules', '.bin', spec.name);
  if (result.failed || !existsSync(binary)) {
    rmSync(partial, { recursive: true, force: true });
    const why = result.failed
      ? outputTail(result, 5).join(' | ') || result.spawnError || 'npm failed'
      : `${spec.npmPackage}@${spec.version} has no ${spec.name} command`;
    throw new RepoRunnerError(
      'TOOLCHAIN_MISSING',
      `${spec.name} is not installed and could not be provisioned from the npm registry: ${why}`,
      hint,
    );
  }
  try {
    renameSync(partial, dir);
  } catch (err) {
    // Another run provisioned the same version meanwhile: use theirs.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return { kind: 'provisioned', binDir: toolBinDir(home, spec), durationMs: Date.now() - started };
}
