import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveProgram } from '../src/exec/sandbox.js';
import { cli, copyFixture, parseJson, tempDir } from './helpers.js';

/**
 * Issue #12, class 1: a package manager the machine lacks is provisioned from the npm
 * registry at the version the project names (`packageManager: pnpm@9.15.0`), kept under the
 * data dir and reused by the next run; the report names it.
 */
describe('toolchain provisioning: pnpm from the npm registry', () => {
  const tmp = tempDir('toolchains');
  const home = path.join(tmp.dir, 'home');
  after(() => tmp.cleanup());
  const machineHasPnpm = resolveProgram('pnpm', '/', process.env.PATH ?? '') !== null;

  async function runOnce(repo: string) {
    const out = await cli(home, ['run', repo, '--detach', '--json'], { timeoutMs: 300_000 });
    const report = parseJson(out);
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      const body = await (await fetch(report.services[0].url)).text();
      assert.match(body, /installed with pnpm, 1m is a minute/);
      return report as { warnings: string[] };
    } finally {
      await cli(home, ['stop', report.runId]);
    }
  }

  it('provisions pnpm 9.15.0 on the first run, reuses it on the next', async () => {
    const repo = copyFixture('node-pnpm', tmp.dir);
    const first = await runOnce(repo);
    const provisioned = first.warnings.filter((w) => /provisioned from the npm registry/.test(w));
    if (machineHasPnpm) {
      assert.deepEqual(provisioned, [], 'the machine has pnpm: nothing to provision');
      return;
    }
    assert.equal(provisioned.length, 1, first.warnings.join('\n'));
    assert.match(provisioned[0]!, /pnpm@9\.15\.0/);
    assert.ok(
      existsSync(path.join(home, 'toolchains', 'pnpm@9.15.0', 'node_modules', '.bin', 'pnpm')),
    );
    const second = await runOnce(repo);
    assert.deepEqual(
      second.warnings.filter((w) => /provisioned/.test(w)),
      [],
      'the second run reuses the provisioned pnpm',
    );
  });
});
