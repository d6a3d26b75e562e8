import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OverridesSchema, applyOverrides, describeIssues } from './overrides.js';
import type { RunPlan, ServiceSpec } from './plan.js';

const web: ServiceSpec = {
  name: 'web',
  provider: 'python',
  framework: 'flask',
  root: '.',
  protocol: 'http',
  install: {
    isolation: 'venv',
    dir: '.venv',
    manifests: ['requirements.txt'],
    steps: [{ argv: ['pip', 'install'], cwd: '.', env: {}, description: 'install' }],
  },
  build: [],
  start: { argv: ['gunicorn', 'app:app'], cwd: '.', env: {}, description: 'gunicorn' },
  healthPath: null,
  env: { A: '1' },
  evidence: [],
};
const plan: RunPlan = { ecosystems: ['python'], services: [web], warnings: [] };

test('top-level fields apply to every service; named ones win; env merges', () => {
  const out = applyOverrides(
    plan,
    OverridesSchema.parse({
      start: 'python app.py',
      env: { B: '2' },
      services: { web: { port: 8080, health_path: '/ping' } },
    }),
  );
  const s = out.services[0]!;
  assert.deepEqual(s.start.argv, ['sh', '-c', 'python app.py']);
  assert.deepEqual(s.env, { A: '1', B: '2' });
  assert.equal(s.preferredPort, 8080);
  assert.equal(s.healthPath, '/ping');
  assert.deepEqual(s.install, web.install, 'install untouched');
});

test('an install override keeps the isolation and the manifests, replaces the steps', () => {
  const s = applyOverrides(
    plan,
    OverridesSchema.parse({ install: ['pip install -r req.txt', 'echo done'] }),
  ).services[0]!;
  assert.equal(s.install?.isolation, 'venv');
  assert.deepEqual(s.install?.manifests, ['requirements.txt']);
  assert.deepEqual(
    s.install?.steps.map((c) => c.argv[2]),
    ['pip install -r req.txt', 'echo done'],
  );
});

test('a named service with a start that was not detected is added; without a start it is a warning', () => {
  const out = applyOverrides(
    plan,
    OverridesSchema.parse({
      services: {
        worker: { start: 'python worker.py', protocol: 'none', root: 'jobs' },
        ghost: { port: 1234 },
      },
    }),
  );
  assert.deepEqual(
    out.services.map((s) => s.name),
    ['web', 'worker'],
  );
  assert.equal(out.services[1]?.root, 'jobs');
  assert.equal(out.services[1]?.start.cwd, 'jobs');
  assert.equal(out.services[1]?.protocol, 'none');
  assert.match(out.warnings.join('\n'), /"ghost", which was not detected/);
});

test('skip_agents is carried on the plan; unknown agents and fields are refused with their path', () => {
  assert.deepEqual(
    applyOverrides(plan, OverridesSchema.parse({ skip_agents: ['SetupAgent'] })).skipAgents,
    ['SetupAgent'],
  );
  const bad = OverridesSchema.safeParse({
    skip_agents: ['HealthAgent'],
    services: { web: { port: 70000, colour: 'red' } },
    stat: 1,
  });
  assert.equal(bad.success, false);
  const text = describeIssues(bad.error!);
  assert.match(text, /skip_agents\.0/);
  assert.match(text, /services\.web\.port/);
  assert.match(text, /services\.web: .*colour/);
  assert.match(text, /stat/);
});

test("the seeds' configuration keys are accepted", () => {
  assert.equal(
    OverridesSchema.safeParse({
      model_tier: 'balanced',
      log_level: 'INFO',
      environment: 'detect',
      faiss: { use_faiss: null },
      skip_agents: [],
    }).success,
    true,
  );
});

test('the faiss block sets the context index, and a wrong value names its field', () => {
  const out = applyOverrides(
    plan,
    OverridesSchema.parse({ faiss: { use_faiss: false, sentence_transformer_model: 'm' } }),
  );
  assert.deepEqual(out.index, { useFaiss: false, model: 'm' });
  assert.equal(applyOverrides(plan, OverridesSchema.parse({})).index, undefined);
  const bad = OverridesSchema.safeParse({ faiss: { use_faiss: 'yes' } });
  assert.equal(bad.success, false);
  assert.match(describeIssues(bad.error!), /^faiss\.use_faiss: /);
});
