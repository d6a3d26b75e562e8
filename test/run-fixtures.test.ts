import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  cli,
  copyFixture,
  groupAlive,
  parseJson,
  readExpect,
  tempDir,
  waitFor,
} from './helpers.js';

const FIXTURES = ['python-flask', 'python-fastapi', 'node-express'];

describe('repo-runner run --detach on each fixture', () => {
  const tmp = tempDir('fixtures');
  const home = `${tmp.dir}/home`;
  after(() => tmp.cleanup());

  for (const name of FIXTURES) {
    it(`${name}: healthy, answers as expected, and stop leaves no process`, async () => {
      const repo = copyFixture(name, tmp.dir);
      const out = await cli(home, ['run', repo, '--detach', '--json']);
      const report = parseJson(out);
      assert.equal(report.status, 'healthy', `${out.stdout}\n${out.stderr}`);
      assert.equal(out.code, 0);
      assert.equal(report.services.length, 1);
      const svc = report.services[0];
      assert.equal(svc.health, 'healthy');
      assert.match(svc.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      for (const phase of [
        'env',
        'fetch',
        'detect',
        'plan',
        'dependencies',
        'start',
        'health',
        'report',
      ]) {
        assert.equal(
          report.phases.find((p: { name: string }) => p.name === phase)?.status,
          'done',
          phase,
        );
      }
      let status;
      try {
        const expect = readExpect(name);
        const res = await fetch(new URL(expect.path, svc.url));
        assert.equal(res.status, expect.status);
        assert.ok((await res.text()).includes(expect.bodyContains));
        status = parseJson(await cli(home, ['status', report.runId, '--json']));
        assert.ok(status.supervisor > 0, 'a supervisor is watching the run');
      } catch (err) {
        await cli(home, ['stop', report.runId]);
        throw err;
      }

      const stopped = await cli(home, ['stop', report.runId]);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.ok(
        await waitFor(() => !groupAlive(svc.pid), 5000),
        `service group ${svc.pid} still alive after stop`,
      );
      assert.ok(
        await waitFor(() => !groupAlive(status.supervisor), 5000),
        'supervisor still alive after stop',
      );
      await assert.rejects(fetch(svc.url), 'nothing answers on the port after stop');
    });
  }

  it('a member folder of a Cargo workspace builds with its workspace root (inherited edition, the lockfile written there)', async () => {
    // The workspace root above the folder the user points at: the member inherits its
    // edition from it, and Cargo writes the workspace's Cargo.lock there.
    const ws = path.join(tmp.dir, 'cargo-ws');
    const member = copyFixture('rust-std', path.join(ws, 'apps'));
    rmSync(path.join(member, 'Cargo.lock'), { force: true });
    writeFileSync(
      path.join(ws, 'Cargo.toml'),
      '[workspace]\nmembers = ["apps/*"]\nresolver = "2"\n\n[workspace.package]\nedition = "2021"\n',
    );
    writeFileSync(
      path.join(member, 'Cargo.toml'),
      '[package]\nname = "rust-std"\nversion = "0.1.0"\nedition.workspace = true\npublish = false\n',
    );
    const out = await cli(home, ['run', member, '--detach', '--json']);
    const report = parseJson(out);
    try {
      assert.equal(report.status, 'healthy', `${out.stdout}\n${out.stderr}`);
      const res = await fetch(report.services[0].url);
      assert.match(await res.text(), /Hello from rust-std/);
      assert.ok(existsSync(path.join(ws, 'Cargo.lock')), 'the workspace lockfile is at its root');
    } finally {
      await cli(home, ['stop', report.runId]);
    }
  });
});
