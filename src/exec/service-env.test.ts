import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ServiceSpec } from '../model/plan.js';
import { serviceEnv } from './service-env.js';

const web: ServiceSpec = {
  name: 'web',
  provider: 'python',
  framework: null,
  root: '.',
  protocol: 'http',
  install: null,
  build: [],
  start: { argv: ['python', 'app.py'], cwd: '.', env: {}, description: 'python' },
  healthPath: null,
  env: {},
  evidence: [],
};

it("keeps the store's database URL away from the app's commands", () => {
  const env = serviceEnv(
    { PATH: '/usr/bin', HOME: '/home/u', REPO_RUNNER_DATABASE_URL: 'postgresql://rr:pw@db/rr' },
    '/repo',
    web,
  );
  assert.equal(env.REPO_RUNNER_DATABASE_URL, undefined);
  assert.equal(env.HOME, '/home/u');
});
