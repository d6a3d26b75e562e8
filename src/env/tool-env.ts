import path from 'node:path';
import semver from 'semver';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { toRange } from './runtime-match.js';
import { provisionedNodeFor } from '../exec/node-runtime.js';
import { withProvisionedTools } from '../exec/provisioned-tools.js';

/**
 * The run's base environment, what `serviceEnv` starts from for every command of the run
 * (installs, builds, starts, fix steps, migrations, a supervisor's restarts): its provisioned
 * package managers on PATH (see {@link withProvisionedTools}); the Node a service's
 * `engines`/`.nvmrc` asks for, when the machine's does not satisfy it and it was provisioned
 * (see {@link nodeRuntimeEnv}); `GOTOOLCHAIN=auto` when go.mod wants a newer Go (see
 * {@link goNeedsNewerToolchain}).
 */
export function toolEnv(ctx: Pick<RunContext, 'env' | 'home' | 'state'>): NodeJS.ProcessEnv {
  const services = ctx.state.plan?.services ?? [];
  const version = (name: string) => toolVersion(ctx.state, name);
  let env = withProvisionedTools(ctx.env, ctx.home, services);
  env = {
    ...env,
    ...nodeRuntimeEnv(ctx.home, services, version('node'), version('npm'), env.PATH),
  };
  return goNeedsNewerToolchain(services, version('go')) ? { ...env, GOTOOLCHAIN: 'auto' } : env;
}

/** The version the env phase found of toolchain `name` (`node`, `npm`, `go`), or null. */
export function toolVersion(state: Pick<RunContext['state'], 'env'>, name: string): string | null {
  return (state.env?.toolchains ?? []).find((t) => t.name === name)?.version ?? null;
}

/** The major version of a version string (`11.19.1` → 11), or null. */
export function majorOf(version: string | null): number | null {
  return version === null ? null : (semver.coerce(version)?.major ?? null);
}

/**
 * The Node range a service wants that the machine's Node (`installed`) does not satisfy, as
 * a semver range; null when it wants none, or the machine's fits.
 */
export function unmetNodeRange(
  service: Pick<ServiceSpec, 'runtime'>,
  installed: string | null,
): string | null {
  if (service.runtime?.tool !== 'node') return null;
  const range = toRange(service.runtime.wanted);
  if (range === null) return null;
  const have = installed === null ? null : semver.coerce(installed);
  return have !== null && semver.satisfies(have, range) ? null : range;
}

/**
 * PATH with the provisioned Node (and the npm that runs on it) first and
 * `npm_config_nodedir` at its headers, for the first service whose wanted Node the machine's
 * does not satisfy and that was provisioned (`exec/node-runtime.ts`); empty otherwise.
 */
export function nodeRuntimeEnv(
  home: string,
  services: readonly Pick<ServiceSpec, 'runtime'>[],
  installedNode: string | null,
  installedNpm: string | null,
  pathVar: string | undefined,
): Record<string, string> {
  const npmMajor = majorOf(installedNpm);
  for (const service of services) {
    const range = unmetNodeRange(service, installedNode);
    if (range === null) continue;
    const node = provisionedNodeFor(home, range, npmMajor);
    if (node === null) continue;
    return {
      PATH: [...node.binDirs, pathVar ?? ''].filter(Boolean).join(path.delimiter),
      npm_config_nodedir: node.nodedir,
    };
  }
  return {};
}

/**
 * True when a Go service's go.mod `go` line (its minimum Go) is newer than the installed
 * `go` (`installed`, e.g. `1.26.8`): the run's Go commands then get `GOTOOLCHAIN=auto`,
 * Go's own default, under which the go command fetches the toolchain go.mod asks for (the
 * `toolchain` line when newer) from the Go module proxy into the module cache, once, like
 * any module. An operator's `GOTOOLCHAIN=local` (in `go env`) is kept for every repository
 * the installed Go can build: with it, a newer `toolchain` line alone is only a suggestion.
 * Source: https://go.dev/doc/toolchain#select
 */
export function goNeedsNewerToolchain(
  services: readonly Pick<ServiceSpec, 'runtime'>[],
  installed: string | null,
): boolean {
  const have = installed === null ? null : semver.coerce(installed);
  if (have === null) return false;
  return services.some((s) => {
    if (s.runtime?.tool !== 'go' || s.runtime.source !== 'go.mod') return false;
    const want = semver.coerce(s.runtime.wanted);
    return want !== null && semver.gt(want, have);
  });
}
