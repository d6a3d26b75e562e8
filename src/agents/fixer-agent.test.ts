import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { NeedsFixError } from '../model/errors.js';
import { executePipeline } from '../core/pipeline.js';
import { createRunContext } from '../core/run-context.js';
import type { RunContext } from '../model/run-context.js';
import { RunOptionsSchema, type RunOptions } from '../model/run-options.js';
import { RESULTS, fakeAgents } from '../core/agents.test-kit.js';
import { agentMemoryManager } from '../managers/agent-memory-manager.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { FIX_BOUNDS } from './fixer-agent.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-fixer-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A plan with every field the fix actions touch. */
const PLAN = {
  ecosystems: ['python'],
  warnings: [],
  services: [
    {
      name: 'web',
      provider: 'python',
      framework: null,
      root: '.',
      protocol: 'http',
      install: null,
      build: [],
      start: { argv: ['python', 'app.py'], cwd: '.', env: {}, description: 'start' },
      healthPath: null,
      env: {},
      evidence: [],
    },
  ],
};

type Health = (ctx: RunContext, call: number) => { logTail: string[]; detail?: string } | null;

/** Fake agents whose health check fails as `failing` says (null: healthy). */
function agentsWith(failing: Health, calls = new Map<string, number>()) {
  return fakeAgents(
    calls,
    {
      workspace: () => ({ repoPath: tmp, kind: 'local', commit: null }),
      plan: () => structuredClone(PLAN),
      health: (ctx, call) => {
        const bad = failing(ctx, call);
        return [
          bad
            ? {
                service: 'web',
                health: 'unhealthy',
                url: null,
                detail: bad.detail ?? 'exited with code 1',
                logTail: bad.logTail,
              }
            : structuredClone(RESULTS.health[0]),
        ];
      },
    },
    {
      health: (outcomes) =>
        (outcomes as Array<{ health: string; detail: string }>).some((o) => o.health !== 'healthy')
          ? new NeedsFixError('UNHEALTHY', 'web: not healthy')
          : null,
    },
  );
}

const envOf = (ctx: RunContext) => ctx.state.plan?.services[0]?.env ?? {};

describe('FixerAgent in the pipeline', () => {
  let store: Store;
  let runId: string;
  let n = 0;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    runId = `run-${++n}`;
    await store.createRun({ id: runId, source: tmp, options: {} });
  });
  afterEach(async () => store.close());

  function newCtx(options: Partial<RunOptions> = {}): RunContext {
    return createRunContext({
      runId,
      source: tmp,
      home: tmp,
      runDir: path.join(tmp, runId),
      options: RunOptionsSchema.parse(options),
      store,
      // No model configured: the rule and memory paths only.
      env: { PATH: process.env.PATH ?? '' },
    });
  }

  it('fixes a missing secret with a rule, reruns start and health, and remembers it', async () => {
    const calls = new Map<string, number>();
    const ctx = newCtx();
    const report = await executePipeline(
      ctx,
      agentsWith(
        (c) => (envOf(c).APP_SECRET ? null : { logTail: ["KeyError: 'APP_SECRET'"] }),
        calls,
      ),
    );
    assert.equal(report.status, 'healthy');
    assert.equal(report.fixes?.length, 1);
    assert.deepEqual(
      { ...report.fixes?.[0], durationMs: 0, action: { ...report.fixes?.[0]?.action, value: 'x' } },
      {
        attempt: 1,
        phase: 'health',
        class: 'env-var-missing',
        key: 'env-var-missing:APP_SECRET',
        source: 'rule',
        action: { kind: 'set-env', service: 'web', name: 'APP_SECRET', value: 'x' },
        outcome: 'fixed',
        durationMs: 0,
        detail: 'set APP_SECRET for web',
      },
    );
    assert.match(String(envOf(ctx).APP_SECRET), /^[0-9a-f]{64}$/);
    assert.equal(calls.get('RunnerAgent'), 2, 'start reran after the fix');
    assert.equal(calls.get('DependencyAgent'), 1, 'install did not rerun');
    const phases = new Map((await store.getPhases(runId)).map((p) => [p.name, p.status]));
    assert.equal(phases.get('fix'), 'done');
    assert.equal(phases.get('health'), 'done');
    const remembered = await agentMemoryManager.list(store);
    assert.deepEqual(
      remembered.map((r) => [r.scope, r.signatureKey, r.successes, r.failures]).sort(),
      [
        ['global', 'env-var-missing:APP_SECRET', 1, 0],
        [tmp, 'env-var-missing:APP_SECRET', 1, 0],
      ].sort(),
    );
  });

  it('rolls back a fix that fails the same way, restoring the options it changed', async () => {
    const ctx = newCtx({ healthTimeoutMs: 2000 });
    const report = await executePipeline(
      ctx,
      agentsWith(() => ({ logTail: [], detail: 'no answer within 2000 ms (last: ECONNREFUSED)' })),
    );
    assert.equal(report.status, 'failed');
    assert.equal(report.cause?.class, 'never-binds');
    assert.ok(report.cause?.nextStep);
    assert.deepEqual(
      report.fixes?.map((f) => [f.action.kind, f.outcome]),
      [['extend-timeout', 'rolled-back']],
    );
    assert.equal(ctx.options.healthTimeoutMs, 2000, 'the timeout is back to what it was');
    const [row] = await agentMemoryManager.list(store, { repoKey: tmp });
    assert.equal(row?.failures, 1);
    assert.equal((await store.getPhases(runId)).find((p) => p.name === 'fix')?.status, 'failed');
  });

  it('keeps a fix that makes progress and goes on to the next failure', async () => {
    const report = await executePipeline(
      newCtx(),
      agentsWith((c) =>
        !envOf(c).APP_SECRET
          ? { logTail: ["KeyError: 'APP_SECRET'"] }
          : !envOf(c).API_TOKEN
            ? { logTail: ["KeyError: 'API_TOKEN'"] }
            : null,
      ),
    );
    assert.equal(report.status, 'healthy');
    assert.deepEqual(
      report.fixes?.map((f) => [f.key, f.outcome]),
      [
        ['env-var-missing:APP_SECRET', 'progress'],
        ['env-var-missing:API_TOKEN', 'fixed'],
      ],
    );
  });

  it(`stops after ${FIX_BOUNDS.perPhase} attempts on one phase`, async () => {
    let k = 0;
    const report = await executePipeline(
      newCtx(),
      agentsWith(() => ({ logTail: [`KeyError: 'SECRET_${++k}'`] })),
    );
    assert.equal(report.status, 'failed');
    assert.equal(report.fixes?.length, FIX_BOUNDS.perPhase);
    assert.ok(report.fixes?.every((f) => f.outcome === 'progress'));
  });

  it('tries a remembered fix first, even for a signature no rule answers', async () => {
    await agentMemoryManager.record(store, {
      signatureKey: 'env-var-missing:APP_MODE',
      errorClass: 'env-var-missing',
      repoKey: '/another/repo',
      action: { kind: 'set-env', service: 'api', name: 'APP_MODE', value: 'development' },
      worked: true,
      runId: 'earlier',
    });
    const ctx = newCtx();
    const report = await executePipeline(
      ctx,
      agentsWith((c) => (envOf(c).APP_MODE ? null : { logTail: ["KeyError: 'APP_MODE'"] })),
    );
    assert.equal(report.status, 'healthy');
    assert.equal(report.fixes?.[0]?.source, 'memory');
    assert.deepEqual(report.fixes?.[0]?.action, {
      kind: 'set-env',
      service: 'web',
      name: 'APP_MODE',
      value: 'development',
    });
  });

  it('with --no-fix reports the classified cause and tries nothing', async () => {
    const report = await executePipeline(
      newCtx({ fix: false }),
      agentsWith(() => ({ logTail: ["KeyError: 'APP_SECRET'"] })),
    );
    assert.equal(report.status, 'failed');
    assert.equal(report.fixes, undefined);
    assert.equal(report.cause?.class, 'env-var-missing');
    assert.equal((await store.getPhases(runId)).find((p) => p.name === 'fix')?.status, undefined);
  });
});
