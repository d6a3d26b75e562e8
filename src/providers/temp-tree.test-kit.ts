import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { ServiceSpecSchema, type ServiceSpec } from '../model/plan.js';
import { RepoView } from '../repo/repo-view.js';
import type { Provider, ProviderPlan } from './types.js';

/** Files of a small repository for tests: path → text (an object is written as JSON). */
export type Tree = Record<string, string | object>;

/**
 * Writes `files` into a fresh temp directory, runs `fn` on a RepoView of it, and removes
 * the directory whatever happens. For provider and registry tests.
 */
export async function withTree<T>(files: Tree, fn: (repo: RepoView) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-tree-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(
        path.join(dir, rel),
        typeof content === 'string' ? content : JSON.stringify(content),
      );
    }
    return await fn(new RepoView(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Detects and plans `files` with one provider; null when it does not detect. Every planned
 * service is checked against the ServiceSpec schema (throws when one does not fit).
 */
export async function planWith(provider: Provider, files: Tree): Promise<ProviderPlan | null> {
  return withTree(files, async (repo) => {
    const detection = await provider.detect(repo);
    if (detection === null) return null;
    const plan = await provider.plan(repo, detection);
    for (const service of plan.services) ServiceSpecSchema.parse(service);
    return plan;
  });
}

/** {@link planWith} for a provider that must detect `files` (fails the test otherwise). */
export async function planDetected(provider: Provider, files: Tree): Promise<ProviderPlan> {
  const plan = await planWith(provider, files);
  assert.ok(plan, `${provider.name} provider should detect the fixture`);
  return plan;
}

/** The one service of a plan (fails the test, showing the warnings, when there are more or none). */
export function onlyService(plan: ProviderPlan): ServiceSpec {
  assert.equal(
    plan.services.length,
    1,
    `expected one service, warnings: ${plan.warnings.join('; ')}`,
  );
  return plan.services[0] as ServiceSpec;
}

/** The one service `provider` plans for `files`, and the plan's warnings. */
export async function planOne(
  provider: Provider,
  files: Tree,
): Promise<[service: ServiceSpec, warnings: string[]]> {
  const plan = await planDetected(provider, files);
  return [onlyService(plan), plan.warnings];
}
