import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ServiceSpec } from '../../model/plan.js';
import type { ProviderPlan } from '../types.js';
import { planDetected, type Tree } from '../temp-tree.test-kit.js';
import { ALLOW_INSTALL_SCRIPTS, nodeProvider } from './index.js';
import { serviceNames } from './workspace-plan.js';

const planFixture = (files: Tree) => planDetected(nodeProvider, files);

const byName = (plan: ProviderPlan) =>
  Object.fromEntries(plan.services.map((s) => [s.name, s])) as Record<string, ServiceSpec>;

test('npm workspaces: a service per app with a start script, libraries skipped, one shared install', async () => {
  const plan = await planFixture({
    'package.json': {
      name: 'mono',
      private: true,
      workspaces: ['apps/*', 'packages/*'],
      engines: { node: '>=20' },
    },
    'package-lock.json': '{"lockfileVersion":3,"packages":{}}',
    'apps/api/package.json': {
      name: 'api',
      scripts: { start: 'node server.js' },
      dependencies: { express: '4' },
    },
    'apps/api/server.js': "app.get('/healthz', h)\n",
    'apps/web/package.json': {
      name: 'web',
      scripts: { start: 'node server.js' },
      dependencies: { '@mono/ui': '*', '@mono/util': '*' },
    },
    'apps/web/server.js': 'fetch(process.env.API_URL)\n',
    'packages/ui/package.json': {
      name: '@mono/ui',
      main: 'dist/index.js',
      scripts: { build: 'tsc' },
      dependencies: { '@mono/util': '*' },
    },
    'packages/util/package.json': {
      name: '@mono/util',
      main: 'src/index.js',
      scripts: { build: 'tsc --noEmit' },
    },
    'packages/util/index.js': 'module.exports = {}\n',
  });
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.root, s.start.cwd]),
    [
      ['api', 'apps/api', 'apps/api'],
      ['web', 'apps/web', 'apps/web'],
    ],
  );
  const { api, web } = byName(plan);
  assert.ok(api && web);
  assert.deepEqual(api.install, web.install);
  assert.deepEqual(api.install, {
    isolation: 'node_modules',
    dir: 'node_modules',
    manifests: [
      'package.json',
      'package-lock.json',
      'apps/api/package.json',
      'apps/web/package.json',
      'packages/ui/package.json',
      'packages/util/package.json',
    ],
    steps: [
      {
        argv: ['npm', 'ci', '--no-audit', '--no-fund'],
        cwd: '.',
        env: {},
        description: "install the workspace's dependencies with npm, once at the root",
      },
    ],
  });
  assert.deepEqual(web.start.argv, ['sh', '-c', 'node server.js']);
  assert.equal(api.healthPath, '/healthz');
  assert.deepEqual(web.dependsOn, ['api']);
  assert.equal(api.dependsOn, undefined);
  // ui is consumed from dist/: built first; util from source: not built
  assert.deepEqual(
    web.build.map((b) => [b.argv.join(' '), b.cwd]),
    [['npm run build', 'packages/ui']],
  );
  assert.deepEqual(web.runtime, {
    tool: 'node',
    wanted: '>=20',
    source: 'package.json engines.node',
  });
  assert.ok(web.evidence.includes('package.json workspaces: apps/*, packages/*'));
  assert.ok(web.evidence.includes('libraries (not services): packages/ui, packages/util'));
});

test('next in a hoisted npm workspace uses the root bin; nested by the lock, its own', async () => {
  const next = {
    scripts: { build: 'next build', start: 'next start' },
    dependencies: { next: '14' },
  };
  const files = {
    'package.json': { workspaces: { packages: ['apps/*'] } },
    'apps/site/package.json': next,
    'apps/docs/package.json': next,
  };
  const hoisted = byName(await planFixture({ ...files, 'package-lock.json': '{"packages":{}}' }));
  assert.deepEqual(hoisted.site?.start.argv.slice(0, 2), ['../../node_modules/.bin/next', 'start']);
  assert.deepEqual(
    hoisted.site?.build.map((b) => [b.argv.join(' '), b.cwd]),
    [['npm run build', 'apps/site']],
  );
  assert.deepEqual(hoisted.site?.env, { ...ALLOW_INSTALL_SCRIPTS, NODE_ENV: 'production' });
  assert.deepEqual(hoisted.site?.install?.steps[0]?.env, { NODE_ENV: 'development' });
  const nested = byName(
    await planFixture({
      ...files,
      'package-lock.json': JSON.stringify({ packages: { 'apps/docs/node_modules/next': {} } }),
    }),
  );
  assert.equal(nested.docs?.start.argv[0], 'node_modules/.bin/next');
  assert.equal(nested.site?.start.argv[0], '../../node_modules/.bin/next');
});

test('pnpm-workspace.yaml with turbo: pnpm install at the root, per-package bins, vite app needs index.html', async () => {
  const plan = await planFixture({
    'package.json': { name: 'root', devDependencies: { turbo: '2' }, packageManager: 'pnpm@9.0.0' },
    'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
    'pnpm-lock.yaml': 'lockfileVersion: 9\n',
    'turbo.json': '{}',
    'apps/dash/package.json': {
      scripts: { dev: 'vite', build: 'vite build' },
      devDependencies: { vite: '5' },
    },
    'apps/dash/index.html': '<div id=app></div>',
    'packages/widgets/package.json': {
      scripts: { build: 'vite build' },
      devDependencies: { vite: '5' },
    },
  });
  assert.deepEqual(
    plan.services.map((s) => s.name),
    ['dash'],
  );
  const dash = plan.services[0];
  assert.deepEqual(dash?.start.argv.slice(0, 2), ['node_modules/.bin/vite', 'preview']);
  assert.deepEqual(dash?.install?.steps[0]?.argv, ['pnpm', 'install', '--frozen-lockfile']);
  assert.deepEqual(dash?.install?.manifests.slice(0, 3), [
    'package.json',
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
  ]);
  assert.ok(dash?.evidence.includes('turbo monorepo (turbo.json)'));
});

test('nx without declared workspaces: apps/* by convention; nestjs start:prod', async () => {
  const plan = await planFixture({
    'package.json': { name: 'root' },
    'nx.json': '{}',
    'apps/api/package.json': {
      scripts: { build: 'nest build', start: 'nest start', 'start:prod': 'node dist/main' },
      dependencies: { '@nestjs/core': '10' },
    },
  });
  const api = plan.services[0];
  assert.equal(api?.name, 'api');
  assert.deepEqual(api?.start.argv, ['sh', '-c', 'node dist/main']);
  assert.equal(api?.start.env['npm_lifecycle_event'], 'start:prod');
  assert.deepEqual(
    api?.build.map((b) => b.argv.join(' ')),
    ['npm run build'],
  );
  assert.ok(
    api?.evidence.includes('no workspaces declared: looking in apps/*, packages/*, libs/*'),
  );
});

test('no workspace package starts: the root package is planned instead', async () => {
  const plan = await planFixture({
    'package.json': {
      workspaces: ['packages/*'],
      scripts: { start: 'node index.js' },
      dependencies: { a: '1' },
    },
    'packages/lib/package.json': { main: 'index.js' },
    'packages/lib/index.js': '',
  });
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.root]),
    [['web', '.']],
  );
  assert.ok(plan.warnings.some((w) => w.startsWith('no workspace package has a start script')));
});

test('malformed workspace package.json: warned and skipped', async () => {
  const plan = await planFixture({
    'package.json': { workspaces: ['apps/*'] },
    'apps/bad/package.json': '{ nope',
    'apps/ok/package.json': { scripts: { start: 'node a.js' } },
  });
  assert.deepEqual(
    plan.services.map((s) => s.name),
    ['ok'],
  );
  assert.ok(plan.warnings.some((w) => w.startsWith('workspace package apps/bad skipped')));
});

test('service names: folder name, the whole path when two share one', () => {
  assert.deepEqual(
    Object.fromEntries(serviceNames(['apps/api', 'packages/api', 'apps/Web_App', 'apps/@x'])),
    {
      'apps/api': 'apps-api',
      'packages/api': 'packages-api',
      'apps/Web_App': 'web_app',
      'apps/@x': 'x',
    },
  );
});
