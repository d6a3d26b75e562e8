import type { CommandSpec, ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { findHealthPath } from '../health-path.js';
import { detectFramework } from './frameworks.js';
import { allDependencies, type PackageJson } from './package-json.js';
import type { PackageManager } from './package-manager.js';
import { findNodeRuntime, type RuntimeSource } from './runtime-version.js';
import { nodeStart, type StartOptions } from './start-command.js';

/** One package to plan as a service. */
export interface PackageInput {
  /** Service name (`web` for a single-package repository, the folder name in a workspace). */
  name: string;
  pkg: PackageJson;
  pm: PackageManager;
  /** Where the package is and what may start it; `start.dir` becomes the service root. */
  start: StartOptions;
  /** Where to look for the wanted Node version, in order (the package, then the root). */
  runtimeFrom: RuntimeSource[];
  /** What the caller already saw (detection, package manager, workspace). */
  evidence: string[];
}

/** A planned package: its service (with `install: null`, filled in by the caller). */
export interface PackagePlan {
  service: ServiceSpec;
  /** True when it runs with `NODE_ENV=production` (a built Next.js or NestJS app). */
  production: boolean;
  warnings: string[];
}

/**
 * Plans one package as a service: framework (see `detectFramework`), start command (see
 * `nodeStart`), the package's `build` script when the start command serves build output,
 * `NODE_ENV=production` for a built Next.js or NestJS app, the health route of the start
 * file, and the wanted Node version. Commands run in the package directory. The install is
 * left to the caller (per package, or once for a workspace). Null when nothing starts it.
 *
 * @example
 * const planned = await planPackage(repo, { name: 'web', pkg, pm, start, runtimeFrom: [{ dir: '.', pkg }], evidence: [] });
 */
export async function planPackage(
  repo: RepoView,
  input: PackageInput,
): Promise<PackagePlan | null> {
  const { pkg, pm } = input;
  const dir = input.start.dir;
  const framework = detectFramework(allDependencies(pkg));
  const warnings: string[] = [];
  const evidence = [...input.evidence];
  if (framework) evidence.push(`framework ${framework}`);
  const start = await nodeStart(repo, pkg, framework, pm.name, input.start);
  if (start === null) return null;
  evidence.push(`start: ${start.description}`);
  const build: CommandSpec[] = [];
  if (start.needsBuild && pkg.scripts?.['build']) {
    build.push({
      argv: [pm.name, 'run', 'build'],
      cwd: dir,
      env: {},
      description: `${pm.name} run build${dir === '.' ? '' : ` in ${dir}`}`,
    });
  } else if (start.needsBuild && framework !== null) {
    warnings.push(
      `${framework} serves build output, but ${at(dir, 'package.json')} has no build script`,
    );
  }
  const production = build.length > 0 && (framework === 'next' || framework === 'nestjs');
  const mainText = start.mainFile === null ? null : await repo.readText(at(dir, start.mainFile));
  const runtime = await findNodeRuntime(repo, input.runtimeFrom);
  if (runtime) evidence.push(`node ${runtime.wanted} wanted (${runtime.source})`);
  const service: ServiceSpec = {
    name: input.name,
    provider: 'node',
    framework,
    root: dir,
    protocol: 'http',
    install: null,
    build,
    start: { argv: start.argv, cwd: dir, env: start.env, description: start.description },
    healthPath: findHealthPath(mainText),
    env: production ? { NODE_ENV: 'production' } : {},
    evidence,
    ...(runtime ? { runtime } : {}),
  };
  return { service, production, warnings };
}

function at(dir: string, file: string): string {
  return dir === '.' ? file : `${dir}/${file}`;
}
