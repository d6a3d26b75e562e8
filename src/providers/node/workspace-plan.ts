import path from 'node:path';
import { toServiceName, type ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import type { ProviderPlan } from '../types.js';
import { findDependsOn } from './depends-on.js';
import { detectFramework } from './frameworks.js';
import { workspaceInstall } from './install.js';
import { allDependencies, readPackageJson, type PackageJson } from './package-json.js';
import type { PackageManager } from './package-manager.js';
import { planPackage, type PackagePlan } from './package-service.js';
import { workspaceBuilds, type WorkspacePackage } from './workspace-builds.js';
import type { Workspaces } from './workspaces.js';

/**
 * Plans a monorepo: each workspace package that something starts (a start script, or
 * Next.js/Vite/NestJS with their own commands; see `nodeStart` without fallbacks) is a
 * service named after its folder (`apps/web` → `web`; the whole path, `packages-api`, when
 * two services' folders share a name), rooted and run in that folder. Packages nothing starts are
 * libraries: not services, but built first when an app consumes their build output
 * ({@link workspaceBuilds}). All services share one root install ({@link workspaceInstall}).
 * `dependsOn` comes from {@link findDependsOn}. The root package itself is not planned
 * (its start script usually starts the others); `services` is empty when no package starts,
 * and the caller then plans the root as a single package.
 *
 * @example
 * (await planWorkspaces(repo, rootPkg, pm, workspaces, ['package.json'])).services.map((s) => s.name); // ['api', 'web']
 */
export async function planWorkspaces(
  repo: RepoView,
  rootPkg: PackageJson,
  pm: PackageManager,
  workspaces: Workspaces,
  evidence: string[],
): Promise<ProviderPlan> {
  const warnings = [...workspaces.warnings];
  const packages: WorkspacePackage[] = [];
  for (const dir of workspaces.dirs) {
    try {
      packages.push({ dir, pkg: await readPackageJson(repo, `${dir}/package.json`) });
    } catch (err) {
      warnings.push(`workspace package ${dir} skipped: ${(err as Error).message}`);
    }
  }
  const lock = await readNpmLockPackages(repo, pm);
  const planned: { source: WorkspacePackage; plan: PackagePlan }[] = [];
  const libraries: string[] = [];
  for (const source of packages) {
    const { dir, pkg } = source;
    const plan = await planPackage(repo, {
      name: 'pending', // named below, once the services among the packages are known
      pkg,
      pm,
      start: { dir, binDir: binDirOf(dir, pkg, pm, lock), fallbacks: false },
      runtimeFrom: [
        { dir, pkg },
        { dir: '.', pkg: rootPkg },
      ],
      evidence: [...evidence, ...workspaces.evidence, `workspace package ${dir}`],
    });
    if (plan === null) libraries.push(dir);
    else planned.push({ source, plan });
  }
  if (planned.length === 0) {
    warnings.push(`no workspace package has a start script (${workspaces.dirs.join(', ')})`);
    return { services: [], warnings };
  }
  const install = workspaceInstall(
    pm,
    workspaces.manifests,
    planned.some((p) => p.plan.production),
  );
  const names = serviceNames(planned.map((p) => p.source.dir));
  const services: ServiceSpec[] = planned.map(({ source, plan }) => {
    warnings.push(...plan.warnings);
    const libBuilds = workspaceBuilds(source, packages, pm.name);
    const extra = libraries.length > 0 ? [`libraries (not services): ${libraries.join(', ')}`] : [];
    return {
      ...plan.service,
      name: names.get(source.dir) ?? plan.service.name,
      install,
      build: [...libBuilds, ...plan.service.build],
      evidence: [...plan.service.evidence, ...extra],
    };
  });
  const dependsOn = await findDependsOn(repo, services);
  return {
    services: services.map((s) => {
      const deps = dependsOn.get(s.name) ?? [];
      return deps.length > 0 ? { ...s, dependsOn: deps } : s;
    }),
    warnings,
  };
}

/**
 * `apps/web` → `web`. A name two folders share becomes the whole path (`packages/api` →
 * `packages-api`). Names are lower-cased and limited to what ServiceSpec allows.
 */
export function serviceNames(dirs: string[]): Map<string, string> {
  const base = (dir: string) => toServiceName(path.posix.basename(dir));
  const counts = new Map<string, number>();
  for (const dir of dirs) counts.set(base(dir), (counts.get(base(dir)) ?? 0) + 1);
  return new Map(
    dirs.map((dir) => [dir, (counts.get(base(dir)) ?? 0) > 1 ? toServiceName(dir) : base(dir)]),
  );
}

/**
 * Where a workspace package's binaries are, relative to its folder. pnpm links every
 * package's own `node_modules/.bin`; npm and yarn hoist dependencies to the root, except
 * that npm nests a version that conflicts with the hoisted one (package-lock.json then has
 * `<dir>/node_modules/<name>`), checked for the framework binary the start command uses.
 */
function binDirOf(
  dir: string,
  pkg: PackageJson,
  pm: PackageManager,
  lock: Record<string, unknown> | null,
): string {
  const local = 'node_modules/.bin';
  if (pm.name === 'pnpm') return local;
  const framework = detectFramework(allDependencies(pkg));
  const bin = framework === 'next' || framework === 'vite' ? framework : null;
  if (bin !== null && lock?.[`${dir}/node_modules/${bin}`] !== undefined) return local;
  return path.posix.join(path.posix.relative(dir, '.'), local);
}

/** package-lock.json's `packages` map (lockfile v2/v3), or null. */
async function readNpmLockPackages(
  repo: RepoView,
  pm: PackageManager,
): Promise<Record<string, unknown> | null> {
  if (pm.name !== 'npm' || pm.lockFile === null) return null;
  try {
    const lock = await repo.readJson<{ packages?: Record<string, unknown> }>(pm.lockFile);
    return lock?.packages ?? null;
  } catch {
    return null;
  }
}
