import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { RepoRunnerError, UnrecoverableError } from '../model/errors.js';
import type { RunEvent } from '../model/events.js';
import { PHASES } from '../model/phases.js';
import type { Agent } from '../agents/agent.js';
import { executePipeline } from './pipeline.js';
import { createRunContext } from './run-context.js';
import { AGENT_NAMES, RESULTS, fakeAgents } from './agents.test-kit.js';
import type { RunContext } from '../model/run-context.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-pipeline-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('executePipeline', () => {
  let store: Store;
  let runs = 0;
  let runId: string;
  let runDir: string;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    runId = `run-${++runs}`;
    runDir = path.join(tmp, runId);
    await store.createRun({ id: runId, source: '/src/app', options: {} });
  });

  afterEach(async () => {
    await store.close();
  });

  function newCtx(signal = new AbortController().signal): RunContext & { events: RunEvent[] } {
    const ctx = createRunContext({ runId, source: '/src/app', home: tmp, runDir, store, signal });
    const events: RunEvent[] = [];
    ctx.bus.on('event', (e) => events.push(e));
    return Object.assign(ctx, { events });
  }

  const phaseMap = async () => new Map((await store.getPhases(runId)).map((p) => [p.name, p]));
  const readJson = (name: string) => JSON.parse(readFileSync(path.join(runDir, name), 'utf8'));

  it('runs every phase: checkpoints, state files and a healthy report with durations', async () => {
    const calls = new Map<string, number>();
    const ctx = newCtx();
    const agents = fakeAgents(calls, {
      plan: (c) => {
        c.bus.publish({ kind: 'warning', phase: 'detect', message: 'no lockfile' });
        return structuredClone(RESULTS.plan);
      },
    });
    const report = await executePipeline(ctx, agents);

    assert.equal(report.status, 'healthy');
    assert.equal(report.error, undefined);
    assert.deepEqual(report.warnings, ['no lockfile']);
    assert.deepEqual(
      report.services.map((s) => [s.name, s.port, s.url, s.health, s.pid]),
      [['web', 5001, 'http://127.0.0.1:5001/', 'healthy', 4242]],
    );
    assert.deepEqual(
      report.phases.map((p) => p.name),
      [...PHASES],
    );
    for (const p of report.phases) {
      const skipped = ['index', 'fix'].includes(p.name);
      assert.equal(p.status, skipped ? 'skipped' : 'done', p.name);
      if (!skipped) assert.equal(typeof p.durationMs, 'number', `${p.name} has a duration`);
    }
    for (const name of calls.keys()) assert.equal(calls.get(name), 1, name);
    assert.equal(calls.size, 10);

    // One checkpoint per phase that ran, holding what its agents produced.
    const checkpoints = await store.getCheckpoints(runId);
    assert.deepEqual([...checkpoints.keys()].sort(), [
      'build',
      'configure',
      'database',
      'dependencies',
      'detect',
      'env',
      'fetch',
      'health',
      'plan',
      'start',
    ]);
    assert.deepEqual(checkpoints.get('env'), { env: RESULTS.env });
    assert.deepEqual(checkpoints.get('plan'), { decided: RESULTS.decided });

    // The seeds' state files.
    const runState = readJson('run_state.json');
    assert.equal(runState.runId, runId);
    assert.equal(runState.currentPhase, 'report');
    assert.equal(runState.phaseStatus, 'healthy');
    assert.deepEqual(runState.ports, { web: 5001 });
    for (const [name] of Object.values(AGENT_NAMES)) {
      const file =
        name === 'PortsAndDatabasesPlanner'
          ? `manager_state_${name}.json`
          : `agent_state_${name}.json`;
      assert.ok(existsSync(path.join(runDir, file)), file);
    }
    assert.deepEqual(readJson('agent_state_FileAgent.json').result, RESULTS.workspace);
    assert.equal(readJson('agent_state_OrchestratorAgent.json').result.status, 'healthy');
    assert.equal(
      readJson('manager_state_OrchestratorManager.json').decisions.length,
      PHASES.length,
    );

    // The run record and the recorded events.
    const run = await store.getRun(runId);
    assert.equal(run?.status, 'healthy');
    assert.deepEqual(run?.report, report);
    const results = await store.listEvents(runId, { kind: 'result' });
    assert.deepEqual(
      results.map((e) => e.message),
      ['healthy'],
    );
    assert.equal(ctx.state.report, report);
  });

  it('stops at an UnrecoverableError: failed report with its code, no retry, later phases not run', async () => {
    const calls = new Map<string, number>();
    const agents = fakeAgents(calls, {
      installs: () => {
        throw new UnrecoverableError(
          'INSTALL_FAILED',
          'pip: no such package',
          'fix requirements.txt',
        );
      },
    });
    const started = Date.now();
    const report = await executePipeline(newCtx(), agents);
    assert.ok(Date.now() - started < 1500, 'no retry backoff');
    assert.equal(report.status, 'failed');
    assert.deepEqual(report.error, {
      code: 'INSTALL_FAILED',
      message: 'pip: no such package',
      hint: 'fix requirements.txt',
    });
    assert.equal(calls.get('DependencyAgent'), 1);
    for (const later of ['SetupAgent', 'RunnerAgent', 'HealthAgent'])
      assert.equal(calls.get(later), undefined, later);
    const phases = await phaseMap();
    assert.equal(phases.get('dependencies')?.status, 'failed');
    assert.equal(phases.get('dependencies')?.attempts, 1);
    assert.equal(phases.get('dependencies')?.error?.code, 'INSTALL_FAILED');
    assert.equal(phases.get('build'), undefined, 'build never started');
    const byName = new Map(report.phases.map((p) => [p.name, p.status]));
    assert.equal(byName.get('build'), 'pending');
    assert.equal(byName.get('report'), 'done');
    assert.equal((await store.getCheckpoints(runId)).has('dependencies'), false);
    assert.equal((await store.getRun(runId))?.status, 'failed');
    assert.equal(readJson('run_state.json').phaseStatus, 'failed');
  });

  it('retries dependencies after a plain error, by its retry policy (2 attempts)', async () => {
    const calls = new Map<string, number>();
    const ctx = newCtx();
    const agents = fakeAgents(calls, {
      installs: (_c, call) => {
        if (call === 1) throw new Error('registry timed out');
        return structuredClone(RESULTS.installs);
      },
    });
    const report = await executePipeline(ctx, agents);
    assert.equal(report.status, 'healthy');
    assert.equal(calls.get('DependencyAgent'), 2);
    const deps = (await phaseMap()).get('dependencies');
    assert.equal(deps?.status, 'done');
    assert.equal(deps?.attempts, 2);
    assert.equal(deps?.error, null, 'the first attempt’s error is cleared');
    const phaseEvents = ctx.events.filter((e) => e.kind === 'phase' && e.phase === 'dependencies');
    assert.deepEqual(
      phaseEvents.map((e) => e.data?.status),
      ['running', 'retrying', 'running', 'done'],
    );
    assert.equal(phaseEvents[1]?.data?.code, 'INTERNAL');
    assert.equal(phaseEvents[2]?.message, 'retrying (attempt 2)');
  });

  it('does not retry an interrupted phase, and marks the run interrupted', async () => {
    const calls = new Map<string, number>();
    const controller = new AbortController();
    const agents = fakeAgents(calls, {
      installs: () => {
        controller.abort();
        throw new Error('killed by SIGTERM');
      },
    });
    const started = Date.now();
    const report = await executePipeline(newCtx(controller.signal), agents);
    assert.ok(Date.now() - started < 1500, 'no retry backoff');
    assert.equal(calls.get('DependencyAgent'), 1);
    assert.equal(report.error?.code, 'INTERRUPTED');
    assert.equal(report.status, 'failed');
    assert.equal((await store.getRun(runId))?.status, 'interrupted');
  });

  it('resumes after a failed dependencies phase without redoing env, fetch and detect', async () => {
    const first = new Map<string, number>();
    const failed = await executePipeline(
      newCtx(),
      fakeAgents(first, {
        installs: () => {
          throw new UnrecoverableError('INSTALL_FAILED', 'no network');
        },
      }),
    );
    assert.equal(failed.status, 'failed');

    const second = new Map<string, number>();
    const ctx = newCtx();
    let decidedSeenByPlan: unknown;
    const report = await executePipeline(
      ctx,
      fakeAgents(second, {
        decided: (c) => {
          decidedSeenByPlan = structuredClone(c.state.decided);
          return structuredClone(RESULTS.decided);
        },
      }),
    );
    assert.equal(report.status, 'healthy');
    for (const name of ['EnvDetectorAgent', 'FileAgent', 'DetectionAgent'])
      assert.equal(second.get(name), undefined, `${name} not called again`);
    for (const name of [
      'PortsAndDatabasesPlanner',
      'DependencyAgent',
      'SetupAgent',
      'RunnerAgent',
      'HealthAgent',
    ])
      assert.equal(second.get(name), 1, `${name} ran once`);
    // Restored from the checkpoints of the first attempt.
    assert.deepEqual(ctx.state.env, RESULTS.env);
    assert.deepEqual(ctx.state.workspace, RESULTS.workspace);
    assert.deepEqual(ctx.state.plan, RESULTS.plan);
    // Plan ran again, with the ports the run had, to re-lease them.
    assert.deepEqual(decidedSeenByPlan, RESULTS.decided);
    const restored = ctx.events.filter((e) => e.data?.restored === true).map((e) => e.phase);
    assert.deepEqual(restored, ['env', 'fetch', 'detect']);
    const phases = await phaseMap();
    assert.equal(phases.get('dependencies')?.attempts, 2, 'attempts count across resumes');
    assert.equal(phases.get('dependencies')?.status, 'done');
    assert.equal(phases.get('env')?.attempts, 1);
  });

  it("a judge's error fails the phase but the result stays in the state and the report", async () => {
    const calls = new Map<string, number>();
    const ctx = newCtx();
    const unhealthy = [
      { service: 'web', health: 'unhealthy', url: null, detail: 'HTTP 500', logTail: ['boom'] },
    ];
    const report = await executePipeline(
      ctx,
      fakeAgents(
        calls,
        { health: () => structuredClone(unhealthy) },
        { health: () => new RepoRunnerError('UNHEALTHY', 'web: HTTP 500', 'read the log') },
      ),
    );
    assert.deepEqual(ctx.state.health, unhealthy);
    assert.equal(report.status, 'failed');
    assert.equal(report.error?.code, 'UNHEALTHY');
    assert.deepEqual(
      report.services.map((s) => [s.health, s.detail, s.logTail]),
      [['unhealthy', 'HTTP 500', ['boom']]],
    );
    const health = (await phaseMap()).get('health');
    assert.equal(health?.status, 'failed');
    assert.equal(health?.error?.code, 'UNHEALTHY');
    assert.equal(calls.get('HealthAgent'), 1);
    assert.deepEqual(readJson('agent_state_HealthAgent.json').result, unhealthy);
    assert.equal((await store.getCheckpoints(runId)).has('health'), false);
  });

  it('a resumed run whose start fails does not report the last attempt’s services as healthy', async () => {
    const first = await executePipeline(newCtx(), fakeAgents(new Map()));
    assert.equal(first.status, 'healthy');
    // Later (after `stop`, say) the run is resumed, and this time the service cannot start.
    const report = await executePipeline(
      newCtx(),
      fakeAgents(new Map(), {
        services: () => {
          throw new RepoRunnerError('START_FAILED', 'could not start web: python was not found');
        },
      }),
    );
    assert.equal(report.error?.code, 'START_FAILED');
    assert.equal(report.status, 'failed');
    assert.notEqual(report.services[0]?.health, 'healthy');
    assert.equal(report.services[0]?.pid, null, 'no pid of a process from the earlier attempt');
  });

  it('runs an agent registered at a phase: checkpoint, state file, report; no pipeline edit', async () => {
    const calls = new Map<string, number>();
    const custom: Agent<'custom'> = {
      name: 'RepoMapAgent',
      phase: 'index',
      produces: 'custom',
      async run(ctx) {
        calls.set('RepoMapAgent', (calls.get('RepoMapAgent') ?? 0) + 1);
        return { ...ctx.state.custom, RepoMapAgent: { files: ctx.state.plan?.services.length } };
      },
    };
    const [fixer, orchestrator, ...rest] = fakeAgents(calls).reverse();
    const agents = [...rest.reverse(), custom, fixer!, orchestrator!];
    const report = await executePipeline(newCtx(), agents);

    assert.equal(report.status, 'healthy');
    assert.equal(calls.get('RepoMapAgent'), 1);
    const index = report.phases.find((p) => p.name === 'index');
    assert.equal(index?.status, 'done');
    assert.deepEqual(index?.agents, ['RepoMapAgent']);
    assert.deepEqual(report.phases.find((p) => p.name === 'fix')?.agents, ['FixerAgent']);
    assert.deepEqual((await store.getCheckpoints(runId)).get('index'), {
      custom: { RepoMapAgent: { files: 1 } },
    });
    assert.deepEqual(readJson('agent_state_RepoMapAgent.json').result, {
      RepoMapAgent: { files: 1 },
    });

    // Resumed: index comes before the first live phase (database), so it is not run again:
    // its result is restored from its checkpoint.
    await store.setPhase(runId, 'health', { status: 'failed' });
    const ctx = newCtx();
    const resumed = await executePipeline(ctx, agents);
    assert.equal(resumed.status, 'healthy');
    assert.equal(calls.get('RepoMapAgent'), 1);
    assert.deepEqual(ctx.state.custom, { RepoMapAgent: { files: 1 } });
  });
});
