import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import {
  BIN,
  cli,
  parseJson,
  processesMatching,
  processesUnder,
  tempDir,
  waitFor,
} from './helpers.js';

/**
 * Starts `repo-runner run` in its own process group, as a shell starts a foreground job, so
 * `process.kill(-pid, 'SIGINT')` is what Ctrl-C in a terminal does: every process of the
 * group (the CLI and any child it did not detach) gets SIGINT.
 */
function runInTerminal(home: string, repo: string) {
  const child = execa(process.execPath, [BIN, 'run', repo], {
    env: { REPO_RUNNER_HOME: home, NO_COLOR: '1' },
    reject: false,
    stdin: 'ignore',
    detached: true,
    // The outer limit: a run that ignores the signal cannot outlive the test.
    timeout: 150_000,
    killSignal: 'SIGKILL',
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function phaseRunning(home: string, phase: string): Promise<boolean> {
  const list = parseJson(await cli(home, ['status', '--json']));
  if (!list[0]) return false;
  const run = parseJson(await cli(home, ['status', list[0].id, '--json']));
  return run.phases.some(
    (p: { name: string; status: string }) => p.name === phase && p.status === 'running',
  );
}

describe('interrupting a foreground run', () => {
  const tmp = tempDir('intr');
  const children: ResultPromise[] = [];
  after(async () => {
    for (const c of children) if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
    // Whatever a failed run left behind (its services run in their own process groups).
    for (const pid of processesUnder(tmp.dir))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    tmp.cleanup();
  });

  it(
    'Ctrl-C during install exits 130, the run is interrupted, no process is left',
    { timeout: 200_000 },
    async () => {
      const home = path.join(tmp.dir, 'home-install');
      // A node-express-like app whose install runs a long postinstall script, all offline:
      // its one dependency is a local folder, so the test sends nothing off this machine.
      const repo = path.join(tmp.dir, 'install');
      mkdirSync(repo, { recursive: true });
      writeFileSync(
        path.join(repo, 'package.json'),
        JSON.stringify({
          name: 'slow-install',
          version: '1.0.0',
          private: true,
          // A local dependency, so there is an install (and nothing to fetch).
          dependencies: { local: 'file:./local' },
          scripts: { postinstall: 'node slow-install.js', start: 'node server.js' },
        }),
      );
      mkdirSync(path.join(repo, 'local'));
      writeFileSync(
        path.join(repo, 'local', 'package.json'),
        JSON.stringify({ name: 'local', version: '1.0.0' }),
      );
      writeFileSync(path.join(repo, 'slow-install.js'), 'setTimeout(() => {}, 300000);\n');
      writeFileSync(
        path.join(repo, 'server.js'),
        "require('node:http').createServer((q, r) => r.end('up')).listen(Number(process.env.PORT));\n",
      );
      const { child, output } = runInTerminal(home, repo);
      children.push(child);
      assert.ok(await waitFor(() => phaseRunning(home, 'dependencies'), 120_000), output());
      // The postinstall script runs: the SIGINT reaches it too, as in a terminal.
      assert.ok(
        await waitFor(() => processesMatching('node slow-install.js').length > 0, 60_000),
        output(),
      );
      const t0 = Date.now();
      process.kill(-child.pid!, 'SIGINT');
      const result = await child;
      assert.equal(result.exitCode, 130, output());
      const list = parseJson(await cli(home, ['status', '--json']));
      assert.equal(list[0].status, 'interrupted');
      const text = await cli(home, ['status', list[0].id]);
      assert.match(text.stdout, /interrupted/);
      assert.ok(
        await waitFor(() => processesUnder(repo).length === 0, 10_000),
        `left: ${processesUnder(repo)}`,
      );
      assert.deepEqual(processesMatching('node slow-install.js'), []);
      console.log(`Ctrl-C during install: exit 130 after ${Date.now() - t0} ms`);
    },
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    it(
      `${signal} during the health phase ends the run interrupted (exit 130), not failed`,
      { timeout: 200_000 },
      async () => {
        const home = path.join(tmp.dir, `home-health-${signal}`);
        const repo = path.join(tmp.dir, `slow-${signal}`);
        mkdirSync(repo, { recursive: true });
        writeFileSync(
          path.join(repo, 'package.json'),
          JSON.stringify({
            name: 'slow',
            version: '1.0.0',
            private: true,
            scripts: { start: 'node server.js' },
          }),
        );
        // Listens only after 5 minutes: the health phase waits for it until it is interrupted.
        writeFileSync(
          path.join(repo, 'server.js'),
          "setTimeout(() => require('node:http').createServer((q, r) => r.end('up')).listen(Number(process.env.PORT)), 300000);\n",
        );
        const { child, output } = runInTerminal(home, repo);
        children.push(child);
        assert.ok(await waitFor(() => phaseRunning(home, 'health'), 120_000), output());
        if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
        else process.kill(child.pid!, 'SIGTERM'); // `kill <pid>`: the CLI alone
        const result = await child;
        assert.equal(result.exitCode, 130, output());
        const list = parseJson(await cli(home, ['status', '--json']));
        assert.equal(list[0].status, 'interrupted', output());
        assert.ok(
          await waitFor(() => processesUnder(repo).length === 0, 10_000),
          `left: ${processesUnder(repo)}`,
        );
      },
    );

  it('Ctrl-C the moment the report is printed stops the run and leaves nothing behind', async () => {
    const home = path.join(tmp.dir, 'home-report');
    const repo = path.join(tmp.dir, 'quick');
    mkdirSync(repo, { recursive: true });
    writeFileSync(
      path.join(repo, 'app.py'),
      [
        'import http.server, os',
        "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), http.server.SimpleHTTPRequestHandler).serve_forever()",
      ].join('\n'),
    );
    writeFileSync(
      path.join(repo, 'repo-runner.json'),
      JSON.stringify({ services: { web: { start: 'python3 app.py' } } }),
    );
    const { child, output } = runInTerminal(home, repo);
    children.push(child);
    // The report's first line: the SIGINT lands while the rest is printed, before the
    // foreground supervisor is up (it used to kill the CLI and leave the services running).
    assert.ok(await waitFor(() => /Run \S+: healthy/.test(output()), 120_000), output());
    process.kill(-child.pid!, 'SIGINT');
    const result = await child;
    assert.ok([0, 130].includes(result.exitCode ?? -1), `exit ${result.exitCode}: ${output()}`);
    const list = parseJson(await cli(home, ['status', '--json']));
    assert.ok(['stopped', 'interrupted'].includes(list[0].status), list[0].status);
    assert.ok(
      await waitFor(() => processesUnder(repo).length === 0, 10_000),
      `left: ${processesUnder(repo)}`,
    );
    const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    assert.doesNotMatch(netns, new RegExp(list[0].id), 'its network namespace is gone');
  });
});
