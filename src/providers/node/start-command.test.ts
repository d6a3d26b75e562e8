import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RepoView } from '../../repo/repo-view.js';
import type { PackageJson } from './package-json.js';
import { nodeStart } from './start-command.js';

const NEST_DEPS = { '@nestjs/core': '10' };

test('nestjs: start:prod wins; its hooks run through the package manager; no build means the start script', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-start-'));
  try {
    const repo = new RepoView(dir);
    const prod: PackageJson = {
      scripts: { build: 'nest build', start: 'nest start', 'start:prod': 'node dist/main' },
      dependencies: NEST_DEPS,
    };
    const a = await nodeStart(repo, prod, 'nestjs', 'npm');
    assert.deepEqual(a?.argv, ['sh', '-c', 'node dist/main']);
    assert.equal(a?.needsBuild, true);
    assert.equal(a?.env['npm_lifecycle_script'], 'node dist/main');
    const hooked = { ...prod, scripts: { ...prod.scripts, 'prestart:prod': 'node migrate.js' } };
    assert.deepEqual((await nodeStart(repo, hooked, 'nestjs', 'pnpm'))?.argv, [
      'pnpm',
      'run',
      'start:prod',
    ]);
    const scaffold: PackageJson = {
      scripts: { build: 'nest build', start: 'nest start' },
      dependencies: NEST_DEPS,
    };
    const b = await nodeStart(repo, scaffold, 'nestjs', 'npm');
    assert.deepEqual(b?.argv, ['node', 'dist/main']);
    assert.equal(b?.needsBuild, true);
    const noBuild: PackageJson = { scripts: { start: 'nest start' }, dependencies: NEST_DEPS };
    assert.deepEqual((await nodeStart(repo, noBuild, 'nestjs', 'npm'))?.argv, [
      'sh',
      '-c',
      'nest start',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('workspace package (no fallbacks): main or index.js alone do not start it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-start-'));
  try {
    await writeFile(path.join(dir, 'index.js'), '');
    const repo = new RepoView(dir);
    const pkg: PackageJson = { main: 'index.js' };
    const options = { dir: '.', binDir: 'node_modules/.bin', fallbacks: false };
    assert.equal(await nodeStart(repo, pkg, null, 'npm', options), null);
    assert.deepEqual((await nodeStart(repo, pkg, null, 'npm'))?.argv, ['node', 'index.js']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
