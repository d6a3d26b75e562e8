import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/** nodeStart on a temporary tree of files (`package.json` as an object). */
async function nodeStartFor(files: Record<string, unknown>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-start-'));
  try {
    for (const [rel, body] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), typeof body === 'string' ? body : JSON.stringify(body));
    }
    return await nodeStart(new RepoView(dir), files['package.json'] as PackageJson, null, 'npm');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a main that does not exist does not start the app: the dev script’s file, then src/index.js', async () => {
  const start = async (files: Record<string, unknown>) => (await nodeStartFor(files))?.argv;
  const pkg = { main: 'index.js', scripts: { dev: 'nodemon -L src/index.js' } };
  assert.deepEqual(await start({ 'package.json': pkg, 'src/index.js': '' }), [
    'node',
    'src/index.js',
  ]);
  assert.deepEqual(await start({ 'package.json': { main: 'index.js' }, 'src/server.js': '' }), [
    'node',
    'src/server.js',
  ]);
  assert.deepEqual(await start({ 'package.json': pkg, 'index.js': '', 'src/index.js': '' }), [
    'node',
    'index.js',
  ]);
});

test('a start script that runs another script: build output and the entry file are read through the chain', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-start-'));
  try {
    const repo = new RepoView(dir);
    const chained: PackageJson = {
      main: 'dist/server.js',
      scripts: {
        start: 'npm run serve',
        serve: 'yarn run launch',
        launch: 'node dist/server.js',
        build: 'tsc',
      },
    };
    const s = await nodeStart(repo, chained, 'koa', 'npm');
    assert.deepEqual(s?.argv, ['sh', '-c', 'npm run serve']);
    assert.equal(s?.needsBuild, true);
    assert.equal(s?.mainFile, 'dist/server.js');
    const direct: PackageJson = { scripts: { start: 'npm run serve', serve: 'node index.js' } };
    assert.equal((await nodeStart(repo, direct, null, 'npm'))?.needsBuild, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("nestjs: a project's own start (ts-node through index.js) is kept over start:prod", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-start-'));
  try {
    const own: PackageJson = {
      scripts: {
        start: 'node index.js',
        'prestart:prod': 'tsc',
        'start:prod': 'node dist/main.js',
      },
      dependencies: NEST_DEPS,
    };
    const s = await nodeStart(new RepoView(dir), own, 'nestjs', 'npm');
    assert.deepEqual(s?.argv, ['sh', '-c', 'node index.js']);
    assert.equal(s?.needsBuild, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
