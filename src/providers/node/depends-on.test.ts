import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { urlVariable } from '../../model/service-url.js';
import { RepoView } from '../../repo/repo-view.js';
import { findDependsOn, urlVariableOf } from './depends-on.js';

test('urlVariableOf agrees with the runner', () => {
  for (const name of ['api', 'web-ui', 'svc.v2', 'packages-api'])
    assert.equal(urlVariableOf(name), urlVariable(name));
});

test('dependsOn: whole-word <NAME>_URL in a service folder; prefixed forms and self do not count', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-deps-'));
  const files: Record<string, string> = {
    'apps/web/src/page.tsx': 'const api = process.env.API_URL ?? "";\n',
    'apps/web/server.js': 'const x = process.env.WEB_URL;\n',
    'apps/admin/main.ts': 'const a = process.env.NEXT_PUBLIC_API_URL + process.env.MYAPI_URL;\n',
    'apps/api/index.js': 'const w = process.env["WEB_URL"]; const z = process.env.AUTH_URL;\n',
    'apps/api/node_modules/x/index.js': 'process.env.ADMIN_URL\n',
    'apps/api/README.md': 'set ADMIN_URL\n',
  };
  try {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    const found = await findDependsOn(new RepoView(dir), [
      { name: 'admin', root: 'apps/admin' },
      { name: 'api', root: 'apps/api' },
      { name: 'web', root: 'apps/web' },
    ]);
    assert.deepEqual(Object.fromEntries(found), { admin: [], api: ['web'], web: ['api'] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
