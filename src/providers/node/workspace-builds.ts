import type { CommandSpec } from '../../model/plan.js';
import type { PackageJson } from './package-json.js';
import type { PackageManagerName } from './package-manager.js';
import { BUILD_OUTPUT } from './start-command.js';

/** A package of a workspace: its directory and manifest. */
export interface WorkspacePackage {
  dir: string;
  pkg: PackageJson;
}

/**
 * Builds of the workspace packages an app depends on, dependencies first, so that a library
 * consumed from its build output exists before the app builds or starts. A package counts
 * when the app (or one of its workspace dependencies, transitively) lists it by name, it
 * has a `build` script, and its entry points (`main`, `module`, `types`, `exports`) point
 * into build output (`dist/`, `build/`): a library consumed from source needs no build.
 * Each runs `<pm> run build` in the package directory. Turborepo's `dependsOn: ["^build"]`
 * expresses the same order. Source: https://turbo.build/repo/docs/crafting-your-repository/configuring-tasks#dependent-tasks
 *
 * @example
 * workspaceBuilds(web, packages, 'npm'); // [{ argv: ['npm', 'run', 'build'], cwd: 'packages/ui', ... }]
 */
export function workspaceBuilds(
  app: WorkspacePackage,
  packages: WorkspacePackage[],
  pm: PackageManagerName,
): CommandSpec[] {
  const byName = new Map<string, WorkspacePackage>();
  for (const p of packages) if (p.pkg.name) byName.set(p.pkg.name, p);
  const ordered: WorkspacePackage[] = [];
  const seen = new Set<string>([app.dir]);
  const visit = (from: WorkspacePackage) => {
    for (const name of dependencyNames(from.pkg)) {
      const dep = byName.get(name);
      if (!dep || seen.has(dep.dir)) continue;
      seen.add(dep.dir);
      visit(dep);
      ordered.push(dep);
    }
  };
  visit(app);
  return ordered.filter(needsBuild).map((dep) => ({
    argv: [pm, 'run', 'build'],
    cwd: dep.dir,
    env: {},
    description: `${pm} run build in ${dep.dir} (workspace dependency of ${app.dir})`,
  }));
}

function dependencyNames(pkg: PackageJson): string[] {
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
}

function needsBuild({ pkg }: WorkspacePackage): boolean {
  if (!pkg.scripts?.['build']) return false;
  const entries = JSON.stringify([pkg.main, pkg['module'], pkg['types'], pkg['exports']]);
  return BUILD_OUTPUT.test(entries);
}
