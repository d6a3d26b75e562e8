import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, copyFixture, parseJson, processesMatching, tempDir } from './helpers.js';

/** Every file under `dir` with its size and mtime, to prove nothing of the user's was touched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    if (entry.startsWith('.venv') || entry.includes('__pycache__')) continue;
    const st = statSync(path.join(dir, entry));
    if (st.isFile()) out[entry] = `${st.size}:${st.mtimeMs}`;
  }
  return out;
}

describe('bad input gets a clear error, a documented exit code, and leaves nothing behind', () => {
  const tmp = tempDir('bad');
  const home = path.join(tmp.dir, 'home');
  after(() => tmp.cleanup());

  it('a path that does not exist: exit 2, names the path', async () => {
    const missing = path.join(tmp.dir, 'nope');
    const out = await cli(home, ['run', missing]);
    assert.equal(out.code, 2, out.stdout + out.stderr);
    assert.match(out.stdout + out.stderr, new RegExp(`path ${missing} does not exist`));
  });

  it('a directory with nothing runnable: exit 3, says what it looked for', async () => {
    const empty = path.join(tmp.dir, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'notes.txt'), 'hello');
    const out = await cli(home, ['run', empty, '--json']);
    assert.equal(out.code, 3);
    const report = parseJson(out);
    assert.equal(report.status, 'failed');
    assert.equal(report.error.code, 'NOTHING_TO_RUN');
    assert.match(
      report.error.message,
      /nothing to run.*looked for requirements\.txt, pyproject\.toml/,
    );
    assert.deepEqual(readdirSync(empty), ['notes.txt'], 'nothing was written into the user folder');
  });

  it('an unsupported ecosystem is named', async () => {
    const ruby = path.join(tmp.dir, 'ruby');
    mkdirSync(ruby);
    writeFileSync(path.join(ruby, 'Gemfile'), "source 'x'\n");
    const out = await cli(home, ['run', ruby, '--json']);
    assert.equal(out.code, 3);
    assert.match(parseJson(out).error.message, /Gemfile.*Ruby is not supported/);
  });

  it('a refused transport (ext::) and a malformed URL: exit 2, nothing cloned', async () => {
    const marker = path.join(tmp.dir, 'pwned');
    const ext = await cli(home, ['run', `ext::sh -c touch% ${marker}`, '--json']);
    assert.equal(ext.code, 2, ext.stdout);
    assert.match(parseJson(ext).error.message, /refusing ext::/);
    assert.throws(() => statSync(marker), 'the ext:: command must never run');
    const bad = await cli(home, ['run', 'https://', '--json']);
    assert.equal(bad.code, 2);
    assert.match(parseJson(bad).error.message, /malformed/);
  });

  it("an unreachable git URL: exit 4 with git's reason", async () => {
    const out = await cli(home, ['run', `file://${tmp.dir}/no-such-repo.git`, '--json']);
    assert.equal(out.code, 4, out.stdout);
    const report = parseJson(out);
    assert.equal(report.error.code, 'FETCH_FAILED');
    assert.match(report.error.message, /git clone of .* failed/);
  });

  it('a dependency install that fails: exit 6, the log tail, no orphan, user files intact', async () => {
    const repo = path.join(tmp.dir, 'badreq');
    mkdirSync(repo);
    writeFileSync(path.join(repo, 'requirements.txt'), './no-such-local-package\n');
    writeFileSync(path.join(repo, 'app.py'), 'import os\nprint(os.environ["PORT"])\n');
    const before = snapshot(repo);
    const out = await cli(home, ['run', repo, '--json']);
    assert.equal(out.code, 6, out.stdout + out.stderr);
    const report = parseJson(out);
    assert.equal(report.error.code, 'INSTALL_FAILED');
    assert.match(report.error.message, /no-such-local-package/);
    assert.match(report.error.hint, /install-web\.log/);
    assert.deepEqual(snapshot(repo), before);
    assert.deepEqual(processesMatching(`${repo}/.venv`), []);
  });

  it('a start command that exits at once: exit 9, the service log tail, no orphan', async () => {
    const repo = path.join(tmp.dir, 'crash');
    mkdirSync(repo);
    writeFileSync(path.join(repo, 'requirements.txt'), '');
    writeFileSync(
      path.join(repo, 'app.py'),
      'import os\nraise SystemExit("boom: missing DATABASE_URL " + os.environ["PORT"])\n',
    );
    const before = snapshot(repo);
    const out = await cli(home, ['run', repo, '--json', '--health-timeout', '30']);
    assert.equal(out.code, 9, out.stdout + out.stderr);
    const report = parseJson(out);
    assert.equal(report.status, 'failed');
    assert.equal(report.services[0].health, 'unhealthy');
    assert.match(report.services[0].detail, /exited/);
    assert.ok(
      report.services[0].logTail.some((l: string) => l.includes('boom: missing DATABASE_URL')),
      JSON.stringify(report.services[0]),
    );
    assert.deepEqual(snapshot(repo), before);
    assert.deepEqual(processesMatching(`${repo}/app.py`), []);
    const log = readFileSync(report.services[0].logFile, 'utf8');
    assert.match(log, /boom/);
  });

  it('an override file that does not validate: exit 2 naming the field and why', async () => {
    const repo = copyFixture('node-hardcoded-port', path.join(tmp.dir, 'override'));
    writeFileSync(
      path.join(repo, 'repo-runner.json'),
      JSON.stringify({ services: { web: { port: 'eighty' } }, skip_agents: ['HealthAgent'] }),
    );
    const out = await cli(home, ['run', repo, '--json']);
    assert.equal(out.code, 2, out.stdout + out.stderr);
    const message = parseJson(out).error.message;
    assert.match(message, /repo-runner\.json is not valid/);
    assert.match(message, /services\.web\.port: /);
    assert.match(message, /skip_agents\.0: /);
  });

  it('a toolchain missing from the machine: exit 5 naming the command and how to install it', async () => {
    const repo = copyFixture('go-nethttp', path.join(tmp.dir, 'nogo'));
    const out = await cli(home, ['run', repo, '--json'], { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(out.code, 5, out.stdout + out.stderr);
    const report = parseJson(out);
    assert.equal(report.error.code, 'TOOLCHAIN_MISSING');
    assert.match(report.error.message, /^go is not installed/);
    assert.match(report.error.hint, /apt-get install golang-go/);
  });

  it('a workspace monorepo with no runnable app: nothing to run', async () => {
    const repo = path.join(tmp.dir, 'libs-only');
    mkdirSync(path.join(repo, 'packages', 'util'), { recursive: true });
    writeFileSync(
      path.join(repo, 'package.json'),
      JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
    );
    writeFileSync(
      path.join(repo, 'packages', 'util', 'package.json'),
      JSON.stringify({ name: 'util', version: '1.0.0' }),
    );
    const out = await cli(home, ['run', repo, '--json']);
    assert.equal(out.code, 3, out.stdout + out.stderr);
    assert.equal(parseJson(out).error.code, 'NOTHING_TO_RUN');
  });

  it('a compose file that does not parse: exit 2 with the line and the reason', async () => {
    const repo = copyFixture('node-hardcoded-port', path.join(tmp.dir, 'badcompose'));
    writeFileSync(
      path.join(repo, 'docker-compose.yml'),
      'services:\n  web:\n    build: .\n   ports: ["80:80"]\n',
    );
    const out = await cli(home, ['run', repo, '--json']);
    assert.equal(out.code, 2, out.stdout + out.stderr);
    assert.match(parseJson(out).error.message, /docker-compose\.yml line \d+/);
  });

  it('unknown run ids and bad flags', async () => {
    const missing = await cli(home, ['resume', 'no-such-run']);
    assert.equal(missing.code, 10);
    assert.match(missing.stderr, /no run with id no-such-run/);
    const badTimeout = await cli(home, ['run', tmp.dir, '--health-timeout', 'soon']);
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--health-timeout must be a positive number/);
  });
});
