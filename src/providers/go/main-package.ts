import type { RepoView } from '../../repo/repo-view.js';
import { readGoPackage, type GoPackage } from './go-package.js';

/** Names preferred for the program under `cmd/`, after the module's own name. */
const PREFERRED_CMD_NAMES = ['server', 'api', 'web'] as const;

/** First-level folders never taken for the program: vendored, test, example and tool code. */
const NOT_PROGRAM_DIRS = new Set([
  'vendor',
  'internal',
  'pkg',
  'test',
  'tests',
  'testdata',
  'examples',
  'example',
  'scripts',
  'tools',
  'docs',
  'migrations',
]);

/** The main package chosen to run, and what else could have been. */
export interface MainPackageChoice {
  /** The package run, or null when the module has no main package at the root, in cmd/ or in a first-level folder. */
  picked: GoPackage | null;
  /** The binary name: the cmd/ directory, or the module's name for a root main package. */
  binary: string;
  /** Other main packages, as `cmd/<name>` paths, not run. */
  others: string[];
}

/**
 * Finds the program of a Go module the way its layout says: a `package main` with
 * `func main()` at the root wins; otherwise the `cmd/<name>/` directories that are main
 * packages (the layout `go install ./cmd/...` expects), preferring the one named like the
 * module (`moduleName`), then `server`, `api`, `web`, then the first in name order; with
 * neither, a first-level folder that is a main package (`app/`), in name order.
 * Source: https://go.dev/doc/modules/layout#multiple-commands
 *
 * @example
 * const choice = await findMainPackage(repo, 'shop');
 * choice.picked?.dir; // 'cmd/shop'
 */
export async function findMainPackage(
  repo: RepoView,
  moduleName: string,
): Promise<MainPackageChoice> {
  const candidates: GoPackage[] = [];
  const root = await readGoPackage(repo, '.');
  if (root?.isMain) candidates.push(root);
  for (const name of await repo.listDir('cmd')) {
    if (!(await repo.hasDir(`cmd/${name}`))) continue;
    const pkg = await readGoPackage(repo, `cmd/${name}`);
    if (pkg?.isMain) candidates.push(pkg);
  }
  // No main at the root or in cmd/: a first-level folder that is one (`app/main.go`, what
  // a Makefile's `go build ./app/` names), outside vendored and test code.
  if (candidates.length === 0) {
    for (const name of await repo.listDir('.')) {
      if (name === 'cmd' || name.startsWith('.') || NOT_PROGRAM_DIRS.has(name)) continue;
      if (!(await repo.hasDir(name))) continue;
      const pkg = await readGoPackage(repo, name);
      if (pkg?.isMain) candidates.push(pkg);
    }
  }
  const picked =
    (root?.isMain ? root : undefined) ??
    [moduleName, ...PREFERRED_CMD_NAMES]
      .map((name) => candidates.find((c) => c.dir === `cmd/${name}`))
      .find((c) => c !== undefined) ??
    candidates[0] ??
    null;
  const binary = picked === null || picked.dir === '.' ? moduleName : baseName(picked.dir);
  const others = candidates.filter((c) => c !== picked).map((c) => c.dir);
  return { picked, binary, others };
}

function baseName(dir: string): string {
  return dir.split('/').at(-1) ?? dir;
}
