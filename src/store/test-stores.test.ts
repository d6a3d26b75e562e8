import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testStoreBackends } from './stores.test-kit.js';

for (const backend of await testStoreBackends()) {
  describe(`testStoreBackends: ${backend.name}`, { skip: backend.skip }, () => {
    it('opens a fresh, empty store per call', async () => {
      const a = await backend.open();
      const b = await backend.open();
      try {
        await a.createRun({ id: 'r1', source: '.', options: {} });
        assert.equal((await a.getRun('r1'))?.id, 'r1');
        assert.equal(await b.getRun('r1'), undefined);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
