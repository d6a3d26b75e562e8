import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunPlan } from '../model/plan.js';
import { withTree, type Tree } from './temp-tree.test-kit.js';
import { LOOKED_FOR, PROVIDER_MARKERS } from './markers.js';
import { PROVIDERS, detectPlan } from './registry.js';

/** Plans a small repository of `files` with the whole registry. */
const planFixture = (files: Tree): Promise<RunPlan> => withTree(files, (repo) => detectPlan(repo));

test('providers are ordered python, node, the compiled ones, static last', () => {
  assert.deepEqual(
    PROVIDERS.map((p) => p.name),
    ['python', 'node', 'go', 'rust', 'java', 'php', 'static'],
  );
  assert.ok(LOOKED_FOR.includes('package.json'));
});

test('every provider has markers, and the "nothing to run" list names each of them', () => {
  assert.deepEqual(
    Object.keys(PROVIDER_MARKERS),
    PROVIDERS.map((p) => p.name),
  );
  for (const file of ['manage.py', 'app.py', 'main.py', 'web/index.php', 'index.html'])
    assert.ok(LOOKED_FOR.includes(file), file);
});

test('python and node in one repo: both services, the second renamed web-node', async () => {
  const plan = await planFixture({
    'requirements.txt': 'flask\n',
    'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    'package.json': JSON.stringify({
      scripts: { start: 'node server.js' },
      dependencies: { express: '4' },
    }),
  });
  assert.deepEqual(plan.ecosystems, ['python', 'node']);
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.provider, s.framework]),
    [
      ['web', 'python', 'flask'],
      ['web-node', 'node', 'express'],
    ],
  );
});

test('a provider that throws is recorded as a warning and skipped', async () => {
  const plan = await planFixture({
    'package.json': '{ not json',
    'main.py': 'print("hi")\n',
  });
  assert.deepEqual(plan.ecosystems, ['python', 'node']);
  assert.deepEqual(
    plan.services.map((s) => s.name),
    ['web'],
  );
  assert.equal(plan.services[0]?.provider, 'python');
  assert.ok(
    plan.warnings.some((w) =>
      w.startsWith('node provider skipped: plan failed: package.json is not valid JSON'),
    ),
    plan.warnings.join('\n'),
  );
});

test('nothing found: no services, unsupported ecosystems hinted', async () => {
  const plan = await planFixture({
    Gemfile: "source 'https://rubygems.org'\n",
    'mix.exs': 'defmodule X.MixProject do\nend\n',
  });
  assert.deepEqual(plan.services, []);
  assert.deepEqual(plan.ecosystems, []);
  assert.deepEqual(plan.warnings, [
    'found Gemfile: Ruby is not supported yet',
    'found mix.exs: Elixir is not supported yet',
  ]);
});
