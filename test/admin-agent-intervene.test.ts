import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { copyBrokenFixture } from './broken-corpus-lib.js';
import { cli, parseJson, tempDir } from './helpers.js';
import { openSqliteStore } from '../src/store/sqlite.js';

/** The Admin Agent's interventions and watchdog from the CLI, on a real broken fixture (issue #14). */
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
    // The run itself must have reported (not an error of Repo Runner's own).
    assert.ok(first.runId, `no report: exit ${failed.code} ${failed.stdout} ${failed.stderr}`);
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
