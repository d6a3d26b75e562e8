import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RepoView } from '../../repo/repo-view.js';
import type { PackageJson } from './package-json.js';
import { findNodeRuntime } from './runtime-version.js';

test('node runtime: engines.node, then .nvmrc, then .node-version; the package before the root', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-nodert-'));
  try {
    const write = async (rel: string, text: string) => {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    };
    const repo = new RepoView(dir);
    const none: PackageJson = {};
    const withEngines: PackageJson = { engines: { node: ' >=20 ', npm: '>=10' } };
    assert.equal(await findNodeRuntime(repo, [{ dir: '.', pkg: none }]), null);
    await write('.node-version', '18.19.0\n');
    assert.deepEqual(await findNodeRuntime(repo, [{ dir: '.', pkg: none }]), {
      tool: 'node',
      wanted: '18.19.0',
      source: '.node-version',
    });
    await write('.nvmrc', '# team default\nlts/iron\n');
    assert.equal((await findNodeRuntime(repo, [{ dir: '.', pkg: none }]))?.source, '.nvmrc');
    assert.deepEqual(await findNodeRuntime(repo, [{ dir: '.', pkg: withEngines }]), {
      tool: 'node',
      wanted: '>=20',
      source: 'package.json engines.node',
    });
    // a workspace package without its own version falls back to the root's
    const app = { dir: 'apps/web', pkg: none };
    assert.equal((await findNodeRuntime(repo, [app, { dir: '.', pkg: none }]))?.wanted, 'lts/iron');
    await write('apps/web/.nvmrc', 'v22.1.0');
    assert.deepEqual(await findNodeRuntime(repo, [app, { dir: '.', pkg: withEngines }]), {
      tool: 'node',
      wanted: 'v22.1.0',
      source: 'apps/web/.nvmrc',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
