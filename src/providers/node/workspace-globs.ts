import type { RepoView } from '../../repo/repo-view.js';

/** How deep a `**` segment descends. */
const MAX_GLOBSTAR_DEPTH = 3;

/**
 * The workspace package directories that `patterns` name: directories holding a
 * `package.json`, relative to the root, sorted. The glob subset the package managers'
 * documentation uses is supported: literal paths (`apps/web`), `*` within a segment
 * (`apps/*`, `packages/app-*`), `**` for any depth (up to {@link MAX_GLOBSTAR_DEPTH}), and
 * `!pattern` to exclude. `node_modules` and dot-directories are never entered; a pattern
 * that leaves the root is ignored.
 * Sources: https://docs.npmjs.com/cli/using-npm/workspaces, https://pnpm.io/pnpm-workspace_yaml
 *
 * @example
 * await expandWorkspaceGlobs(repo, ['apps/*', 'packages/*', '!packages/legacy']);
 * // ['apps/api', 'apps/web', 'packages/ui']
 */
export async function expandWorkspaceGlobs(repo: RepoView, patterns: string[]): Promise<string[]> {
  const included = new Set<string>();
  const excluded = new Set<string>();
  for (const raw of patterns) {
    const negated = raw.trim().startsWith('!');
    const pattern = clean(raw.trim().replace(/^!/, ''));
    if (pattern === null) continue;
    for (const dir of await expand(repo, '.', pattern.split('/')))
      (negated ? excluded : included).add(dir);
  }
  const out: string[] = [];
  for (const dir of [...included].sort()) {
    if (dir !== '.' && !excluded.has(dir) && (await repo.hasFile(`${dir}/package.json`)))
      out.push(dir);
  }
  return out;
}

/** `./apps/*\/` → `apps/*`; null for an empty pattern or one that leaves the root. */
function clean(pattern: string): string | null {
  const parts = pattern
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..') || pattern.startsWith('/')) return null;
  return parts.join('/');
}

async function expand(repo: RepoView, base: string, segments: string[]): Promise<string[]> {
  const [head, ...rest] = segments;
  if (head === undefined) return [base];
  const join = (name: string) => (base === '.' ? name : `${base}/${name}`);
  if (head === '**') {
    const out = await expand(repo, base, rest);
    for (const dir of await descendants(repo, base, MAX_GLOBSTAR_DEPTH))
      out.push(...(await expand(repo, dir, rest)));
    return out;
  }
  if (!head.includes('*')) {
    return (await repo.hasDir(join(head))) ? expand(repo, join(head), rest) : [];
  }
  const match = new RegExp(`^${head.split('*').map(escape).join('[^/]*')}$`);
  const out: string[] = [];
  for (const name of await childDirs(repo, base)) {
    if (match.test(name)) out.push(...(await expand(repo, join(name), rest)));
  }
  return out;
}

async function childDirs(repo: RepoView, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await repo.listDir(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (await repo.hasDir(dir === '.' ? name : `${dir}/${name}`)) out.push(name);
  }
  return out;
}

async function descendants(repo: RepoView, dir: string, depth: number): Promise<string[]> {
  if (depth === 0) return [];
  const out: string[] = [];
  for (const name of await childDirs(repo, dir)) {
    const child = dir === '.' ? name : `${dir}/${name}`;
    out.push(child, ...(await descendants(repo, child, depth - 1)));
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
