import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestApi, type Role } from './api-helpers.js';
import { copyBrokenFixture } from './broken-corpus-lib.js';

/** The Admin Agent over the REST API: specs, orchestrators, their tokens and interventions (issue #14). */
describe('Admin Agent over the REST API', () => {
  let t: Awaited<ReturnType<typeof makeTestApi>>;
  before(async () => {
    t = await makeTestApi();
  });
  after(async () => t?.close());
  const post = (url: string, payload: object, role: Role = 'developer') =>
    t.app.inject({ method: 'POST', url, headers: t.headers(role), payload });

  it('creates, refuses a taken name (409) and a bad spec (400, field named), nothing half-created; history, roll back', async () => {
    const spec = { name: 'ApiSmoke', phase: 'health', commands: [{ argv: ['node', '-e', '1'] }] };
    const created = await post('/api/v1/admin-agent/agents', { spec });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().createdBy, 'dev');
    const again = await post('/api/v1/admin-agent/agents', { spec });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /an agent named ApiSmoke exists/);
    const bad = await post('/api/v1/admin-agent/agents', {
      spec: { ...spec, name: 'Other', commands: [{ argv: ['sh', '-c', 'id'] }], hostNetwork: true },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /hostNetwork/);
    const shell = await post('/api/v1/admin-agent/agents', {
      spec: { ...spec, name: 'Other', commands: [{ argv: ['sh', '-c', 'id'] }] },
    });
    assert.equal(shell.statusCode, 400);
    assert.match(shell.json().error.message, /commands\.0\.argv\.0: sh is not a toolchain program/);
    const replaced = await post('/api/v1/admin-agent/agents', {
      spec: { ...spec, timeoutMs: 9000 },
      replace: true,
    });
    assert.equal(replaced.json().version, 2);
    const back = await post('/api/v1/admin-agent/agents/ApiSmoke/rollback', { version: 1 });
    assert.equal(back.statusCode, 200, back.body);
    assert.deepEqual([back.json().version, back.json().spec.timeoutMs], [3, 300_000]);
    const history = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin-agent/agents/ApiSmoke',
      headers: t.headers('developer'),
    });
    assert.deepEqual(
      history.json().versions.map((v: { change: string }) => v.change),
      ['create', 'update', 'rollback'],
    );
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin-agent/agents',
      headers: t.headers('developer'),
    });
    assert.deepEqual(
      list.json().agents.map((v: { name: string }) => v.name),
      ['ApiSmoke'],
    );
    const missing = await post('/api/v1/admin-agent/agents/Nobody/disable', {});
    assert.equal(missing.statusCode, 404);
    // An intervention: refused for an unknown or a healthy run; a failed one is queued for it.
    const none = await post('/api/v1/admin-agent/interventions', { runId: 'nope' });
    assert.equal(none.statusCode, 404);
    await t.store.createRun({ id: 'r-failed', source: `${t.root}/app`, options: { fix: false } });
    await t.store.updateRun('r-failed', { status: 'healthy' });
    assert.equal(
      (await post('/api/v1/admin-agent/interventions', { runId: 'r-failed' })).statusCode,
      409,
    );
    await t.store.updateRun('r-failed', { status: 'failed' });
    const badPolicy = await post('/api/v1/admin-agent/interventions', {
      runId: 'r-failed',
      policy: [{ strategy: 'reboot' }],
    });
    assert.equal(badPolicy.statusCode, 400);
    const queued = await post('/api/v1/admin-agent/interventions', {
      runId: 'r-failed',
      policy: [{ strategy: 'retry-with-fixes' }],
    });
    assert.equal(queued.statusCode, 202, queued.body);
    assert.equal((await t.store.getRun('r-failed'))?.status, 'queued');
    assert.deepEqual(t.queue?.jobs.at(-1), {
      runId: 'r-failed',
      kind: 'intervene',
      actorId: t.users.developer.user.id,
      policy: [{ strategy: 'retry-with-fixes' }],
    });
    // Business orchestrators: created once per name, runs started through one carry it.
    const org = await post('/api/v1/admin-agent/orchestrators', {
      name: 'acme',
      profile: { allowedEcosystems: ['node'], maxFixes: 1 },
    });
    assert.equal(org.statusCode, 201, org.body);
    assert.equal(
      (await post('/api/v1/admin-agent/orchestrators', { name: 'acme' })).statusCode,
      409,
    );
    const badOrg = await post('/api/v1/admin-agent/orchestrators', {
      name: 'beta',
      profile: { sudo: true },
    });
    assert.equal(badOrg.statusCode, 400);
    assert.match(badOrg.json().error.message, /sudo/);
    const started = await post('/api/v1/orchestrators/acme/runs', { source: 'app' });
    assert.equal(started.statusCode, 202, started.body);
    const stored = await t.store.getRun(started.json().id);
    assert.deepEqual([stored?.options.orchestrator, stored?.options.maxFixes], ['acme', 1]);
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/orchestrators/acme/runs',
      headers: t.headers('developer'),
    });
    assert.deepEqual(
      listed.json().runs.map((r: { id: string }) => r.id),
      [started.json().id],
    );
    assert.equal(
      (await post('/api/v1/orchestrators/nobody/runs', { source: 'app' })).statusCode,
      404,
    );
    // The admin (not a developer) is refused before anything is read or written.
    const admin = await post(
      '/api/v1/admin-agent/agents',
      { spec: { ...spec, name: 'ByAdmin' } },
      'admin',
    );
    assert.equal(admin.statusCode, 403);
    assert.deepEqual(await t.store.agentSpecVersions('ByAdmin'), []);
  });
});

describe('Admin Agent intervention through the API, executed by the server worker', () => {
  let t: Awaited<ReturnType<typeof makeTestApi>>;
  before(async () => {
    t = await makeTestApi({ queue: 'in-process' });
  });
  after(async () => t?.close());

  it('a failed run with fixes off is queued, resumed with fixes on, healthy and supervised', async () => {
    const repo = await copyBrokenFixture('permission-denied', t.root);
    await t.store.createRun({
      id: 'api-iv',
      source: repo,
      options: { fix: false },
      userId: t.users.developer.user.id,
    });
    await t.store.updateRun('api-iv', { status: 'failed' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin-agent/interventions',
      headers: t.headers('developer'),
      payload: { runId: 'api-iv' },
    });
    assert.equal(res.statusCode, 202, res.body);
    let run = await t.store.getRun('api-iv');
    for (let i = 0; i < 600 && run?.status !== 'healthy' && run?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await t.store.getRun('api-iv');
    }
    try {
      assert.equal(run?.status, 'healthy', JSON.stringify(run?.report).slice(0, 600));
      await t.queue?.idle?.();
      for (let i = 0; i < 50 && !(await t.store.getRun('api-iv'))?.supervisorPid; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.ok((await t.store.getRun('api-iv'))?.supervisorPid, 'handed to a supervisor');
      const lines = readFileSync(path.join(t.home, 'admin_agent_state.json'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        lines.map((l) => [l.strategy, l.status, l.by]),
        [['retry-with-fixes', 'healthy', t.users.developer.user.id]],
      );
    } finally {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/runs/api-iv/stop',
        headers: t.headers('developer'),
      });
    }
  });
});
