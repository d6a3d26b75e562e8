import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RepoView } from '../../repo/repo-view.js';
import { expandWorkspaceGlobs } from './workspace-globs.js';

test('workspace globs: *, partial *, **, literal, negation; only dirs with package.json', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-globs-'));
  try {
    const pkgs = [
      'apps/web',
      'apps/api',
      'packages/ui',
      'packages/legacy',
      'packages/app-a',
      'tools/deep/x/cli',
      'apps/web/node_modules/dep',
    ];
    for (const p of pkgs) {
      await mkdir(path.join(dir, p), { recursive: true });
      await writeFile(path.join(dir, p, 'package.json'), '{}');
    }
    await mkdir(path.join(dir, 'apps/empty'), { recursive: true });
    const repo = new RepoView(dir);
    assert.deepEqual(
      await expandWorkspaceGlobs(repo, ['apps/*', './packages/*/', '!packages/legacy']),
      ['apps/api', 'apps/web', 'packages/app-a', 'packages/ui'],
    );
    assert.deepEqual(await expandWorkspaceGlobs(repo, ['packages/app-*', 'tools/**']), [
      'packages/app-a',
      'tools/deep/x/cli',
    ]);
    assert.deepEqual(await expandWorkspaceGlobs(repo, ['apps/web', '../outside', '/abs', '']), [
      'apps/web',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
