import type { RepoView } from '../../repo/repo-view.js';

/** Source files scanned for other services' URL variables. */
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx|vue|svelte|astro)$/;
/** Larger files are bundles or generated code, not the app's own source. */
const MAX_BYTES = 200_000;
/** How deep below the root files are scanned; workspace packages sit 1–3 levels down. */
const SCAN_DEPTH = 6;

/**
 * The variable holding a service's URL, `api` → `API_URL`, `web-ui` → `WEB_UI_URL`. The same
 * rule as the runner's `urlVariable` (src/agents/start-command.ts), which sets these
 * variables; kept here so providers do not depend on agents (a test checks they agree).
 */
export function urlVariableOf(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

/**
 * Which services talk to which: a service depends on another when a source file in its
 * root (`*.js`, `*.ts`, `*.jsx`, `*.tsx`, `*.vue`, `*.svelte`, `*.astro`, up to
 * {@link SCAN_DEPTH} levels below the repository root, install and build folders skipped)
 * names the other's URL variable ({@link urlVariableOf}) as a whole word, e.g.
 * `process.env.API_URL`. Prefixed forms (`NEXT_PUBLIC_API_URL`, `VITE_API_URL`) do not
 * count: the runner sets only `<NAME>_URL`. A file belongs to the service whose root is
 * the longest prefix of its path. Returns the dependencies of each service, in plan order.
 *
 * @example
 * await findDependsOn(repo, [{ name: 'api', root: 'apps/api' }, { name: 'web', root: 'apps/web' }]);
 * // Map { 'api' => [], 'web' => ['api'] }
 */
export async function findDependsOn(
  repo: RepoView,
  services: { name: string; root: string }[],
): Promise<Map<string, string[]>> {
  const deps = new Map(services.map((s) => [s.name, new Set<string>()]));
  const patterns = services.map((s) => ({
    name: s.name,
    pattern: new RegExp(`(?<![A-Za-z0-9_])${urlVariableOf(s.name)}(?![A-Za-z0-9_])`),
  }));
  const files = await repo.findFiles((name) => SOURCE.test(name), {
    maxDepth: SCAN_DEPTH,
    limit: 5000,
  });
  for (const file of files) {
    const owner = ownerOf(file, services);
    if (owner === null) continue;
    const text = await repo.readText(file);
    if (text === null || text.length > MAX_BYTES) continue;
    for (const { name, pattern } of patterns) {
      if (name !== owner && pattern.test(text)) deps.get(owner)?.add(name);
    }
  }
  const order = services.map((s) => s.name);
  return new Map([...deps].map(([name, set]) => [name, order.filter((other) => set.has(other))]));
}

function ownerOf(file: string, services: { name: string; root: string }[]): string | null {
  let best: { name: string; length: number } | null = null;
  for (const { name, root } of services) {
    const inside = root === '.' || file.startsWith(`${root}/`);
    if (inside && (best === null || root.length > best.length))
      best = { name, length: root.length };
  }
  return best?.name ?? null;
}
