import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, parseJson, tempDir } from './helpers.js';

/**
 * The attack of issue #11, as a run's own code would try it: a start command that probes
 * what it can read, write and see, then serves HTTP so the run comes up healthy. Every
 * probe's refusal is asserted from the file the probe wrote into its repository.
 */
describe('sandbox: what a run can reach (bubblewrap)', () => {
  const { dir, cleanup } = tempDir('sandbox');
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  const outside = path.join(dir, 'outside');
  // A stand-in for ~/.ssh/id_rsa: a secret in the operator's home, removed after.
  const secretDir = path.join(os.homedir(), `.rr-sandbox-test-${process.pid}`);
  const secretFile = path.join(secretDir, 'id_rsa');
  // A stand-in for a host service's socket under /run (PostgreSQL's, D-Bus's).
  const runFile = `/run/rr-sandbox-test-${process.pid}`;
  const SECRET = `SECRET-${process.pid}-${Date.now()}`;
  let report: { runId: string; status: string; services: Array<{ url: string }> };
  let probes: Record<string, string>;

  before(async () => {
    mkdirSync(repo, { recursive: true });
    mkdirSync(outside, { recursive: true });
    mkdirSync(secretDir, { recursive: true });
    writeFileSync(secretFile, SECRET);
    writeFileSync(runFile, SECRET);
    const store = path.join(home, 'repo-runner.db');
    writeFileSync(
      path.join(repo, 'probe.sh'),
      [
        'out=probes.txt; : > $out',
        `[ -e '${store}' ] && echo store=visible >> $out || echo store=hidden >> $out`,
        `cat '${secretFile}' >/dev/null 2>&1 && echo secret=read >> $out || echo secret=hidden >> $out`,
        `ls -A '${path.join(home, 'runs')}' | wc -l | sed 's/^/runs_visible=/' >> $out`,
        `[ -e '${runFile}' ] && echo host_run=visible >> $out || echo host_run=hidden >> $out`,
        `(echo x > '${path.join(outside, 'pwned')}') 2>/dev/null && echo write_outside=yes >> $out || echo write_outside=no >> $out`,
        `(echo x > /etc/pwned-${process.pid}) 2>/dev/null && echo write_etc=yes >> $out || echo write_etc=no >> $out`,
        `(echo x > .git/pwned) 2>/dev/null && echo write_git=yes >> $out || echo write_git=no >> $out`,
        `echo x > inside.txt && echo write_repo=yes >> $out`,
        `grep -l '${SECRET}' /proc/[0-9]*/environ >/dev/null 2>&1 && echo proc_environ=leak >> $out || echo proc_environ=none >> $out`,
        `ls /proc | grep -c '^[0-9]' | sed 's/^/pids_seen=/' >> $out`,
        `env | grep -c -e OPENAI_API_KEY -e AWS_SECRET -e REPO_RUNNER_ | sed 's/^/secret_env=/' >> $out`,
        `id -u | sed 's/^/uid=/' >> $out`,
        // Root-owned files a capability-less root still reads as their owner.
        `[ -s /etc/shadow ] && cat /etc/shadow >/dev/null 2>&1 && echo shadow=read >> $out || echo shadow=hidden >> $out`,
        `grep CapEff /proc/self/status | awk '{print "caps=" $2}' >> $out`,
        'exec python3 -m http.server "$PORT" --bind 127.0.0.1',
      ].join('\n'),
    );
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(
      path.join(repo, 'repo-runner.json'),
      JSON.stringify({ services: { web: { start: 'sh probe.sh' } } }),
    );
    const r = await cli(home, ['run', repo, '--detach', '--json'], {
      env: { OPENAI_API_KEY: SECRET, AWS_SECRET_ACCESS_KEY: SECRET },
    });
    report = parseJson(r);
    probes = Object.fromEntries(
      readFileSync(path.join(repo, 'probes.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
  });

  after(async () => {
    if (report?.runId) await cli(home, ['stop', report.runId]);
    rmSync(secretDir, { recursive: true, force: true });
    rmSync(runFile, { force: true });
    rmSync(`/etc/pwned-${process.pid}`, { force: true });
    cleanup();
  });

  it('comes up healthy, so the probes really ran inside a working run', async () => {
    assert.equal(report.status, 'healthy', JSON.stringify(report));
    const res = await fetch(report.services[0]!.url);
    assert.equal(res.status, 200);
  });

  it("cannot see the store, other runs, or the operator's home secrets", () => {
    assert.equal(probes.store, 'hidden');
    assert.equal(probes.secret, 'hidden');
    assert.equal(probes.runs_visible, '1', 'only its own run directory');
    assert.equal(probes.host_run, 'hidden', "the host's /run (its services' sockets)");
  });

  it("gets none of the operator's secrets or Repo Runner's variables in its environment", () => {
    assert.equal(probes.secret_env, '0');
    assert.equal(probes.proc_environ, 'none', 'no /proc/<pid>/environ holds the secret');
    assert.ok(Number(probes.pids_seen) < 10, `sees only its own processes: ${probes.pids_seen}`);
  });

  it('writes only into its repository (not .git, not /etc, not outside)', () => {
    assert.equal(probes.write_repo, 'yes');
    assert.ok(existsSync(path.join(repo, 'inside.txt')));
    assert.equal(probes.write_outside, 'no');
    assert.equal(existsSync(path.join(outside, 'pwned')), false);
    assert.equal(probes.write_etc, 'no');
    assert.equal(existsSync(`/etc/pwned-${process.pid}`), false);
    assert.equal(probes.write_git, 'no');
  });

  it('runs with no capabilities, and cannot read root-only system files', () => {
    assert.equal(probes.caps, '0000000000000000');
    if (existsSync('/etc/shadow')) assert.equal(probes.shadow, 'hidden');
  });
});
