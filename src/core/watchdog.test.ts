import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isProcessAlive } from '../exec/process-group.js';
import type { Store } from '../model/store.js';
import { openSqliteStore } from '../store/sqlite.js';
import { tempDir } from '../../test/helpers.js';
import { watchOnce } from './watchdog.js';

describe('the Admin Agent watchdog', () => {
  let store: Store;
  let tmp: { dir: string; cleanup: () => void };
  const caller = () => ({
    store,
    home: tmp.dir,
    signal: new AbortController().signal,
    actorId: null,
  });
  beforeEach(async () => {
    tmp = tempDir('watchdog');
    store = await openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });
  const run = async (id: string, status: string, ownerPid: number | null, options = {}) => {
    await store.createRun({ id, source: '/nowhere', options });
    await store.updateRun(id, { status: status as 'running', ownerPid });
  };
  const state = () =>
    readFileSync(path.join(tmp.dir, 'admin_agent_state.json'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('stops the process of a run stalled in a phase past the deadline, and not before', async () => {
    const hung = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await run('stalled', 'running', hung.pid!);
      await store.setPhase('stalled', 'dependencies', {
        status: 'running',
        startedAt: new Date(Date.now() - 120_000).toISOString(),
      });
      assert.deepEqual(await watchOnce(caller(), { stallAfterMs: 600_000 }), []);
      const actions = await watchOnce(caller(), { stallAfterMs: 60_000 });
      assert.deepEqual(
        actions.map((a) => [a.runId, a.reason, a.action]),
        [['stalled', 'stalled', 'stopped']],
      );
      await new Promise((r) => hung.once('exit', r));
      assert.equal(isProcessAlive(hung.pid!), false);
      assert.deepEqual(
        state().map((e) => [e.action, e.run, e.reason, e.did]),
        [['watchdog', 'stalled', 'stalled', 'stopped']],
      );
    } finally {
      hung.kill('SIGKILL');
    }
  });

  it('a run whose process died is marked interrupted and intervened in once; old failures only with since unset', async () => {
    // Fixes were on, so the one-step policy has nothing to offer: it escalates at once.
    const policy = [{ strategy: 'retry-with-fixes' as const }];
    await run('lost', 'running', 2 ** 22 + 12345, { fix: true });
    await run('old-failure', 'failed', null, { fix: true });
    const since = new Date(Date.now() + 60_000).toISOString();
    const first = await watchOnce(caller(), { policy, since });
    assert.deepEqual(
      first.map((a) => [a.runId, a.reason, a.action, a.outcome?.result]),
      [['lost', 'lost-executor', 'intervened', 'escalated']],
    );
    assert.match(first[0]!.outcome!.escalation!.reason, /no step of the policy applies/);
    assert.equal((await store.getRun('lost'))?.status, 'interrupted');
    // Intervened since it last changed: left to its escalation on the next pass.
    assert.deepEqual(await watchOnce(caller(), { policy, since }), []);
    // Without `since`, the old failure is taken up too (and only it).
    const all = await watchOnce(caller(), { policy });
    assert.deepEqual(
      all.map((a) => [a.runId, a.reason]),
      [['old-failure', 'failed']],
    );
  });
});
