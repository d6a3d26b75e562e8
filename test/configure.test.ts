import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, copyFixture, parseJson, tempDir } from './helpers.js';

describe('configure: .env synthesis on a real app', () => {
  const tmp = tempDir('configure');
  after(() => tmp.cleanup());

  it('an app that refuses to start without a secret runs: SECRET_KEY generated, third-party key reported', async () => {
    const repo = copyFixture('python-env-secret', tmp.dir);
    const out = await cli(path.join(tmp.dir, 'home'), ['run', repo, '--detach', '--json']);
    const report = parseJson(out);
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      const body = await (await fetch(report.services[0].url)).text();
      assert.match(body, /Hello from python-env-secret \(secret of 64 chars\)/);
      const env = readFileSync(path.join(repo, '.env'), 'utf8');
      assert.match(env, /^SECRET_KEY=[0-9a-f]{64}$/m);
      assert.match(env, new RegExp(`^PORT=${report.services[0].port}$`, 'm'));
      assert.deepEqual(
        report.needsValue.map((n: { key: string }) => n.key),
        ['STRIPE_API_KEY'],
      );
      assert.ok(report.warnings.some((w: string) => /needs a value: STRIPE_API_KEY/.test(w)));
    } finally {
      await cli(path.join(tmp.dir, 'home'), ['stop', report.runId]);
    }
  });
});
