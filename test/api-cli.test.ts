import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { copyFixture, groupAlive, processesUnder, ROOT, tempDir, waitFor } from './helpers.js';

const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

describe('the CLI as a client of `repo-runner serve` (--server)', () => {
  const tmp = tempDir('cli-api');
  const root = path.join(tmp.dir, 'repos');
  const env = {
    HOME: path.join(tmp.dir, 'user'),
    XDG_CONFIG_HOME: path.join(tmp.dir, 'user', 'config'),
    REPO_RUNNER_HOME: path.join(tmp.dir, 'client-home'),
    NO_COLOR: '1',
    PATH: process.env.PATH ?? '',
  };
  let server: ResultPromise;
  let url = '';
  let repo = '';

  const cli = async (
    args: string[],
    opts: { input?: string; env?: Record<string, string> } = {},
  ) => {
    const r = await execa(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...env, ...opts.env },
      extendEnv: false,
      reject: false,
      timeout: 240_000,
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    repo = copyFixture('node-express', root);
    server = execa(
      process.execPath,
      ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--repos-root', root],
      {
        cwd: ROOT,
        env: {
          ...env,
          REPO_RUNNER_HOME: path.join(tmp.dir, 'server-home'),
          PATH: process.env.PATH ?? '',
        },
        extendEnv: false,
        reject: false,
      },
    );
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    assert.ok(
      await waitFor(() => /listening on (http:\/\/\S+)/.test(out), 30_000),
      `server did not start: ${out}`,
    );
    url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  });
  after(async () => {
    server?.kill('SIGTERM');
    await server?.catch(() => undefined);
    tmp.cleanup();
  });

  it('register, whoami, run, status, logs, stop, logout; clear errors when logged out or the server is down', async () => {
    const notYet = await cli(['whoami', '--server', url]);
    assert.equal(notYet.code, 13, notYet.stderr);
    assert.match(notYet.stderr, /not logged in to http:\/\/127\.0\.0\.1:\d+/);
    assert.match(notYet.stderr, /repo-runner login --server/);

    const reg = await cli(['register', '--server', url, '--username', 'alice'], {
      env: { REPO_RUNNER_PASSWORD: 'a long enough password' },
    });
    assert.equal(reg.code, 0, reg.stderr);
    const file = path.join(env.XDG_CONFIG_HOME, 'repo-runner', 'credentials');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);

    const who = await cli(['whoami', '--server', `${url}/`, '--json']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).user.username, 'alice');

    const run = await cli(['run', repo, '--server', url, '--json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.status, 'healthy');
    const res = await fetch(report.services[0].url);
    assert.match(await res.text(), /Hello from node-express/);

    const status = await cli(['status', '--server', url, '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(
      JSON.parse(status.stdout).map((r: { id: string }) => r.id),
      [report.runId],
    );

    const logs = await cli(['logs', report.runId, '--server', url]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /phase health/);

    const stop = await cli(['stop', report.runId, '--server', url, '--json']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(JSON.parse(stop.stdout).status, 'stopped');
    assert.ok(await waitFor(() => !groupAlive(report.services[0].pid), 10_000));
    assert.deepEqual(processesUnder(repo), []);
    // The run worked on its own copy, in the server's run dir.
    assert.deepEqual(processesUnder(path.join(tmp.dir, 'server-home', 'runs', report.runId)), []);

    const out = await cli(['logout', '--server', url]);
    assert.equal(out.code, 0, out.stderr);
    const after = await cli(['status', '--server', url]);
    assert.equal(after.code, 13);
    assert.match(after.stderr, /not logged in/);

    // Password on stdin (scripts), then the server goes away.
    const login = await cli(['login', '--server', url, '--username', 'alice'], {
      input: 'a long enough password\n',
    });
    assert.equal(login.code, 0, login.stderr);
    server.kill('SIGTERM');
    const ended = await server;
    assert.equal(ended.exitCode, 0, ended.stderr?.toString());
    const down = await cli(['status', '--server', url]);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /cannot reach the Repo Runner server/);
    assert.match(down.stderr, /repo-runner serve/);
  });
});
