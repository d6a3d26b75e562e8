import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RepoRunnerError } from '../model/errors.js';
import { PHASES } from '../model/phases.js';
import type { RunPlan, ServiceSpec } from '../model/plan.js';
import type { HealthOutcome, RunState, RunningService } from '../model/run-state.js';
import type { PhaseRecord } from '../model/store.js';
import { buildReport, type ReportInput } from './orchestrator-agent.js';

const service = (name: string): ServiceSpec => ({
  name,
  provider: 'python',
  framework: 'flask',
  root: '.',
  protocol: 'http',
  install: null,
  build: [],
  start: {
    argv: ['python', 'app.py', '--port', '{port}'],
    cwd: '.',
    env: {},
    description: 'start',
  },
  healthPath: null,
  env: {},
  evidence: [],
});

const running = (name: string, port: number, pid: number): RunningService => ({
  name,
  pid,
  port,
  command: `python app.py --port ${port}`,
  argv: ['python', 'app.py', '--port', String(port)],
  cwd: '/repo',
  env: {},
  logFile: `/runs/r1/logs/${name}.log`,
  startedAt: '2024-01-01T00:00:00.000Z',
});

const health = (name: string, ok: boolean): HealthOutcome => ({
  service: name,
  health: ok ? 'healthy' : 'unhealthy',
  url: ok ? `http://127.0.0.1/` : null,
  detail: ok ? 'HTTP 200 after 120 ms' : 'no answer within 500 ms (last: ECONNREFUSED)',
  logTail: ok ? [] : ['Traceback (most recent call last):', 'ImportError: no module named x'],
});

const phase = (name: string, status: PhaseRecord['status'], durationMs: number | null) => ({
  name,
  status,
  attempts: 1,
  startedAt: null,
  endedAt: null,
  durationMs,
  error: null,
});

/** Two planned services, web and api, both started; `healthy` says which answered. */
function input(healthy: string[], over: Partial<ReportInput> = {}, host = '127.0.0.1') {
  const plan: RunPlan = {
    ecosystems: ['python'],
    services: [service('web'), service('api')],
    warnings: [],
  };
  const state: RunState = {
    workspace: { repoPath: '/repo', kind: 'local', commit: null },
    plan,
    decided: { host, ports: { web: 5001, api: 5002 } },
    services: [running('web', 5001, 101), running('api', 5002, 102)],
    health: ['web', 'api'].map((n) => health(n, healthy.includes(n))),
  };
  return {
    runId: 'r1',
    source: './repo',
    state,
    phases: [
      phase('env', 'done', 12),
      phase('configure', 'skipped', null),
      phase('health', 'done', 340),
    ],
    warnings: ['python 3.8 is old'],
    error: null,
    ...over,
  } satisfies ReportInput;
}

describe('buildReport', () => {
  it('healthy when every service is; keeps the contract field names', () => {
    const report = buildReport(input(['web', 'api']));
    assert.equal(report.status, 'healthy');
    assert.equal(report.runId, 'r1');
    assert.deepEqual(report.warnings, ['python 3.8 is old']);
    assert.equal(report.error, undefined);
    for (const key of ['runId', 'status', 'services', 'phases', 'warnings'])
      assert.ok(key in report, key);
    assert.deepEqual(
      report.services.map(({ name, command, port, url, health }) => ({
        name,
        command,
        port,
        url,
        health,
      })),
      [
        {
          name: 'web',
          command: 'python app.py --port 5001',
          port: 5001,
          url: 'http://127.0.0.1:5001/',
          health: 'healthy',
        },
        {
          name: 'api',
          command: 'python app.py --port 5002',
          port: 5002,
          url: 'http://127.0.0.1:5002/',
          health: 'healthy',
        },
      ],
    );
    assert.equal(report.services[0]?.pid, 101);
    assert.equal(report.services[0]?.logFile, '/runs/r1/logs/web.log');
    assert.ok(!('logTail' in report.services[0]!), 'no log tail for a healthy service');
  });

  it('lists every phase in order with its status and duration (ms), pending when unrecorded', () => {
    const report = buildReport(input(['web', 'api']));
    assert.deepEqual(
      report.phases.map((p) => p.name),
      [...PHASES],
    );
    for (const p of report.phases)
      assert.deepEqual(Object.keys(p).sort(), ['durationMs', 'name', 'status']);
    const by = new Map(report.phases.map((p) => [p.name, p]));
    assert.deepEqual(by.get('env'), { name: 'env', status: 'done', durationMs: 12 });
    assert.deepEqual(by.get('configure'), {
      name: 'configure',
      status: 'skipped',
      durationMs: null,
    });
    assert.deepEqual(by.get('health'), { name: 'health', status: 'done', durationMs: 340 });
    assert.deepEqual(by.get('build'), { name: 'build', status: 'pending', durationMs: null });
  });

  it('partial when one of two is healthy; the unhealthy one carries its log tail and detail', () => {
    const error = new RepoRunnerError('UNHEALTHY', 'api: no answer', 'read the log');
    const report = buildReport(input(['web'], { error }));
    assert.equal(report.status, 'partial');
    const api = report.services.find((s) => s.name === 'api');
    assert.equal(api?.health, 'unhealthy');
    assert.deepEqual(api?.logTail, [
      'Traceback (most recent call last):',
      'ImportError: no module named x',
    ]);
    assert.match(api?.detail ?? '', /ECONNREFUSED/);
    assert.deepEqual(report.error, {
      code: 'UNHEALTHY',
      message: 'api: no answer',
      hint: 'read the log',
    });
  });

  it('a run that is not healthy carries its classified cause; a healthy one none', () => {
    const base = input([]);
    const state: RunState = { ...base.state, services: undefined, health: undefined };
    const error = new RepoRunnerError(
      'START_FAILED',
      'web exited\nTraceback (most recent call last):\n  File "app.py", line 1\nModuleNotFoundError: No module named \'flask_cors\'',
    );
    const report = buildReport({
      ...base,
      state,
      error,
      phases: [
        {
          name: 'start',
          status: 'failed',
          attempts: 1,
          startedAt: null,
          endedAt: null,
          durationMs: 5,
          error: null,
        },
      ],
    });
    assert.equal(report.cause?.class, 'python-module-missing');
    assert.equal(report.cause?.key, 'python-module-missing:flask_cors');
    assert.equal(report.cause?.phase, 'start');
    assert.equal(report.cause?.fixable, true);
    assert.match(report.cause?.evidence ?? '', /flask_cors/);
    assert.equal(buildReport(input(['web', 'api'])).cause, undefined);
  });

  it('failed when no service is healthy', () => {
    assert.equal(buildReport(input([])).status, 'failed');
  });

  it('failed with the error when a phase failed before any service started', () => {
    const base = input([]);
    const state: RunState = { ...base.state, services: undefined, health: undefined };
    const error = new RepoRunnerError('INSTALL_FAILED', 'pip install failed');
    const report = buildReport({ ...base, state, error });
    assert.equal(report.status, 'failed');
    assert.deepEqual(report.error, { code: 'INSTALL_FAILED', message: 'pip install failed' });
    // Planned services still appear, on their leased ports, stopped, with the planned command.
    assert.deepEqual(
      report.services.map((s) => [s.name, s.health, s.port, s.pid, s.command]),
      [
        ['web', 'stopped', 5001, null, 'python app.py --port {port}'],
        ['api', 'stopped', 5002, null, 'python app.py --port {port}'],
      ],
    );
  });

  it('failed when there is no service at all (nothing planned), even without an error', () => {
    const base = input([]);
    const report = buildReport({ ...base, state: {} });
    assert.equal(report.status, 'failed');
    assert.deepEqual(report.services, []);
    assert.equal(report.repoPath, '');
  });

  it('a started service without a health verdict yet is "starting"', () => {
    const base = input([]);
    const report = buildReport({ ...base, state: { ...base.state, health: undefined } });
    assert.deepEqual(
      report.services.map((s) => s.health),
      ['starting', 'starting'],
    );
    assert.equal(report.status, 'failed');
  });

  it('urls use 127.0.0.1 when services bind 0.0.0.0, and [::1] for ::', () => {
    const wildcard = buildReport(input(['web', 'api'], {}, '0.0.0.0'));
    assert.deepEqual(
      wildcard.services.map((s) => s.url),
      ['http://127.0.0.1:5001/', 'http://127.0.0.1:5002/'],
    );
    const v6 = buildReport(input(['web', 'api'], {}, '::'));
    assert.equal(v6.services[0]?.url, 'http://[::1]:5001/');
  });
});
