import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fixtureNames, runFixture } from './corpus-lib.js';
import { processesUnder, tempDir, waitFor } from './helpers.js';

/**
 * Every fixture repo, for real: run detached, healthy, its expect.json holds, and `stop`
 * leaves none of its processes. (The three spine fixtures are also covered in depth by
 * run-fixtures.test.ts; here every fixture gets the same end-to-end check.)
 */
describe('fixture corpus: every fixture runs healthy', () => {
  const tmp = tempDir('corpus');
  after(() => tmp.cleanup());
  for (const name of fixtureNames()) {
    it(name, async () => {
      const result = await runFixture(name, path.join(tmp.dir, name), path.join(tmp.dir, 'home'));
      assert.equal(
        result.healthy,
        true,
        `${name}: ${result.error ?? ''} ${JSON.stringify(result.services)}`,
      );
      assert.equal(result.answered, true, `${name}: ${result.error ?? ''}`);
      assert.equal(result.exitCode, 0);
    });
  }
  it('left no process running in any fixture copy', async () => {
    const alive = await waitFor(() => processesUnder(tmp.dir).length === 0, 10_000);
    assert.ok(alive, `still running under ${tmp.dir}: ${processesUnder(tmp.dir).join(', ')}`);
  });
});
