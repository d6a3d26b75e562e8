import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyService, planDetected, type Tree } from '../temp-tree.test-kit.js';
import { ALLOW_INSTALL_SCRIPTS, nodeProvider } from './index.js';

const planFixture = (files: Tree) => planDetected(nodeProvider, files);
const only = onlyService;

test('start script with npm lock: npm ci, the script run directly, health route from the script file', async () => {
  const service = only(
    await planFixture({
      'package.json': {
        name: 'shop',
        version: '1.2.3',
        scripts: { start: 'node server.js' },
        dependencies: { express: '^4' },
      },
      'package-lock.json': '{}',
      'server.js': "app.get('/health', (req, res) => res.send('ok'));\n",
    }),
  );
  assert.equal(service.name, 'web');
  assert.equal(service.framework, 'express');
  assert.deepEqual(service.start.argv, ['sh', '-c', 'node server.js']);
  assert.deepEqual(service.start.env, {
    npm_lifecycle_event: 'start',
    npm_lifecycle_script: 'node server.js',
    npm_package_name: 'shop',
    npm_package_version: '1.2.3',
  });
  assert.deepEqual(service.install?.steps[0]?.argv, ['npm', 'ci', '--no-audit', '--no-fund']);
  assert.deepEqual(service.install?.manifests, ['package.json', 'package-lock.json']);
  assert.equal(service.healthPath, '/health');
  assert.deepEqual(service.build, []);
  assert.deepEqual(service.env, { ...ALLOW_INSTALL_SCRIPTS });
});

test('main only, built into dist/: node main after the build script', async () => {
  const service = only(
    await planFixture({
      'package.json': {
        main: 'dist/index.js',
        scripts: { build: 'tsc' },
        devDependencies: { typescript: '5' },
      },
    }),
  );
  assert.deepEqual(service.start.argv, ['node', 'dist/index.js']);
  assert.deepEqual(
    service.build.map((b) => b.argv),
    [['npm', 'run', 'build']],
  );
  assert.deepEqual(service.install?.steps[0]?.argv, ['npm', 'install', '--no-audit', '--no-fund']);
  assert.deepEqual(service.install?.manifests, ['package.json']);
});

test('index.js only and no dependencies: node index.js, no install', async () => {
  const service = only(
    await planFixture({
      'package.json': { name: 'x' },
      'index.js': "require('http').createServer().listen(process.env.PORT)\n",
    }),
  );
  assert.deepEqual(service.start.argv, ['node', 'index.js']);
  assert.equal(service.install, null);
  assert.equal(service.framework, null);
  assert.equal(service.healthPath, null);
});

test('next with a build script: next start with port flags, production env', async () => {
  const service = only(
    await planFixture({
      'package.json': {
        scripts: { build: 'next build', start: 'next start' },
        dependencies: { next: '14', react: '18', express: '4' },
      },
      'package-lock.json': '{}',
    }),
  );
  assert.equal(service.framework, 'next');
  assert.deepEqual(service.start.argv, [
    'node_modules/.bin/next',
    'start',
    '-p',
    '{port}',
    '-H',
    '{host}',
  ]);
  assert.deepEqual(
    service.build.map((b) => b.argv),
    [['npm', 'run', 'build']],
  );
  assert.deepEqual(service.env, { ...ALLOW_INSTALL_SCRIPTS, NODE_ENV: 'production' });
  assert.deepEqual(service.install?.steps[0]?.env, { NODE_ENV: 'development' });
});

test('vite without a start script: build then vite preview', async () => {
  const service = only(
    await planFixture({
      'package.json': {
        scripts: { dev: 'vite', build: 'vite build' },
        devDependencies: { vite: '5' },
      },
    }),
  );
  assert.equal(service.framework, 'vite');
  assert.deepEqual(service.start.argv, [
    'node_modules/.bin/vite',
    'preview',
    '--port',
    '{port}',
    '--host',
    '{host}',
    '--strictPort',
  ]);
  assert.deepEqual(
    service.build.map((b) => b.argv),
    [['npm', 'run', 'build']],
  );
  assert.deepEqual(service.env, { ...ALLOW_INSTALL_SCRIPTS });
});

test('pnpm lock with a prestart hook: pnpm install --frozen-lockfile and pnpm run start', async () => {
  const service = only(
    await planFixture({
      'package.json': {
        scripts: { prestart: 'node check.js', start: 'node app.js' },
        dependencies: { koa: '2' },
      },
      'pnpm-lock.yaml': 'lockfileVersion: 9\n',
    }),
  );
  assert.deepEqual(service.install?.steps[0]?.argv, ['pnpm', 'install', '--frozen-lockfile']);
  assert.deepEqual(service.install?.manifests, ['package.json', 'pnpm-lock.yaml']);
  assert.deepEqual(service.start.argv, ['pnpm', 'run', 'start']);
  assert.equal(service.framework, 'koa');
});

test('yarn lock: yarn install --frozen-lockfile; nestjs builds', async () => {
  const service = only(
    await planFixture({
      'package.json': {
        scripts: { build: 'nest build', start: 'node dist/main' },
        dependencies: { '@nestjs/core': '10', express: '4' },
      },
      'yarn.lock': '',
    }),
  );
  assert.deepEqual(service.install?.steps[0]?.argv, ['yarn', 'install', '--frozen-lockfile']);
  assert.equal(service.framework, 'nestjs');
  assert.deepEqual(
    service.build.map((b) => b.argv),
    [['yarn', 'run', 'build']],
  );
  // NestJS without start:prod runs its build output directly (was `sh -c <start script>`)
  assert.deepEqual(service.start.argv, ['node', 'dist/main']);
  assert.deepEqual(service.env, { ...ALLOW_INSTALL_SCRIPTS, NODE_ENV: 'production' });
});

test('packageManager field wins over a stray lock file', async () => {
  const plan = await planFixture({
    'package.json': {
      packageManager: 'pnpm@9.1.0',
      scripts: { start: 'node index.js' },
      dependencies: { a: '1' },
    },
    'package-lock.json': '{}',
  });
  const service = only(plan);
  assert.deepEqual(service.install?.steps[0]?.argv, ['pnpm', 'install']);
  assert.ok(plan.warnings.some((w) => w.includes('package-lock.json ignored')));
});

test('bun lock: warned as unsupported, npm used', async () => {
  const plan = await planFixture({
    'package.json': { scripts: { start: 'node index.js' }, dependencies: { a: '1' } },
    'bun.lockb': '',
  });
  assert.equal(only(plan).install?.steps[0]?.argv[0], 'npm');
  assert.ok(plan.warnings.some((w) => w.includes('bun is not supported')));
});

test('no runnable entry: no service and a warning', async () => {
  const plan = await planFixture({
    'package.json': { scripts: { test: 'jest' }, devDependencies: { jest: '29' } },
  });
  assert.equal(plan.services.length, 0);
  assert.match(plan.warnings.join('\n'), /package\.json has no start script, main or index\.js/);
});

test('malformed package.json: plan throws', async () => {
  await assert.rejects(
    planFixture({ 'package.json': '{ "name": ' }),
    /package\.json is not valid JSON/,
  );
  await assert.rejects(
    planFixture({ 'package.json': { scripts: ['start'] } }),
    /unexpected shape \(scripts/,
  );
});

test('two lock files without packageManager: the first (npm) wins, the other is warned about', async () => {
  const plan = await planFixture({
    'package.json': { scripts: { start: 'node index.js' }, dependencies: { a: '1' } },
    'package-lock.json': '{}',
    'yarn.lock': '',
  });
  assert.deepEqual(only(plan).install?.steps[0]?.argv, ['npm', 'ci', '--no-audit', '--no-fund']);
  assert.ok(
    plan.warnings.includes('yarn.lock ignored: package-lock.json comes first'),
    plan.warnings.join('; '),
  );
});

test('runtime: engines.node of a single package, as written', async () => {
  const service = only(
    await planFixture({
      'package.json': { scripts: { start: 'node index.js' }, engines: { node: '^20.9 || >=22' } },
      '.nvmrc': '20\n',
    }),
  );
  assert.deepEqual(service.runtime, {
    tool: 'node',
    wanted: '^20.9 || >=22',
    source: 'package.json engines.node',
  });
});

test('the package manager to provision: the exact packageManager version, else the lock file says which', async () => {
  const tool = async (files: Tree) => only(await planFixture(files)).packageManager;
  const pkg = { scripts: { start: 'node s.js' } };
  assert.deepEqual(
    await tool({ 'package.json': { ...pkg, packageManager: 'pnpm@9.12.3+sha512.abc' } }),
    { name: 'pnpm', npmPackage: 'pnpm', version: '9.12.3' },
  );
  assert.deepEqual(
    await tool({ 'package.json': pkg, 'pnpm-lock.yaml': "lockfileVersion: '6.0'\n" }),
    {
      name: 'pnpm',
      npmPackage: 'pnpm',
      version: '8',
    },
  );
  assert.deepEqual(
    await tool({ 'package.json': pkg, 'pnpm-lock.yaml': 'lockfileVersion: 5.4\n' }),
    {
      name: 'pnpm',
      npmPackage: 'pnpm',
      version: '7',
    },
  );
  assert.deepEqual(await tool({ 'package.json': pkg, 'yarn.lock': '# yarn lockfile v1\n' }), {
    name: 'yarn',
    npmPackage: 'yarn',
    version: '1',
  });
  // Yarn 2+ ("berry", its lock has __metadata) is published as @yarnpkg/cli-dist.
  assert.deepEqual(
    await tool({ 'package.json': pkg, 'yarn.lock': '__metadata:\n  version: 8\n' }),
    { name: 'yarn', npmPackage: '@yarnpkg/cli-dist', version: '4' },
  );
  assert.deepEqual(
    await tool({ 'package.json': { ...pkg, packageManager: 'yarn@3.6.4' }, 'yarn.lock': '' }),
    { name: 'yarn', npmPackage: '@yarnpkg/cli-dist', version: '3.6.4' },
  );
  assert.equal(await tool({ 'package.json': pkg, 'package-lock.json': '{}' }), undefined);
});

test("dependencies' install scripts: allowed unless package.json sets its own policy", async () => {
  const pkg = { scripts: { start: 'node s.js' } };
  const allowed = only(await planFixture({ 'package.json': pkg }));
  assert.equal(allowed.env['npm_config_dangerously_allow_all_scripts'], 'true');
  const npmPolicy = only(
    await planFixture({ 'package.json': { ...pkg, allowScripts: { sharp: true } } }),
  );
  assert.equal(npmPolicy.env['npm_config_dangerously_allow_all_scripts'], undefined);
  const pnpmPolicy = only(
    await planFixture({ 'package.json': { ...pkg, pnpm: { onlyBuiltDependencies: ['esbuild'] } } }),
  );
  assert.equal(pnpmPolicy.env['npm_config_dangerously_allow_all_builds'], undefined);
});

test('a package-lock.json resolved on more than one host installs every package from the configured registry', async () => {
  const lock = (hosts: string[]) =>
    JSON.stringify({
      lockfileVersion: 3,
      packages: Object.fromEntries(
        hosts.map((h, i) => [
          `node_modules/p${i}`,
          { version: '1.0.0', resolved: `https://${h}/p${i}/-/p${i}-1.0.0.tgz` },
        ]),
      ),
    });
  const pkg = { scripts: { start: 'node server.js' }, dependencies: { express: '^4' } };
  const mixed = await planDetected(nodeProvider, {
    'package.json': pkg,
    'package-lock.json': lock(['main.example', 'main.example', 'private.example']),
    'server.js': '',
  });
  const step = only(mixed).install?.steps[0];
  assert.equal(step?.env['npm_config_replace_registry_host'], 'always');
  assert.ok(mixed.warnings.some((w) => w.includes('main.example, private.example')));
  const single = await planDetected(nodeProvider, {
    'package.json': pkg,
    'package-lock.json': lock(['main.example', 'main.example']),
    'server.js': '',
  });
  assert.equal(only(single).install?.steps[0]?.env['npm_config_replace_registry_host'], undefined);
});
