import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunPlan } from '../model/plan.js';
import { withTree, type Tree } from './temp-tree.test-kit.js';
import { detectPlan } from './registry.js';

/** Plans a small repository of `files` with the whole registry. */
const planFixture = (files: Tree): Promise<RunPlan> => withTree(files, (repo) => detectPlan(repo));

const flask = {
  'requirements.txt': 'flask\n',
  'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
};

test('an app only in a subfolder is planned there, named after the folder, paths rebased', async () => {
  const plan = await planFixture({
    'README.md': '# x',
    'docs/package.json': '{"scripts":{"start":"node x.js"}}',
    ...Object.fromEntries(Object.entries(flask).map(([k, v]) => [`backend/${k}`, v])),
  });
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.root]),
    [['backend', 'backend']],
  );
  const s = plan.services[0]!;
  assert.equal(s.start.cwd, 'backend');
  assert.equal(s.install?.dir, 'backend/.venv');
  assert.deepEqual(s.install?.manifests, ['backend/requirements.txt']);
});

test('a root app plus a role-named folder: both, and a URL reference orders them', async () => {
  const plan = await planFixture({
    ...flask,
    'frontend/package.json': '{"scripts":{"start":"node server.js"}}',
    'frontend/server.js': 'fetch(process.env.WEB_URL)\n',
    'examples/package.json': '{"scripts":{"start":"node ex.js"}}',
  });
  assert.deepEqual(
    plan.services.map((s) => s.name),
    ['web', 'frontend'],
  );
  assert.deepEqual(plan.services[1]?.dependsOn, ['web']);
});

test('a folder a root service uses (a document root) is not an app of its own', async () => {
  const plan = await planFixture({
    'composer.json': '{}',
    'web/index.php': '<?php echo 1;',
    Procfile: 'web: heroku-php-apache2 web/\n',
  });
  assert.deepEqual(
    plan.services.map((s) => s.name),
    ['web'],
  );
  assert.deepEqual(plan.services[0]?.start.argv, ['sh', '-c', 'php -S 127.0.0.1:$PORT -t web/']);
});

test('a Procfile replaces the root service: web with a port, workers without, release skipped', async () => {
  const plan = await planFixture({
    ...flask,
    Procfile: 'web: gunicorn app:app\nworker: python w.py\nrelease: ./migrate\n',
  });
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.protocol]),
    [
      ['web', 'http'],
      ['worker', 'none'],
    ],
  );
  assert.equal(
    plan.services[1]?.install?.steps[0]?.argv.join(' '),
    plan.services[0]?.install?.steps[0]?.argv.join(' '),
  );
  assert.match(plan.warnings.join('\n'), /release: "\.\/migrate" is a one-off process/);
});

test('a hard-coded port becomes the preferred port; a devcontainer adds postCreateCommand and forwardPorts', async () => {
  const fixed = await planFixture({
    'package.json': '{"scripts":{"start":"node s.js"}}',
    's.js': "require('http').createServer().listen(4500)\n",
  });
  assert.equal(fixed.services[0]?.preferredPort, 4500);
  const reads = await planFixture({
    'package.json': '{"scripts":{"start":"node s.js"}}',
    's.js': 'server.listen(process.env.PORT || 4500)\n',
  });
  assert.equal(
    reads.services[0]?.preferredPort,
    undefined,
    'an app that reads PORT has nothing fixed',
  );
  const dev = await planFixture({
    'package.json': '{"scripts":{"start":"node s.js"}}',
    's.js': 'listen(process.env.PORT)\n',
    '.devcontainer/devcontainer.json':
      '// c\n{ "postCreateCommand": ["npm", "run", "seed"], "forwardPorts": ["localhost:8123"], }',
  });
  const s = dev.services[0]!;
  assert.equal(s.preferredPort, 8123);
  assert.deepEqual(s.install?.steps.at(-1)?.argv, ['npm', 'run', 'seed']);
  assert.equal(s.install?.steps.at(-1)?.optional, true);
});
