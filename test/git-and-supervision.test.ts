import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { BIN, cli, copyFixture, groupAlive, parseJson, tempDir, waitFor } from './helpers.js';

async function gitRepoOf(fixture: string, into: string): Promise<string> {
  const dir = copyFixture(fixture, into);
  const git = (...args: string[]) =>
    execa('git', args, {
      cwd: dir,
      env: {
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-qm', 'fixture');
  return dir;
}

describe('git URLs and supervision', () => {
  const tmp = tempDir('git');
  const home = path.join(tmp.dir, 'home');
  after(() => tmp.cleanup());

  it('clones a file:// git URL shallow into the run directory and runs it; the source is untouched', async () => {
    const origin = await gitRepoOf('node-express', tmp.dir);
    const out = await cli(home, ['run', `file://${origin}`, '--detach', '--json']);
    const report = parseJson(out);
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      assert.equal(report.repoPath, path.join(home, 'runs', report.runId, 'workspace'));
      const depth = await execa('git', ['rev-list', '--count', 'HEAD'], { cwd: report.repoPath });
      assert.equal(depth.stdout.trim(), '1');
      const res = await fetch(report.services[0].url);
      assert.match(await res.text(), /Hello from node-express/);
      const status = await execa('git', ['status', '--porcelain'], { cwd: origin });
      assert.equal(status.stdout.trim(), '', 'the origin repository was modified');
    } finally {
      await cli(home, ['stop', report.runId]);
    }
  });

  it('restarts a crashed service under the detached supervisor, on the same port', async () => {
    const repo = copyFixture('node-express', path.join(tmp.dir, 'sup'));
    const report = parseJson(await cli(home, ['run', repo, '--detach', '--json']));
    try {
      assert.equal(report.status, 'healthy');
      const first = report.services[0];
      process.kill(-first.pid, 'SIGKILL');
      const restarted = await waitFor(async () => {
        const s = parseJson(await cli(home, ['status', report.runId, '--json']));
        const pid = s.report.services[0].pid;
        return pid !== first.pid && s.report.services[0].health === 'healthy';
      }, 20_000);
      // The supervisor checkpoints the new pid; the port answers again.
      const events = await waitFor(
        async () =>
          await fetch(first.url)
            .then((r) => r.ok)
            .catch(() => false),
        20_000,
      );
      assert.ok(events, 'service did not answer again after the crash');
      assert.ok(restarted || events);
      const logs = await cli(home, ['logs', report.runId, 'web']);
      assert.equal((logs.stdout.match(/starting: /g) ?? []).length, 2, logs.stdout);
    } finally {
      await cli(home, ['stop', report.runId]);
    }
  });

  it('a foreground run stays attached and Ctrl-C (SIGINT) stops every process group', async () => {
    const repo = copyFixture('node-express', path.join(tmp.dir, 'fg'));
    const child = execa(process.execPath, [BIN, 'run', repo], {
      env: { REPO_RUNNER_HOME: home, NO_COLOR: '1' },
      reject: false,
      stdin: 'ignore',
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    assert.ok(await waitFor(() => /press Ctrl-C/.test(output), 120_000), output);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
    const pid = Number(/pid (\d+)/.exec(output)?.[1]);
    assert.ok(url && pid > 0, output);
    assert.equal((await fetch(url)).status, 200);
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 0, output);
    const ps = await execa('ps', ['-eo', 'pid,pgid,ppid,stat,args']);
    assert.equal(groupAlive(pid), false, `service group survived Ctrl-C:\n${output}\n${ps.stdout}`);
    await assert.rejects(fetch(url));
    const list = parseJson(await cli(home, ['status', '--json']));
    assert.equal(list[0].status, 'stopped');
  });
});
