import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ServiceSpecSchema } from '../model/plan.js';
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
