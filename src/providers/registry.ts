import { RunPlanSchema, type RunPlan, type ServiceSpec } from '../core/plan.js';
import type { RepoView } from '../repo/repo-view.js';
import { nodeProvider } from './node/index.js';
import { pythonProvider } from './python/index.js';
import type { Provider } from './types.js';

/**
 * Every provider, in order. Order decides `ecosystems` order and which provider's service
 * keeps the plain name `web` when several detect: Python first, because a repository with
 * both is most often a Python backend carrying a package.json for front-end assets.
 */
export const PROVIDERS: readonly Provider[] = [pythonProvider, nodeProvider];

/** Root files the providers look for, listed in the "nothing to run" error. */
export const LOOKED_FOR = [
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'setup.py',
  'package.json',
] as const;

/** Manifests of ecosystems without a provider: each found one becomes a warning. */
const UNSUPPORTED: readonly [file: string, ecosystem: string][] = [
  ['Gemfile', 'Ruby'],
  ['go.mod', 'Go'],
  ['Cargo.toml', 'Rust'],
  ['pom.xml', 'Java (Maven)'],
  ['build.gradle', 'Java (Gradle)'],
  ['composer.json', 'PHP'],
];

/**
 * Runs every provider of {@link PROVIDERS} over the repository and merges their plans. Every
 * provider that detects contributes its services; one whose `detect` or `plan` throws is
 * recorded as a warning and skipped (as railpack does). Service names are made unique: a
 * later `web` becomes `web-<provider>`. Returns an empty `services` array when nothing runs
 * (the caller raises the "nothing to run" error), with a warning per unsupported manifest.
 *
 * @example
 * const plan = await planRepo(new RepoView('/src/app'));
 * plan.services.map((s) => s.name); // ['web', 'web-node']
 */
export async function planRepo(repo: RepoView): Promise<RunPlan> {
  const ecosystems: string[] = [];
  const services: ServiceSpec[] = [];
  const warnings: string[] = [];
  for (const provider of PROVIDERS) {
    let stage = 'detect';
    try {
      const detection = await provider.detect(repo);
      if (detection === null) continue;
      ecosystems.push(provider.name);
      stage = 'plan';
      const plan = await provider.plan(repo, detection);
      warnings.push(...plan.warnings);
      for (const service of plan.services) {
        services.push({ ...service, name: uniqueName(service.name, provider.name, services) });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      warnings.push(`${provider.name} provider skipped: ${stage} failed: ${message}`);
    }
  }
  for (const [file, ecosystem] of UNSUPPORTED) {
    if (await repo.hasFile(file)) warnings.push(`found ${file}: ${ecosystem} is not supported yet`);
  }
  return RunPlanSchema.parse({ ecosystems, services, warnings });
}

function uniqueName(name: string, provider: string, taken: ServiceSpec[]): string {
  const used = new Set(taken.map((s) => s.name));
  if (!used.has(name)) return name;
  const base = `${name}-${provider}`;
  let candidate = base;
  for (let i = 2; used.has(candidate); i++) candidate = `${base}-${i}`;
  return candidate;
}
