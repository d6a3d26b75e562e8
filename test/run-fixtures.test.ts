import assert from 'node:assert/strict';
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
});
