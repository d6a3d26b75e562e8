import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import {
  BIN,
  cli,
  copyFixture,
  parseJson,
  processesMatching,
  tempDir,
  waitFor,
} from './helpers.js';

type Phase = { name: string; status: string; attempts: number };

/** Starts a foreground run whose CLI process the test will SIGKILL. */
function startRun(home: string, repo: string) {
  return execa(process.execPath, [BIN, 'run', repo, '--json'], {
    env: { REPO_RUNNER_HOME: home, NO_COLOR: '1' },
    reject: false,
    stdin: 'ignore',
  });
}

async function latestRun(home: string): Promise<{ id: string; phases: Phase[] } | null> {
  const list = parseJson(await cli(home, ['status', '--json']));
  if (list.length === 0) return null;
  const one = parseJson(await cli(home, ['status', list[0].id, '--json']));
  return { id: one.id, phases: one.phases };
}

const phase = (phases: Phase[], name: string) => phases.find((p) => p.name === name);

describe('a run killed with SIGKILL and resumed', () => {
  const tmp = tempDir('resume');
  after(() => tmp.cleanup());

  it('killed during install: resumes at dependencies, keeps the venv, kills the orphaned pip, ends healthy', async () => {
    const home = path.join(tmp.dir, 'home-a');
    const repo = copyFixture('python-flask', tmp.dir);
    const child = startRun(home, repo);
    assert.ok(
      await waitFor(
        () => processesMatching(`${repo}/.venv/bin/python -m pip install`).length > 0,
        90_000,
      ),
      'pip install never started',
    );
    const venvCfg = path.join(repo, '.venv', 'pyvenv.cfg');
    const venvMtime = statSync(venvCfg).mtimeMs;
    const orphans = processesMatching(`${repo}/.venv/bin/python -m pip install`);
    child.kill('SIGKILL');
    await child;
    const run = await latestRun(home);
    assert.ok(run);
    assert.equal(
      phase(run.phases, 'dependencies')?.status,
      'running',
      'the killed phase is left unfinished',
    );

    const out = await cli(home, ['resume', run.id, '--detach', '--json']);
    const report = parseJson(out);
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      const res = await fetch(new URL('/', report.services[0].url));
      assert.match(await res.text(), /Hello from python-flask/);
      for (const pid of orphans)
        assert.equal(
          processesMatching(String(pid)).includes(pid),
          false,
          `orphaned pip ${pid} still alive`,
        );
      assert.equal(statSync(venvCfg).mtimeMs, venvMtime, 'the venv was created again');
      const after = (await latestRun(home))!.phases;
      for (const name of ['env', 'fetch', 'detect'])
        assert.equal(phase(after, name)?.attempts, 1, `${name} ran again`);
      assert.equal(phase(after, 'dependencies')?.attempts, 2);
      assert.equal(phase(after, 'dependencies')?.status, 'done');
    } finally {
      await cli(home, ['stop', run.id]);
    }
  });

  it('killed after install, while starting: resume does not install again', async () => {
    const home = path.join(tmp.dir, 'home-b');
    const repo = copyFixture('python-flask', path.join(tmp.dir, 'b'));
    // Boot slowly so the kill lands between "started" and "healthy".
    const app = path.join(repo, 'app.py');
    writeFileSync(app, `import time\ntime.sleep(6)\n${readFileSync(app, 'utf8')}`);
    const child = startRun(home, repo);
    assert.ok(
      await waitFor(async () => {
        const run = await latestRun(home);
        return phase(run?.phases ?? [], 'start')?.status === 'done';
      }, 120_000),
      'start phase never finished',
    );
    child.kill('SIGKILL');
    await child;
    const run = (await latestRun(home))!;
    const out = await cli(home, ['resume', run.id, '--detach', '--json']);
    const report = parseJson(out);
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      const phases = (await latestRun(home))!.phases;
      assert.equal(phase(phases, 'dependencies')?.attempts, 1, 'dependencies ran again');
      assert.equal(
        phase(phases, 'start')?.attempts,
        2,
        'start runs again: its processes died with the run',
      );
      const installLog = readFileSync(
        path.join(home, 'runs', run.id, 'logs', 'install-web.log'),
        'utf8',
      );
      assert.equal(
        installLog.match(/-m pip install/g)?.length,
        1,
        'pip install ran more than once',
      );
      const gunicorns = processesMatching(`${repo}/.venv/bin/gunicorn`);
      // One master and its worker(s) of ONE process group: the first attempt's were stopped.
      const groups = new Set(
        gunicorns.map(
          (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2],
        ),
      );
      assert.equal(groups.size, 1, `gunicorn groups alive: ${[...groups].join(', ')}`);
    } finally {
      await cli(home, ['stop', run.id]);
    }
  });
});
