import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ServiceSpec } from '../../model/plan.js';
import { onlyService, planWith, type Tree } from '../temp-tree.test-kit.js';
import type { ProviderPlan } from '../types.js';
import { isPlatformPackage } from './composer-json.js';
import { phpProvider } from './index.js';

const planFixture = (files: Tree) => planWith(phpProvider, files);

function only(plan: ProviderPlan | null): ServiceSpec {
  assert.ok(plan, 'php provider should detect the fixture');
  return onlyService(plan);
}

test('plain index.php at the root: php -S with the root as docroot, no install', async () => {
  const s = only(await planFixture({ 'index.php': '<?php echo "hi";' }));
  assert.equal(s.provider, 'php');
  assert.deepEqual(s.start.argv, ['php', '-S', '{host}:{port}', '-t', '.']);
  assert.equal(s.install, null);
  assert.equal(s.framework, null);
  assert.equal(s.runtime, undefined);
});

test('public/index.php: public/ is the docroot; composer require installs with composer', async () => {
  const s = only(
    await planFixture({
      'public/index.php': "<?php if ($path === '/healthz') {}",
      'composer.json': { require: { php: '>=8.1', 'ext-json': '*', 'slim/slim': '^4' } },
      'composer.lock': '{}',
    }),
  );
  assert.deepEqual(s.start.argv, ['php', '-S', '{host}:{port}', '-t', 'public']);
  assert.equal(s.healthPath, '/healthz');
  assert.deepEqual(s.install, {
    isolation: 'toolchain-cache',
    dir: '.',
    manifests: ['composer.json', 'composer.lock'],
    steps: [
      {
        argv: ['composer', 'install', '--no-interaction', '--no-dev'],
        cwd: '.',
        env: {},
        description: 'install dependencies with composer',
      },
    ],
  });
  assert.deepEqual(s.runtime, { tool: 'php', wanted: '>=8.1', source: 'composer.json' });
});

test('composer.json requiring only php and extensions installs nothing, unless it autoloads', async () => {
  const platformOnly = { require: { php: '^8.2', 'ext-mbstring': '*' } };
  const s = only(await planFixture({ 'index.php': '<?php', 'composer.json': platformOnly }));
  assert.equal(s.install, null);
  const autoload = { ...platformOnly, autoload: { 'psr-4': { 'App\\': 'src/' } } };
  const t = only(await planFixture({ 'index.php': '<?php', 'composer.json': autoload }));
  assert.deepEqual(t.install?.manifests, ['composer.json']);
  assert.equal(isPlatformPackage('composer-runtime-api'), true);
  assert.equal(isPlatformPackage('laravel/framework'), false);
});

test('Laravel: php artisan serve, /up health route, warning without .env', async () => {
  const plan = await planFixture({
    artisan: '#!/usr/bin/env php\n<?php',
    'public/index.php': '<?php',
    'bootstrap/app.php': "->withRouting(web: __DIR__.'/../routes/web.php', health: '/up')",
    'composer.json': { require: { php: '^8.2', 'laravel/framework': '^11.0' } },
  });
  const s = only(plan);
  assert.equal(s.framework, 'laravel');
  assert.deepEqual(s.start.argv, ['php', 'artisan', 'serve', '--host={host}', '--port={port}']);
  assert.equal(s.healthPath, '/up');
  assert.deepEqual(s.install?.steps[0]?.argv, [
    'composer',
    'install',
    '--no-interaction',
    '--no-dev',
  ]);
  assert.match(plan?.warnings.join('\n') ?? '', /\.env/);
  const withEnv = await planFixture({
    artisan: '<?php',
    '.env': 'APP_KEY=base64:x',
    'composer.json': { require: { 'laravel/framework': '^11.0' } },
  });
  assert.deepEqual(withEnv?.warnings, []);
});

test('composer.json without an entry point: no service; no PHP files: not detected', async () => {
  const plan = await planFixture({ 'composer.json': { require: { 'monolog/monolog': '^3' } } });
  assert.equal(plan?.services.length, 0);
  assert.match(plan?.warnings[0] ?? '', /nothing to serve/);
  assert.equal(await planFixture({ 'index.html': '<h1>x</h1>' }), null);
  await assert.rejects(
    planFixture({ 'composer.json': { require: ['not', 'a', 'map'] } }),
    /unexpected shape/,
  );
});
