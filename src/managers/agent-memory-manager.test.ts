import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FixAction } from '../model/fix-action.js';
import type { Store } from '../model/store.js';
import { testStoreBackends } from '../store/stores.test-kit.js';
import { GLOBAL_SCOPE, agentMemoryManager as memory, bindService } from './agent-memory-manager.js';

const KEY = 'env-var-missing:APP_SECRET';
const secret = (value: string, service = 'web'): FixAction => ({
  kind: 'set-env',
  service,
  name: 'APP_SECRET',
  value,
});
const valueOf = (a: FixAction) => (a.kind === 'set-env' ? a.value : a.kind);

for (const backend of await testStoreBackends()) {
  describe(`AgentMemoryManager on ${backend.name}`, { skip: backend.skip }, () => {
    let store: Store;
    let runs = 0;
    beforeEach(async () => {
      store = await backend.open();
      runs = 0;
    });
    afterEach(async () => store.close());

    /** Records `times` outcomes of `action` for KEY in `repoKey`. */
    async function record(repoKey: string, action: FixAction, worked: boolean, times = 1) {
      for (let i = 0; i < times; i++)
        await memory.record(store, {
          ...{ signatureKey: KEY, errorClass: 'env-var-missing', repoKey, action, worked },
          runId: `run-${++runs}`,
        });
    }
    const rows = async (repoKey?: string) =>
      (await memory.list(store, repoKey ? { repoKey } : {}))
        .map((r) => [r.scope, valueOf(r.action), r.successes, r.failures, r.lastRunId])
        .sort();

    it('counts successes and failures per scope, the repository and global', async () => {
      await record('/a', secret('x'), true);
      await record('/a', secret('x', 'api'), false);
      await record('/a', secret('x'), true);
      await record('/b', secret('x'), true);
      assert.deepEqual(await rows(), [
        ['/a', 'x', 2, 1, 'run-3'],
        ['/b', 'x', 1, 0, 'run-4'],
        [GLOBAL_SCOPE, 'x', 3, 1, 'run-4'],
      ]);
    });

    it('recalls repository fixes first, then global ones, by successes minus failures', async () => {
      await record('/a', secret('p'), true);
      await record('/b', secret('q'), true, 3);
      await record('/b', secret('q'), false, 2);
      await record('/b', secret('r'), true, 2);
      await record('/b', secret('s'), true);
      await record('/b', secret('s'), false, 2);
      await record('/c', secret('t'), true);
      await record('/c', secret('t'), false);
      await record('/c', secret('u'), false);
      const recall = async (repo: string) =>
        (await memory.recall(store, KEY, repo, 'web')).map(valueOf);
      // s failed more than it worked, u never worked; t broke even and is kept.
      assert.deepEqual(await recall('/a'), ['p', 'r', 'q', 't']);
      assert.deepEqual(await recall('/b'), ['r', 'q', 'p', 't']);
      assert.deepEqual(await memory.recall(store, 'env-var-missing:OTHER', '/a', 'web'), []);
    });

    it('binds the remembered action to the failing service', async () => {
      await record('/a', secret('x', 'web'), true);
      await record('/a', { kind: 'chmod', path: 'start.sh' }, true);
      const stored = (await memory.list(store, { repoKey: '/a' })).map((r) => r.action);
      assert.deepEqual(
        stored.find((a) => a.kind === 'set-env'),
        secret('x', '{service}'),
      );
      const bound = await memory.recall(store, KEY, '/a', 'worker');
      const bySort = (a: FixAction, b: FixAction) => a.kind.localeCompare(b.kind);
      assert.deepEqual(bound.sort(bySort), [
        { kind: 'chmod', path: 'start.sh' },
        secret('x', 'worker'),
      ]);
      const unbound = await memory.recall(store, KEY, '/a', null);
      assert.deepEqual(unbound, [{ kind: 'chmod', path: 'start.sh' }], 'no service to bind to');
    });

    it('skips stored actions that are no longer valid', async () => {
      await record('/a', secret('ok'), true);
      // Rows an older action set (or a broken write) left, newer and more successful.
      for (const actionJson of ['{"kind":"reboot","service":"{service}"}', 'not json'])
        for (let i = 0; i < 9; i++)
          await store.recordFixOutcome({
            ...{ scope: '/a', signatureKey: KEY, actionJson, errorClass: 'env-var-missing' },
            ...{ worked: true, runId: null, at: '2099-01-01' },
          });
      assert.deepEqual((await memory.recall(store, KEY, '/a', 'web')).map(valueOf), ['ok']);
      assert.deepEqual(
        (await memory.list(store, { repoKey: '/a' })).map((r) => valueOf(r.action)),
        ['ok'],
      );
    });

    it('lists every scope, or one repository, newest first within the limit', async () => {
      await record('/a', secret('x'), true);
      await new Promise((r) => setTimeout(r, 5)); // a later updated_at
      await record('/b', secret('y'), false);
      assert.deepEqual(
        (await rows()).map((r) => r.slice(0, 2)),
        [
          ['/a', 'x'],
          ['/b', 'y'],
          [GLOBAL_SCOPE, 'x'],
          [GLOBAL_SCOPE, 'y'],
        ],
      );
      assert.deepEqual(await rows('/b'), [['/b', 'y', 0, 1, 'run-2']]);
      const [newest] = await memory.list(store, { limit: 1 });
      assert.equal(newest && valueOf(newest.action), 'y');
      assert.equal(newest?.errorClass, 'env-var-missing');
      assert.equal(newest?.signatureKey, KEY);
    });
  });
}

describe('bindService', () => {
  it('fills in the service, and keeps service-less actions as they are', () => {
    const json = JSON.stringify({ ...secret('v'), service: '{service}' });
    assert.deepEqual(bindService(json, 'api'), secret('v', 'api'));
    assert.equal(bindService(json, null), null, 'a service action needs a service');
    const chmod = { kind: 'chmod', path: 'bin/run.sh' };
    assert.deepEqual(bindService(JSON.stringify(chmod), null), chmod);
    assert.deepEqual(bindService(JSON.stringify(chmod), 'api'), chmod);
  });

  it('returns null for JSON that is not a valid action', () => {
    assert.equal(bindService('{"kind":"chmod","path":"../x"}', null), null);
    assert.equal(bindService('{"kind":"set-env","service":"{service}"}', 'api'), null);
    assert.equal(bindService('{not json', 'api'), null);
  });
});
