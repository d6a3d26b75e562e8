import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RESTART_POLICY } from '../src/core/restart-policy.js';
import { cli, groupAlive, parseJson, processesUnder, tempDir, waitFor } from './helpers.js';

/**
 * A dependency-free Node app that serves on PORT, and exits at once with a log line when the
 * file `crash-now` is in its folder: the test creates it to turn a healthy service into a
 * crash loop.
 */
function crashableApp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'crashable',
      version: '1.0.0',
      private: true,
      scripts: { start: 'node server.js' },
    }),
  );
  writeFileSync(
    path.join(dir, 'server.js'),
    `const fs = require('node:fs');
if (fs.existsSync(__dirname + '/crash-now')) { console.error('crashing on purpose: crash-now exists'); process.exit(3); }
require('node:http').createServer((q, r) => r.end('up\\n')).listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
  return dir;
}

const status = async (home: string, id: string) =>
  parseJson(await cli(home, ['status', id, '--json']));

describe('supervision: crash loops, restarts in status, adopting an orphaned run', () => {
  const tmp = tempDir('sup');
  const home = path.join(tmp.dir, 'home');
  const started: string[] = [];
  after(async () => {
    // Whatever a failed assertion left: stop every run (the outer limit of each test is its timeout).
    for (const id of started) await cli(home, ['stop', id]);
    tmp.cleanup();
  });

  it(
    `gives up a crash loop after ${RESTART_POLICY.burst} restarts: service failed with its last log lines, run failed, nothing left`,
    { timeout: 150_000 },
    async () => {
      const repo = crashableApp(path.join(tmp.dir, 'loop'));
      const report = parseJson(await cli(home, ['run', repo, '--detach', '--json']));
      started.push(report.runId);
      assert.equal(report.status, 'healthy', JSON.stringify(report));
      const first = report.services[0];
      writeFileSync(path.join(repo, 'crash-now'), '');
      const t0 = Date.now();
      process.kill(-first.pid, 'SIGKILL');
      let last: any;
      const gaveUp = await waitFor(async () => {
        last = await status(home, report.runId);
        return last.status === 'failed';
      }, 100_000);
      const seconds = (Date.now() - t0) / 1000;
      assert.ok(gaveUp, JSON.stringify(last, null, 2));
      const svc = last.report.services[0];
      assert.equal(svc.health, 'failed');
      assert.equal(svc.restarts, RESTART_POLICY.burst);
      assert.equal(svc.pid, null);
      assert.ok(
        svc.logTail.some((l: string) => l.includes('crashing on purpose')),
        svc.logTail.join('\n'),
      );
      assert.match(svc.detail, /gave up after 5 restarts within 60 s/);
      // Backoff 1+2+4+8+16 s before the 5 restarts: about 31 s, well inside the 60 s window.
      assert.ok(seconds > 25 && seconds < 60, `gave up after ${seconds} s`);
      // The supervisor ends once nothing is left to watch; no process of the app remains.
      assert.ok(await waitFor(() => processesUnder(repo).length === 0, 10_000));
      assert.ok(
        await waitFor(async () => (await status(home, report.runId)).supervisor === null, 10_000),
      );
      const text = await cli(home, ['status', report.runId]);
      assert.match(text.stdout, /failed/);
      assert.match(text.stdout, /crashing on purpose/);
      console.log(`crash loop given up after ${svc.restarts} restarts, ${seconds.toFixed(1)} s`);
    },
  );

  it(
    'status shows the restarted pid and the restart count; a dead supervisor is reported and resume adopts the live service',
    { timeout: 150_000 },
    async () => {
      const repo = crashableApp(path.join(tmp.dir, 'adopt'));
      const report = parseJson(await cli(home, ['run', repo, '--detach', '--json']));
      started.push(report.runId);
      assert.equal(report.status, 'healthy');
      const first = report.services[0];
      process.kill(-first.pid, 'SIGKILL');
      let s: any;
      assert.ok(
        await waitFor(async () => {
          s = await status(home, report.runId);
          return (
            s.report.services[0].pid !== first.pid && s.report.services[0].health === 'healthy'
          );
        }, 30_000),
        JSON.stringify(s),
      );
      const second = s.report.services[0];
      assert.equal(second.restarts, 1);
      assert.ok(groupAlive(second.pid), 'status shows a pid that is not running');
      // The restarted process is up; it answers on the same URL once it listens again.
      assert.ok(
        await waitFor(
          () =>
            fetch(first.url)
              .then((r) => r.status === 200)
              .catch(() => false),
          10_000,
        ),
        `${first.url} does not answer after the restart`,
      );

      // The supervisor dies (OOM killer, kill -9): the service keeps running, unwatched.
      const supervisorPid = s.supervisor as number;
      assert.ok(supervisorPid > 0);
      process.kill(supervisorPid, 'SIGKILL');
      assert.ok(await waitFor(() => !groupAlive(supervisorPid), 5000));
      const orphan = await status(home, report.runId);
      assert.equal(orphan.supervisorGone, true);
      assert.deepEqual(orphan.next, [
        `repo-runner resume ${report.runId}`,
        `repo-runner stop ${report.runId}`,
      ]);
      const text = await cli(home, ['status', report.runId]);
      assert.match(text.stdout, /supervisor gone.*repo-runner resume/);

      const resumed = parseJson(await cli(home, ['resume', report.runId, '--json']));
      assert.equal(resumed.adopted, true, JSON.stringify(resumed));
      const adopted = await status(home, report.runId);
      assert.equal(adopted.supervisorGone, false);
      assert.equal(adopted.supervisor, resumed.supervisorPid);
      assert.equal(adopted.report.services[0].pid, second.pid, 'adopting restarted the service');
      // The new supervisor watches it: a crash is restarted again.
      process.kill(-second.pid, 'SIGKILL');
      assert.ok(
        await waitFor(async () => {
          const x = await status(home, report.runId);
          return (
            x.report.services[0].pid !== second.pid && x.report.services[0].health === 'healthy'
          );
        }, 30_000),
      );
      const stop = parseJson(await cli(home, ['stop', report.runId, '--json']));
      assert.equal(stop.status, 'stopped');
      assert.ok(await waitFor(() => processesUnder(repo).length === 0, 10_000));
      assert.equal(groupAlive(resumed.supervisorPid), false);
    },
  );
});
