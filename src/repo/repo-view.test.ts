import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTree } from '../providers/temp-tree.test-kit.js';

test('findFiles under a folder: only its files, depth counted from it, paths from the root', async () => {
  const found = await withTree(
    {
      'a.py': '',
      'api/main.py': '',
      'api/x/y/z/deep.py': '',
      'api/x/y/z/w/deeper.py': '',
      'api/node_modules/dep.py': '',
      'web/main.py': '',
    },
    (repo) => repo.findFiles((name) => name.endsWith('.py'), { under: 'api', maxDepth: 3 }),
  );
  assert.deepEqual(found, ['api/main.py', 'api/x/y/z/deep.py']);
});
