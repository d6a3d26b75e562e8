import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setupAgent } from '../agents/setup-agent.js';
import { classifyRunFailure } from '../fixer/classify-run.js';
import { RepoRunnerError, StepFailedError } from '../model/errors.js';
import type { ServiceSpec } from '../model/plan.js';
import { openSqliteStore } from '../store/sqlite.js';
import { executePipeline } from './pipeline.js';
import { createRunContext } from './run-context.js';
import { RESULTS, fakeAgents } from './agents.test-kit.js';

// Failures as data (issue 10 item 1), end to end: a real build step whose program does not
// exist fails with spawn ENOENT, and the run's report and fix attempts are classified by the
// result-stage rule reading that ProcessResult, not by parsing the error's message.

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-failures-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A Python service whose build step runs gunicorn, which is nowhere on the run's PATH. */
function service(repoPath: string): ServiceSpec {
  return {
    name: 'web',
    provider: 'python',
    framework: 'flask',
    root: '.',
    protocol: 'http',
    install: { isolation: 'venv', dir: '.venv', manifests: [], steps: [] },
    build: [
      {
        argv: ['gunicorn', '--check-config', 'app:app'],
        cwd: '.',
        env: {},
        description: 'check the app config',
      },
    ],
    start: { argv: ['python', 'app.py'], cwd: '.', env: {}, description: 'start' },
    healthPath: null,
    env: {},
    evidence: [repoPath],
  };
}

describe('failures as data', () => {
  it('a step that cannot spawn (ENOENT) is classified from its ProcessResult in the report and the fixes', async () => {
    const store = await openSqliteStore(':memory:');
    const runId = 'run-enoent';
    const runDir = path.join(tmp, runId);
    const repoPath = path.join(tmp, 'repo');
    const emptyBin = path.join(tmp, 'empty-bin');
    mkdirSync(repoPath, { recursive: true });
    mkdirSync(emptyBin, { recursive: true });
    await store.createRun({ id: runId, source: repoPath, options: {} });
    const ctx = createRunContext({
      runId,
      source: repoPath,
      home: tmp,
      runDir,
      store,
      // No model configured (no model fixes), and a PATH on which gunicorn cannot be found.
      env: { PATH: emptyBin },
    });
    const fakes = fakeAgents(new Map(), {
      workspace: () => ({ repoPath, kind: 'local', commit: null }),
      plan: () => ({ ...structuredClone(RESULTS.plan), services: [service(repoPath)] }),
    });
    const agents = fakes.map((a) => (a.phase === 'build' ? setupAgent : a));
    try {
      const report = await executePipeline(ctx, agents);

      // The user-facing error is unchanged: its code, wording and exit code.
      assert.equal(report.status, 'failed');
      assert.equal(report.error?.code, 'TOOLCHAIN_MISSING');
      assert.match(report.error?.message ?? '', /^gunicorn is not installed/);

      // The cause comes from process/spawn-not-found: its evidence is the spawn error itself.
      assert.equal(report.cause?.class, 'command-not-found');
      assert.equal(report.cause?.phase, 'build');
      assert.equal(report.cause?.service, 'web');
      assert.match(report.cause?.evidence ?? '', /spawn gunicorn ENOENT/);

      // The FixerAgent saw the same class and tried the catalogue's fix (install gunicorn
      // into the venv); that fix's own step failed (no venv here) and is an error outcome.
      const fixes = report.fixes ?? [];
      assert.ok(fixes.length >= 1, JSON.stringify(fixes));
      assert.equal(fixes[0]?.class, 'command-not-found');
      assert.equal(fixes[0]?.phase, 'build');
      assert.deepEqual(fixes[0]?.action, {
        kind: 'add-package',
        service: 'web',
        ecosystem: 'python',
        name: 'gunicorn',
      });
      assert.equal(fixes[0]?.outcome, 'error');
      assert.match(fixes[0]?.detail ?? '', /install gunicorn failed \(spawn .*ENOENT\)/);
    } finally {
      await store.close();
    }
  });

  it('the step error carries the result and log; its message alone does not classify the same', async () => {
    const store = await openSqliteStore(':memory:');
    const runId = 'run-step';
    const repoPath = path.join(tmp, 'repo2');
    mkdirSync(repoPath, { recursive: true });
    await store.createRun({ id: runId, source: repoPath, options: {} });
    const ctx = createRunContext({
      runId,
      source: repoPath,
      home: tmp,
      runDir: path.join(tmp, runId),
      store,
      state: {
        workspace: { repoPath, kind: 'local', commit: null },
        plan: { ecosystems: ['python'], services: [service(repoPath)], warnings: [] },
      },
      env: { PATH: path.join(tmp, 'empty-bin') },
    });
    try {
      const error = await setupAgent.run(ctx).then(
        () => assert.fail('the build should fail'),
        (err: unknown) => err,
      );
      assert.ok(error instanceof StepFailedError);
      assert.equal(error.result.exitCode, null);
      assert.match(error.result.spawnError ?? '', /ENOENT/);
      assert.equal(error.logFile, path.join(ctx.runDir, 'logs', 'build-web.log'));
      assert.equal(error.service, 'web');

      const fromResult = classifyRunFailure(ctx.state, 'build', error);
      assert.equal(fromResult.class, 'command-not-found');
      assert.deepEqual(fromResult.details, { command: 'gunicorn' });
      // The same words without the data: the old path, which never reached the result rule.
      const textOnly = new RepoRunnerError(error.code, error.message, error.hint);
      assert.notEqual(classifyRunFailure(ctx.state, 'build', textOnly).class, 'command-not-found');
    } finally {
      await ctx.bus.flush();
      await store.close();
    }
  });
});
