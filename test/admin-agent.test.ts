import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, copyFixture, parseJson, tempDir } from './helpers.js';

/** Custom agents from Admin Agent specs, on real runs through the CLI (issue #14). */
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
