import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestApi, type Role } from './api-helpers.js';
import { copyBrokenFixture } from './broken-corpus-lib.js';
import { cli, copyFixture, parseJson, tempDir } from './helpers.js';
import { openSqliteStore } from '../src/store/sqlite.js';

/** A smoke request to the service once the HealthAgent found it healthy. */
const SMOKE = `
name: SmokeCheck
phase: health
commands:
  - argv: [node, -e, "fetch(process.env.REPO_RUNNER_SERVICE_URL).then(async r => { console.log('smoke', r.status, await r.text()); process.exit(r.ok ? 0 : 1) })"]
reads: [health]
timeoutMs: 30000
`;

/** Writes a file into the repository before the service starts (a seed step). */
const SEED = `
name: SeedData
kind: agent
phase: start
position: before
commands:
  - argv: [node, -e, "require('fs').writeFileSync('seeded.txt', process.env.REPO_RUNNER_RUN_ID)"]
`;

const FAILS = `
name: AlwaysFails
phase: build
commands:
  - argv: [node, -e, "console.error('seed data missing'); process.exit(3)"]
`;

describe('Admin Agent: custom agents from specs', () => {
  const tmp = tempDir('admin-agent');
  const home = path.join(tmp.dir, 'home');
  const started: string[] = [];
  after(async () => {
    for (const id of started) await cli(home, ['stop', id]);
    tmp.cleanup();
  });
  const spec = (name: string, text: string) => {
    const file = path.join(tmp.dir, `${name}.yaml`);
    writeFileSync(file, text);
    return file;
  };
  const run = async (repo: string) => {
    const out = await cli(home, ['run', repo, '--detach', '--json']);
    const report = parseJson(out);
    started.push(report.runId);
    return { out, report };
  };

  it('a spec runs in the next run at its phase and position, in the report and its state file; disabled, it is gone', async () => {
    for (const [name, text] of [
      ['smoke', SMOKE],
      ['seed', SEED],
    ] as const) {
      const created = await cli(home, [
        'admin-agent',
        'create-agent',
        '--spec',
        spec(name, text),
        '--json',
      ]);
      assert.equal(created.code, 0, created.stdout + created.stderr);
      assert.equal(parseJson(created).version, 1);
    }
    const repo = copyFixture('node-express', tmp.dir);
    const { out, report } = await run(repo);
    assert.equal(report.status, 'healthy', out.stdout + out.stderr);
    const agentsAt = (name: string) =>
      report.phases.find((p: { name: string }) => p.name === name)?.agents;
    assert.deepEqual(agentsAt('health'), ['HealthAgent', 'SmokeCheck']);
    assert.deepEqual(agentsAt('start')?.[0], 'SeedData');
    assert.equal(report.custom.SmokeCheck.status, 'done');
    assert.equal(report.custom.SmokeCheck.commands[0].exitCode, 0);
    assert.equal(report.custom.SeedData.version, 1);
    // It ran inside the run (its run id), before the service started, in the repository.
    assert.equal(readFileSync(path.join(repo, 'seeded.txt'), 'utf8'), report.runId);
    const runDir = path.join(home, 'runs', report.runId);
    assert.match(
      readFileSync(path.join(runDir, 'logs', 'agent-SmokeCheck.log'), 'utf8'),
      /smoke 200 Hello from node-express/,
    );
    const state = JSON.parse(
      readFileSync(path.join(runDir, 'agent_state_SmokeCheck.json'), 'utf8'),
    );
    assert.equal(state.phase, 'health');
    assert.equal(state.result.SmokeCheck.status, 'done');
    // The text report names it too.
    const text = await cli(home, ['status', report.runId]);
    assert.match(text.stdout + text.stderr, /SmokeCheck/);

    const off = await cli(home, ['admin-agent', 'disable-agent', 'SmokeCheck', '--json']);
    assert.equal(off.code, 0, off.stdout + off.stderr);
    assert.deepEqual([parseJson(off).version, parseJson(off).enabled], [2, false]);
    const again = await run(copyFixture('node-express', path.join(tmp.dir, 'b')));
    assert.equal(again.report.status, 'healthy');
    assert.deepEqual(
      again.report.phases.find((p: { name: string }) => p.name === 'health')?.agents,
      ['HealthAgent'],
    );
    assert.equal(again.report.custom.SmokeCheck, undefined);
    assert.equal(again.report.custom.SeedData.status, 'done');
    const list = parseJson(await cli(home, ['admin-agent', 'list-agents', '--json']));
    assert.deepEqual(
      list.map((v: { name: string; version: number; enabled: boolean }) => [
        v.name,
        v.version,
        v.enabled,
      ]),
      [
        ['SeedData', 1, true],
        ['SmokeCheck', 2, false],
      ],
    );
    // The Admin Agent's state file recorded each change.
    assert.equal(
      readFileSync(path.join(home, 'admin_agent_state.json'), 'utf8').trim().split('\n').length,
      3,
    );
    await cli(home, ['admin-agent', 'disable-agent', 'SeedData']);
  });

  it('a failing agent fails its phase with exit 18 and its log; a refused spec exits 2 and creates nothing', async () => {
    const created = await cli(home, [
      'admin-agent',
      'create-agent',
      '--spec',
      spec('fails', FAILS),
    ]);
    assert.equal(created.code, 0, created.stderr);
    const repo = copyFixture('node-express', path.join(tmp.dir, 'c'));
    const out = await cli(home, ['run', repo, '--json']);
    assert.equal(out.code, 18, out.stdout + out.stderr);
    const report = parseJson(out);
    assert.equal(report.status, 'failed');
    assert.equal(report.error.code, 'AGENT_FAILED');
    assert.match(
      report.error.message,
      /AlwaysFails step 1 failed \(exit 3\)[\s\S]*seed data missing/,
    );
    assert.match(report.error.hint, /disable-agent AlwaysFails/);
    assert.equal(
      report.phases.find((p: { name: string }) => p.name === 'start')?.status,
      'pending',
    );
    await cli(home, ['admin-agent', 'disable-agent', 'AlwaysFails']);

    const before = parseJson(await cli(home, ['admin-agent', 'list-agents', '--json'])).length;
    const bad = await cli(home, [
      'admin-agent',
      'create-agent',
      '--spec',
      spec('bad', 'name: Shell\nphase: start\ncommands: [{argv: [bash, -c, "id"]}]\n'),
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /commands\.0\.argv\.0: bash is not a toolchain program/);
    const missing = await cli(home, [
      'admin-agent',
      'create-agent',
      '--spec',
      path.join(tmp.dir, 'nope.yaml'),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /is not a file/);
    assert.equal(
      parseJson(await cli(home, ['admin-agent', 'list-agents', '--json'])).length,
      before,
    );
    assert.ok(!existsSync(path.join(repo, 'seeded.txt')));
  });
});

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

describe('Admin Agent: intervention in a failed run', () => {
  const tmp = tempDir('intervene');
  const home = path.join(tmp.dir, 'home');
  let runId = '';
  after(async () => {
    if (runId) await cli(home, ['stop', runId]);
    tmp.cleanup();
  });

  it('escalates when its policy cannot help, brings the run up when fixes can, refuses a healthy run', async () => {
    const repo = await copyBrokenFixture('permission-denied', tmp.dir);
    const failed = await cli(home, ['run', repo, '--no-fix', '--json']);
    const first = parseJson(failed);
    runId = first.runId;
    assert.notEqual(first.status, 'healthy', failed.stdout);
    assert.equal(first.fixes, undefined, 'no fix was tried: --no-fix');

    // A policy of one plain resume: the same failure, so it escalates with the run's exit code.
    const policy = path.join(tmp.dir, 'resume-only.json');
    writeFileSync(policy, JSON.stringify([{ strategy: 'resume' }]));
    const esc = await cli(home, [
      'admin-agent',
      'intervene',
      '--run',
      runId,
      '--policy',
      policy,
      '--json',
    ]);
    assert.equal(esc.code, failed.code, esc.stdout + esc.stderr);
    const escalated = parseJson(esc);
    assert.equal(escalated.result, 'escalated');
    assert.deepEqual(
      escalated.attempts.map((a: { strategy: string }) => a.strategy),
      ['resume'],
    );
    assert.match(escalated.escalation.reason, /resume did not bring it up/);
    assert.equal(escalated.escalation.cause, 'permission-denied');
    assert.ok(escalated.escalation.nextStep.length > 0);

    // The default policy turns the FixerAgent on: chmod heals it, and a supervisor keeps it up.
    const out = await cli(home, ['admin-agent', 'intervene', '--run', runId, '--json']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const healed = parseJson(out);
    assert.equal(healed.result, 'healthy');
    assert.deepEqual(
      healed.attempts.map((a: { strategy: string }) => a.strategy),
      ['retry-with-fixes'],
    );
    assert.equal(healed.report.fixes[0].action.kind, 'chmod');
    assert.ok(healed.supervisorPid > 0);
    const res = await fetch(new URL('/', healed.report.services[0].url));
    assert.match(await res.text(), /Hello from permission-denied/);
    const status = parseJson(await cli(home, ['status', runId, '--json']));
    assert.equal(status.status, 'healthy');

    const lines = readFileSync(path.join(home, 'admin_agent_state.json'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.action, l.strategy ?? 'escalated', l.status ?? null]),
      [
        ['intervene', 'resume', first.status],
        ['intervene', 'escalated', null],
        ['intervene', 'retry-with-fixes', 'healthy'],
      ],
    );
    const store = await openSqliteStore(path.join(home, 'repo-runner.db'));
    try {
      const audit = await store.listAudit({ limit: 10 });
      assert.equal(audit.filter((e) => e.action === 'agent-intervene').length, 3);
      const events = await store.listEvents(runId, { kind: 'info', limit: 10_000 });
      assert.ok(events.some((e) => e.message === 'Admin Agent: retry-with-fixes → healthy'));
    } finally {
      await store.close();
    }

    const again = await cli(home, ['admin-agent', 'intervene', '--run', runId]);
    assert.equal(again.code, 16);
    assert.match(again.stderr, /is healthy: there is nothing to intervene in/);
    const bad = await cli(home, ['admin-agent', 'intervene', '--run', runId, '--policy', repo]);
    assert.equal(bad.code, 2);
  });
});

describe('Admin Agent watchdog from the CLI', () => {
  const tmp = tempDir('watch');
  const home = path.join(tmp.dir, 'home');
  const ids: string[] = [];
  after(async () => {
    for (const id of ids) await cli(home, ['stop', id]);
    tmp.cleanup();
  });

  it('watch --once leaves failures older than itself; --all takes them up and brings the run up', async () => {
    const repo = await copyBrokenFixture('permission-denied', tmp.dir);
    const failed = parseJson(await cli(home, ['run', repo, '--no-fix', '--json']));
    ids.push(failed.runId);
    const none = await cli(home, ['admin-agent', 'watch', '--once', '--json']);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout.trim(), '');
    const all = await cli(home, ['admin-agent', 'watch', '--once', '--all', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const actions = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      actions.map((a) => [a.runId, a.reason, a.action, a.outcome.result]),
      [[failed.runId, 'failed', 'intervened', 'healthy']],
    );
    assert.equal(parseJson(await cli(home, ['status', failed.runId, '--json'])).status, 'healthy');
    // The OrchestratorAgent fed both ends of the run to the Admin Agent.
    const glance = parseJson(await cli(home, ['admin-agent', 'status', '--json']));
    assert.deepEqual(glance.runsLastDay, { failed: 1, healthy: 1 });
    assert.deepEqual(
      glance.lastInterventions.map((e: { strategy: string }) => e.strategy),
      ['retry-with-fixes'],
    );
    const bad = await cli(home, ['admin-agent', 'watch', '--once', '--interval', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--interval wants a number of seconds; got soon/);
  });
});

describe('business orchestrators', () => {
  const tmp = tempDir('orchestrators');
  const home = path.join(tmp.dir, 'home');
  const ids: string[] = [];
  after(async () => {
    for (const id of ids) await cli(home, ['stop', id]);
    tmp.cleanup();
  });

  it('its policies hold: a disallowed ecosystem refused, its fix bound applied, its env and custom agents given', async () => {
    const profile = path.join(tmp.dir, 'acme.yaml');
    writeFileSync(profile, 'allowedEcosystems: [node]\nmaxFixes: 0\nenv:\n  ACME_TENANT: acme-1\n');
    const made = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'acme',
      '--profile',
      profile,
      '--json',
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.deepEqual(parseJson(made).profile.allowedEcosystems, ['node']);
    const state = JSON.parse(readFileSync(path.join(home, 'business_state_acme.json'), 'utf8'));
    assert.equal(state.name, 'acme');
    const taken = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'acme',
    ]);
    assert.equal(taken.code, 16);
    const badName = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'Acme Corp',
    ]);
    assert.equal(badName.code, 2);
    writeFileSync(path.join(tmp.dir, 'bad.yaml'), 'maxFixes: 99\nroot: true\n');
    const badProfile = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'beta',
      '--profile',
      path.join(tmp.dir, 'bad.yaml'),
    ]);
    assert.equal(badProfile.code, 2);
    assert.match(badProfile.stderr, /maxFixes/);
    assert.match(badProfile.stderr, /root/);
    assert.deepEqual(
      parseJson(await cli(home, ['admin-agent', 'list-orchestrators', '--json'])).map(
        (o: { name: string }) => o.name,
      ),
      ['acme'],
    );

    // A custom agent enabled for acme only: it prints the orchestrator's env.
    writeFileSync(
      path.join(tmp.dir, 'tenant.yaml'),
      'name: TenantCheck\nphase: health\norchestrators: [acme]\ncommands:\n  - argv: [node, -e, "console.log(\'tenant\', process.env.ACME_TENANT)"]\n',
    );
    assert.equal(
      (
        await cli(home, [
          'admin-agent',
          'create-agent',
          '--spec',
          path.join(tmp.dir, 'tenant.yaml'),
        ])
      ).code,
      0,
    );

    const python = await cli(home, [
      'run',
      copyFixture('python-flask', tmp.dir),
      '--orchestrator',
      'acme',
      '--json',
    ]);
    assert.equal(python.code, 14, python.stdout + python.stderr);
    const refused = parseJson(python);
    ids.push(refused.runId);
    assert.equal(refused.error.code, 'FORBIDDEN');
    assert.match(refused.error.message, /acme allows node; this repository needs python \(web\)/);
    assert.equal(
      refused.phases.find((p: { name: string }) => p.name === 'dependencies')?.status,
      'pending',
    );

    const broken = await cli(home, [
      'run',
      await copyBrokenFixture('permission-denied', tmp.dir),
      '--orchestrator',
      'acme',
      '--json',
    ]);
    const unfixed = parseJson(broken);
    ids.push(unfixed.runId);
    assert.notEqual(unfixed.status, 'healthy');
    assert.equal(unfixed.fixes, undefined, 'maxFixes 0: no fix tried');

    const node = await cli(home, [
      'run',
      copyFixture('node-express', tmp.dir),
      '--orchestrator',
      'acme',
      '--detach',
      '--json',
    ]);
    const ok = parseJson(node);
    ids.push(ok.runId);
    assert.equal(ok.status, 'healthy', node.stdout + node.stderr);
    assert.equal(ok.custom.TenantCheck.status, 'done');
    assert.match(
      readFileSync(path.join(home, 'runs', ok.runId, 'logs', 'agent-TenantCheck.log'), 'utf8'),
      /tenant acme-1/,
    );
    // Without the orchestrator the acme-only agent does not run.
    const plain = parseJson(
      await cli(home, [
        'run',
        copyFixture('node-express', path.join(tmp.dir, 'p')),
        '--detach',
        '--json',
      ]),
    );
    ids.push(plain.runId);
    assert.equal(plain.custom?.TenantCheck, undefined);
    assert.equal((await cli(home, ['run', '.', '--orchestrator', 'nobody'])).code, 15);
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
