import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ServiceSpec } from '../../model/plan.js';
import { onlyService, planWith, type Tree } from '../temp-tree.test-kit.js';
import { staticProvider } from './index.js';

/** The one service the static provider plans for `files`; null when detect declines. */
async function planFixture(files: Tree): Promise<ServiceSpec | null> {
  const plan = await planWith(staticProvider, files);
  return plan && onlyService(plan);
}

const page = '<!doctype html><link rel="stylesheet" href="style.css"><h1>Hi</h1>';
const app =
  '<!doctype html><div id="root"></div><script type="module" src="/assets/main.js"></script>';
const serve = (dir: string, ...extra: string[]) => [
  '{repo-runner-static}',
  dir,
  '--port',
  '{port}',
  '--host',
  '{host}',
  ...extra,
];

test('index.html at the root: serve the root, no install, no build', async () => {
  const s = await planFixture({ 'index.html': page, 'style.css': 'h1{}' });
  assert.ok(s);
  assert.equal(s.provider, 'static');
  assert.equal(s.name, 'web');
  assert.deepEqual(s.start.argv, serve('.'));
  assert.equal(s.install, null);
  assert.deepEqual(s.build, []);
  assert.equal(s.healthPath, '/');
});

test('public/ and dist/ are found when the root has no index.html; root wins over them', async () => {
  assert.deepEqual((await planFixture({ 'public/index.html': page }))?.start.argv, serve('public'));
  assert.deepEqual((await planFixture({ 'dist/index.html': page }))?.start.argv, serve('dist'));
  assert.deepEqual((await planFixture({ '_site/index.html': page }))?.start.argv, serve('_site'));
  const both = await planFixture({ 'index.html': page, 'dist/index.html': page });
  assert.deepEqual(both?.start.argv, serve('.'));
});

test('--spa when index.html loads a script and there is no 404.html or other page', async () => {
  assert.deepEqual(
    (await planFixture({ 'dist/index.html': app }))?.start.argv,
    serve('dist', '--spa'),
  );
  const with404 = await planFixture({ 'dist/index.html': app, 'dist/404.html': page });
  assert.deepEqual(with404?.start.argv, serve('dist'));
  const multiPage = await planFixture({ 'index.html': app, 'about.html': page });
  assert.deepEqual(multiPage?.start.argv, serve('.'));
});

test('declines repositories of other ecosystems and repositories without index.html', async () => {
  assert.equal(await planFixture({ 'index.html': page, 'requirements.txt': 'flask' }), null);
  assert.equal(await planFixture({ 'index.html': page, 'go.mod': 'module x' }), null);
  assert.equal(await planFixture({ 'public/index.html': page, 'public/index.php': '<?php' }), null);
  assert.equal(await planFixture({ 'README.md': '# x' }), null);
});

test('package.json with a start command is left to the Node provider', async () => {
  const files = { 'index.html': page, 'package.json': { scripts: { start: 'node s.js' } } };
  assert.equal(await planFixture(files), null);
  assert.equal(await planFixture({ 'index.html': page, 'package.json': { name: 'x' } }), null);
  const withMain = { main: 'lib.js', scripts: { build: 'webpack' } };
  assert.equal(await planFixture({ 'package.json': withMain, 'lib.js': '' }), null);
  const vite = { scripts: { build: 'vite build' }, devDependencies: { vite: '5' } };
  assert.equal(await planFixture({ 'package.json': vite }), null, 'vite preview is Node’s');
  assert.equal(await planFixture({ 'package.json': '{ not json' }), null);
});

test('package.json with only a build script writing dist/: install, build, serve dist', async () => {
  const s = await planFixture({
    'package.json': {
      scripts: { build: 'webpack --mode production' },
      devDependencies: { webpack: '5' },
    },
    'package-lock.json': '{}',
    'src/index.html': app,
  });
  assert.ok(s);
  assert.deepEqual(s.install?.steps[0]?.argv, ['npm', 'ci', '--no-audit', '--no-fund']);
  assert.deepEqual(s.install?.manifests, ['package.json', 'package-lock.json']);
  assert.deepEqual(
    s.build.map((b) => b.argv),
    [['npm', 'run', 'build']],
  );
  assert.deepEqual(s.start.argv, serve('dist', '--spa'));
  const pnpm = await planFixture({
    'package.json': { scripts: { build: 'esbuild src/a.js --bundle --outdir=dist' } },
    'pnpm-lock.yaml': '',
    'index.html': page,
  });
  assert.deepEqual(pnpm?.build[0]?.argv, ['pnpm', 'run', 'build']);
  assert.equal(pnpm?.install, null, 'no dependencies declared: nothing to install');
  assert.deepEqual(pnpm?.start.argv, serve('dist'));
  const tsc = { scripts: { build: 'tsc' }, devDependencies: { typescript: '5' } };
  assert.equal(await planFixture({ 'package.json': tsc, 'index.html': page }), null);
});

test("a bundler's index.html template (Vue CLI, Create React App) is not a site; vue-cli-service build is built and dist/ served", async () => {
  const template =
    '<!DOCTYPE html><link rel="icon" href="<%= BASE_URL %>favicon.ico"><div id="app"></div>';
  assert.equal(await planFixture({ 'public/index.html': template }), null);
  assert.equal(
    await planFixture({ 'public/index.html': '<link href="%PUBLIC_URL%/favicon.ico">' }),
    null,
  );
  const vue = await planFixture({
    'package.json': JSON.stringify({
      scripts: { build: 'cross-env BABEL_ENV=dev vue-cli-service build' },
      devDependencies: { '@vue/cli-service': '^3' },
    }),
    'public/index.html': template,
    'yarn.lock': '# yarn lockfile v1\n',
  });
  // Yarn is provisioned when the machine lacks it, as for any Node service.
  assert.equal(vue?.packageManager?.name, 'yarn');
  assert.deepEqual(
    vue?.build.map((b) => b.argv.join(' ')),
    ['yarn run build'],
  );
  assert.equal(vue?.start.argv[1], 'dist');
  // Its dependencies' install scripts run (node-sass, esbuild), as for any Node service.
  assert.equal(vue?.env['npm_config_dangerously_allow_all_scripts'], 'true');
});
