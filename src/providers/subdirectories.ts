import path from 'node:path';
import type { CommandSpec, ServiceSpec } from '../model/plan.js';
import type { RepoView } from '../repo/repo-view.js';

/** Folder names that hold an app next to another one ("frontend + API" repos). */
export const ROLE_DIRS = new Set([
  'frontend',
  'backend',
  'client',
  'server',
  'api',
  'web',
  'ui',
  'app',
  'worker',
  'admin',
  'dashboard',
  'site',
  'www',
]);

/** Folders that never hold a service of the repo: docs, samples, tests, vendored code. */
const NEVER = new Set([
  'docs',
  'doc',
  'examples',
  'example',
  'samples',
  'sample',
  'test',
  'tests',
  'scripts',
  'fixtures',
  'vendor',
  'third_party',
  'node_modules',
  'benchmarks',
  'bench',
]);

/**
 * The first-level folders to plan as their own service roots. When the root itself yields
 * services, only folders named for an app role ({@link ROLE_DIRS}) are taken, so a Flask app
 * with a `frontend/` gets both, but a library with `examples/` does not grow services. When
 * the root yields none (the app lives in a subfolder), every folder but {@link NEVER} is.
 */
export async function candidateDirs(
  repo: RepoView,
  rootHasServices: boolean,
  taken: Set<string>,
): Promise<string[]> {
  const dirs: string[] = [];
  for (const name of await repo.listDir('.')) {
    if (name.startsWith('.') || NEVER.has(name.toLowerCase()) || taken.has(name)) continue;
    if (!(await repo.hasDir(name))) continue;
    if (rootHasServices && !ROLE_DIRS.has(name.toLowerCase())) continue;
    dirs.push(name);
  }
  return dirs;
}

const join = (dir: string, rel: string) => path.posix.normalize(path.posix.join(dir, rel));
const rebaseCommand = (dir: string, c: CommandSpec): CommandSpec => ({
  ...c,
  cwd: join(dir, c.cwd),
});

/** A service planned inside folder `dir` (as if it were the root), moved under the repo root. */
export function rebaseService(dir: string, s: ServiceSpec, name: string): ServiceSpec {
  return {
    ...s,
    name,
    root: join(dir, s.root),
    install: s.install && {
      ...s.install,
      dir: join(dir, s.install.dir),
      manifests: s.install.manifests.map((m) => join(dir, m)),
      steps: s.install.steps.map((c) => rebaseCommand(dir, c)),
    },
    build: s.build.map((c) => rebaseCommand(dir, c)),
    start: rebaseCommand(dir, s.start),
    evidence: [`in ${dir}/`, ...s.evidence],
    ...(s.runtime ? { runtime: { ...s.runtime, source: join(dir, s.runtime.source) } } : {}),
  };
}

/**
 * A RepoView of a folder of the repo. Symlinks inside it may lead anywhere in the repository
 * (monorepo packages), never out of it.
 *
 * @throws PathEscapeError when the folder itself links out of the repository.
 */
export const subView = (repo: RepoView, dir: string): RepoView => repo.sub(dir);
