import { parse as parseYaml } from 'yaml';
import type { RepoView } from '../../repo/repo-view.js';
import type { PackageJson } from './package-json.js';
import { expandWorkspaceGlobs } from './workspace-globs.js';

/** A monorepo's workspace packages, as the root declares them. */
export interface Workspaces {
  /** Package directories relative to the root, sorted (each holds a package.json). */
  dirs: string[];
  /** Root files that declare the workspace (hashed with the install). */
  manifests: string[];
  evidence: string[];
  warnings: string[];
}

/** Folders a turbo or nx repository keeps its packages in when nothing declares them. */
const CONVENTIONAL = ['apps/*', 'packages/*', 'libs/*'];

/**
 * The workspace packages of a repository: the globs of package.json `workspaces` (npm,
 * yarn: an array or yarn's `{ packages }`), else of `pnpm-workspace.yaml`'s `packages`,
 * expanded by {@link expandWorkspaceGlobs}. A turbo (`turbo.json`) or nx (`nx.json`)
 * repository declaring neither uses {@link CONVENTIONAL}. Null when the repository is not a
 * monorepo (or its globs match no package). A malformed pnpm-workspace.yaml is warned about.
 * Sources: https://docs.npmjs.com/cli/using-npm/workspaces, https://classic.yarnpkg.com/lang/en/docs/workspaces/,
 * https://pnpm.io/pnpm-workspace_yaml, https://turbo.build/repo/docs/crafting-your-repository/structuring-a-repository,
 * https://nx.dev/concepts/decisions/folder-structure
 *
 * @example
 * await findWorkspaces(repo, pkg); // { dirs: ['apps/api', 'apps/web', 'packages/ui'], ... }
 */
export async function findWorkspaces(repo: RepoView, pkg: PackageJson): Promise<Workspaces | null> {
  const found: Workspaces = { dirs: [], manifests: [], evidence: [], warnings: [] };
  let patterns: string[] = [];
  const pnpm = await repo.hasFile('pnpm-workspace.yaml');
  if (pnpm) found.manifests.push('pnpm-workspace.yaml');
  const declared = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages;
  if (declared && declared.length > 0) {
    patterns = declared;
    found.evidence.push(`package.json workspaces: ${declared.join(', ')}`);
  } else if (pnpm) {
    patterns = await readPnpmWorkspace(repo, found.warnings);
    if (patterns.length > 0) found.evidence.push(`pnpm-workspace.yaml: ${patterns.join(', ')}`);
  }
  for (const tool of ['turbo.json', 'nx.json']) {
    if (!(await repo.hasFile(tool))) continue;
    found.evidence.push(`${tool.replace('.json', '')} monorepo (${tool})`);
    if (patterns.length === 0) {
      patterns = CONVENTIONAL;
      found.evidence.push(`no workspaces declared: looking in ${CONVENTIONAL.join(', ')}`);
    }
  }
  if (patterns.length === 0) return null;
  found.dirs = await expandWorkspaceGlobs(repo, patterns);
  if (found.dirs.length === 0) {
    found.warnings.push(`workspaces ${patterns.join(', ')} match no package.json`);
    return null;
  }
  found.manifests.push(...found.dirs.map((dir) => `${dir}/package.json`));
  return found;
}

async function readPnpmWorkspace(repo: RepoView, warnings: string[]): Promise<string[]> {
  const text = (await repo.readText('pnpm-workspace.yaml')) ?? '';
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    warnings.push(`pnpm-workspace.yaml is not valid YAML: ${(err as Error).message}`);
    return [];
  }
  const packages =
    typeof doc === 'object' && doc !== null ? (doc as { packages?: unknown }).packages : undefined;
  if (!Array.isArray(packages)) return [];
  return packages.filter((p): p is string => typeof p === 'string');
}
