import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PHASES, type PhaseName } from '../model/phases.js';
import type { PhaseRecord, PhaseStatus } from '../model/store.js';
import { orchestratorManager } from './orchestrator-manager.js';

const NOT_IMPLEMENTED = ['index', 'fix'];
/** The phases today's registered agents cover (every phase but index). */
const WITH_AGENTS: ReadonlySet<PhaseName> = new Set(PHASES.filter((p) => p !== 'index'));

const record = (name: PhaseName, status: PhaseStatus): PhaseRecord => ({
  name,
  status,
  attempts: 1,
  startedAt: null,
  endedAt: null,
  durationMs: null,
  error: status === 'failed' ? { code: 'INTERNAL', message: 'boom' } : null,
});

/** The records a run leaves when it failed at `failedAt`, as the pipeline writes them. */
function recordsFailingAt(failedAt: PhaseName): PhaseRecord[] {
  const out: PhaseRecord[] = [];
  for (const name of PHASES) {
    if (name === failedAt) {
      out.push(record(name, 'failed'));
      break;
    }
    out.push(record(name, NOT_IMPLEMENTED.includes(name) ? 'skipped' : 'done'));
  }
  return out;
}

const actions = (recorded: PhaseRecord[]) =>
  Object.fromEntries(
    orchestratorManager.decide(recorded, WITH_AGENTS).map((d) => [d.name, d.action]),
  );

describe('orchestratorManager.decide', () => {
  it('new run: every phase in order; implemented ones run, the others are skipped', () => {
    const decisions = orchestratorManager.decide([], WITH_AGENTS);
    assert.deepEqual(
      decisions.map((d) => d.name),
      [...PHASES],
    );
    assert.deepEqual(actions([]), {
      env: 'run',
      fetch: 'run',
      detect: 'run',
      plan: 'run',
      dependencies: 'run',
      configure: 'run',
      database: 'run',
      index: 'skip',
      build: 'run',
      start: 'run',
      health: 'run',
      fix: 'run',
      report: 'run',
    });
    for (const d of decisions) assert.ok(d.reason.length > 0, `${d.name} has a reason`);
    assert.equal(decisions.find((d) => d.name === 'env')?.reason, 'new run');
  });

  it('resume after dependencies failed: env, fetch, detect restored; plan and dependencies run', () => {
    assert.deepEqual(actions(recordsFailingAt('dependencies')), {
      env: 'restore',
      fetch: 'restore',
      detect: 'restore',
      plan: 'run',
      dependencies: 'run',
      configure: 'run',
      database: 'run',
      index: 'skip',
      build: 'run',
      start: 'run',
      health: 'run',
      fix: 'run',
      report: 'run',
    });
  });

  it('resume after health failed: restores up to configure; database servers, build, start and health run again', () => {
    assert.deepEqual(actions(recordsFailingAt('health')), {
      env: 'restore',
      fetch: 'restore',
      detect: 'restore',
      plan: 'run',
      dependencies: 'restore',
      configure: 'restore',
      database: 'run',
      index: 'skip',
      build: 'run',
      start: 'run',
      health: 'run',
      fix: 'run',
      report: 'run',
    });
  });

  it('resume of a finished run still restarts the live phases', () => {
    const all = PHASES.map((p) => record(p, NOT_IMPLEMENTED.includes(p) ? 'skipped' : 'done'));
    const a = actions(all);
    assert.equal(a.configure, 'restore');
    assert.equal(a.database, 'run', 'database servers are processes too');
    assert.equal(a.build, 'run');
    assert.equal(a.start, 'run');
    assert.equal(a.health, 'run');
  });

  it('a phase left running by a crash is run again, and so is everything after it', () => {
    const recorded = [
      record('env', 'done'),
      record('fetch', 'done'),
      record('detect', 'running'),
      // A later phase done in some earlier attempt must not be restored past the gap.
      record('dependencies', 'done'),
    ];
    const a = actions(recorded);
    assert.equal(a.env, 'restore');
    assert.equal(a.fetch, 'restore');
    assert.equal(a.detect, 'run');
    assert.equal(a.dependencies, 'run');
  });
});

describe('orchestratorManager.retryPolicy', () => {
  it('retries fetch and dependencies once after 2 s; every other phase gets one attempt', () => {
    assert.deepEqual(orchestratorManager.retryPolicy('fetch'), { attempts: 2, backoffMs: 2000 });
    assert.deepEqual(orchestratorManager.retryPolicy('dependencies'), {
      attempts: 2,
      backoffMs: 2000,
    });
    for (const phase of PHASES.filter((p) => p !== 'fetch' && p !== 'dependencies')) {
      assert.deepEqual(
        orchestratorManager.retryPolicy(phase),
        { attempts: 1, backoffMs: 0 },
        phase,
      );
    }
  });
});
