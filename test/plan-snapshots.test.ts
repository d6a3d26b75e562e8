import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { planRepository } from '../src/agents/repo-overrides.js';
import { RepoView } from '../src/repo/repo-view.js';
import { fixtureNames } from './corpus-lib.js';
import { ROOT } from './helpers.js';

const SNAPSHOTS = path.join(ROOT, 'test', 'snapshots', 'plans');

/**
 * `repo-runner plan` for every fixture matches its snapshot (test/snapshots/plans/<name>.json).
 * After an intended change, regenerate with `UPDATE_SNAPSHOTS=1 npm run test:integration`
 * and review the diff. A missing snapshot fails (in CI it must be committed).
 */
describe('plan snapshots', () => {
  for (const name of fixtureNames()) {
    it(name, async () => {
      const plan = await planRepository(new RepoView(path.join(ROOT, 'fixtures', 'repos', name)));
      const text = `${JSON.stringify(plan, null, 2)}\n`;
      const file = path.join(SNAPSHOTS, `${name}.json`);
      if (process.env.UPDATE_SNAPSHOTS === '1') {
        mkdirSync(SNAPSHOTS, { recursive: true });
        writeFileSync(file, text);
      }
      assert.ok(
        existsSync(file),
        `no snapshot for ${name}: run UPDATE_SNAPSHOTS=1 npm run test:integration`,
      );
      assert.equal(text, readFileSync(file, 'utf8'), `plan of ${name} changed`);
    });
  }
});
