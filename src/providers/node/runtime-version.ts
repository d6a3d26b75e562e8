import path from 'node:path';
import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import type { PackageJson } from './package-json.js';

/** The Node version a package asks for (`ServiceSpec.runtime`). */
export type NodeRuntime = NonNullable<ServiceSpec['runtime']>;

/** Where one package's wanted Node version may be read. */
export interface RuntimeSource {
  /** The package's directory relative to the root ('.' for the root). */
  dir: string;
  pkg: PackageJson;
}

/**
 * The Node version wanted, from the first of these that says one: package.json
 * `engines.node` (the range the package declares it works with), then `.nvmrc` (nvm), then
 * `.node-version` (nodenv, fnm, volta's fallback). Each location is tried in turn, the
 * package's own before the next (a workspace package, then the repository root), so a
 * monorepo's root `.nvmrc` applies to every app that says nothing itself. `wanted` is kept
 * as written (`>=18`, `lts/iron`, `v20.11.0`); comments and blank lines are skipped.
 * Sources: https://docs.npmjs.com/cli/configuring-npm/package-json#engines,
 * https://github.com/nvm-sh/nvm#nvmrc, https://github.com/nodenv/nodenv#choosing-the-node-version
 *
 * @example
 * await findNodeRuntime(repo, [{ dir: '.', pkg }]); // { tool: 'node', wanted: '>=20', source: 'package.json engines.node' }
 */
export async function findNodeRuntime(
  repo: RepoView,
  locations: RuntimeSource[],
): Promise<NodeRuntime | null> {
  for (const { dir, pkg } of locations) {
    const engines = pkg.engines?.['node'];
    const at = (file: string) => path.posix.join(dir, file);
    if (typeof engines === 'string' && engines.trim() !== '')
      return { tool: 'node', wanted: engines.trim(), source: `${at('package.json')} engines.node` };
    for (const file of ['.nvmrc', '.node-version']) {
      const line = firstLine(await repo.readText(at(file)));
      if (line !== null) return { tool: 'node', wanted: line, source: at(file) };
    }
  }
  return null;
}

function firstLine(text: string | null): string | null {
  if (text === null) return null;
  const line = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .find((l) => l !== '');
  return line ?? null;
}
