import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { createRunContext } from '../../core/run-context.js';
import { RepoRunnerError } from '../../model/errors.js';
import { logFile } from '../../model/paths.js';
import type { ServiceSpec } from '../../model/plan.js';
import type { RunContext } from '../../model/run-context.js';
import { RunOptionsSchema, type RunOptions } from '../../model/run-options.js';
import { portManager } from '../../managers/port-manager.js';
import { openSqliteStore } from '../../store/sqlite.js';
import type { Store } from '../../model/store.js';
import { applyAction, installedVersion } from './apply.js';
import { resolveInside as insideRepo } from '../../repo/resolve-inside.js';
import type { FixAction } from '../../model/fix-action.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-apply-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cmd = (argv: string[]) => ({ argv, cwd: '.', env: {}, description: argv.join(' ') });
const web = (): ServiceSpec => ({
  ...{ name: 'web', provider: 'python', framework: null, root: '.', protocol: 'http' },
  install: { isolation: 'venv', dir: '.venv', manifests: [], steps: [cmd(['pip', 'install'])] },
  ...{ build: [], start: cmd(['python', 'app.py']), healthPath: null, env: {}, evidence: [] },
});

const refused = (err: unknown) => err instanceof RepoRunnerError && err.code === 'BAD_INPUT';
const mode = (file: string) => statSync(file).mode & 0o7777;
const write = (file: string, text: string, perm = 0o644) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, perm); // whatever the umask
};

describe('applyAction', () => {
  let store: Store;
  let repo: string;
  let outside: string;
  let n = 0;
  let runs = 0;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    repo = path.join(tmp, `repo-${++n}`);
    outside = path.join(tmp, `outside-${n}`);
    mkdirSync(repo);
    mkdirSync(outside);
  });
  afterEach(async () => store.close());

  async function newCtx(options: Partial<RunOptions> = {}): Promise<RunContext> {
    const runId = `run-${++runs}`;
    await store.createRun({ id: runId, source: repo, options: {} });
    return createRunContext({
      ...{ runId, source: repo, home: tmp, runDir: path.join(tmp, runId), store },
      options: RunOptionsSchema.parse(options),
      state: {
        workspace: { repoPath: repo, kind: 'local', commit: null },
        plan: { ecosystems: ['python'], services: [web()], warnings: [] },
      },
      env: { PATH: process.env.PATH ?? '' },
    });
  }
  const apply = async (action: FixAction, options: Partial<RunOptions> = {}) => {
    const ctx = await newCtx(options);
    return { ctx, applied: await applyAction(ctx, action), svc: ctx.state.plan?.services[0] };
  };

  it('chmod makes a script executable and undo restores its mode', async () => {
    const script = path.join(repo, 'bin', 'start.sh');
    write(script, '#!/bin/sh\n');
    const { applied } = await apply({ kind: 'chmod', path: 'bin/start.sh' });
    assert.equal(mode(script), 0o755);
    assert.equal(applied.affects, null);
    await applied.undo();
    assert.equal(mode(script), 0o644);
  });

  it('chmod refuses a path or a symlink leading outside the repository', async () => {
    const victim = path.join(outside, 'x.sh');
    write(victim, 'x');
    symlinkSync(victim, path.join(repo, 'link.sh'));
    const ctx = await newCtx();
    for (const p of [path.relative(repo, victim), 'link.sh'])
      await assert.rejects(applyAction(ctx, { kind: 'chmod', path: p }), refused, p);
    assert.equal(mode(victim), 0o644, 'unchanged');
  });

  it('create-from-example copies the example and undo deletes only the copy', async () => {
    write(path.join(repo, '.env.example'), 'SECRET_KEY=\n');
    const { applied } = await apply({
      kind: 'create-from-example',
      path: '.env',
      example: '.env.example',
    });
    assert.equal(readFileSync(path.join(repo, '.env'), 'utf8'), 'SECRET_KEY=\n');
    assert.equal(applied.affects, 'configure');
    await applied.undo();
    assert.equal(existsSync(path.join(repo, '.env')), false);
    assert.equal(readFileSync(path.join(repo, '.env.example'), 'utf8'), 'SECRET_KEY=\n');
  });

  it('create-from-example never overwrites an existing file', async () => {
    write(path.join(repo, 'config', 'local.json'), '{"mine":true}');
    write(path.join(repo, 'config', 'local.example.json'), '{}');
    const action: FixAction = {
      kind: 'create-from-example',
      path: 'config/local.json',
      example: 'config/local.example.json',
    };
    await assert.rejects(applyAction(await newCtx(), action), refused);
    assert.equal(readFileSync(path.join(repo, 'config', 'local.json'), 'utf8'), '{"mine":true}');
  });

  it('create-from-example refuses a target that a symlink leads outside', async () => {
    write(path.join(repo, '.env.example'), 'A=1\n');
    symlinkSync(outside, path.join(repo, 'conf'));
    symlinkSync(path.join(outside, 'dangling'), path.join(repo, '.env'));
    const ctx = await newCtx();
    for (const target of ['conf/.env', '.env']) {
      const action: FixAction = {
        kind: 'create-from-example',
        path: target,
        example: '.env.example',
      };
      await assert.rejects(applyAction(ctx, action), refused, target);
    }
    assert.deepEqual(readdirSync(outside), [], 'nothing written outside');
  });

  it('set-env sets the variable for the service and its start command', async () => {
    const { svc, applied } = await apply({
      kind: 'set-env',
      service: 'web',
      name: 'A_KEY',
      value: 'v',
    });
    assert.equal(svc?.env.A_KEY, 'v');
    assert.equal(svc?.start.env.A_KEY, 'v');
    assert.equal(applied.affects, 'start');
  });

  it('switch-start-command and switch-install-command change the plan', async () => {
    const argv = ['gunicorn', 'app:app'];
    const started = await apply({ kind: 'switch-start-command', service: 'web', argv });
    assert.deepEqual(started.svc?.start.argv, argv);
    const install = ['pip', 'install', '--no-deps', '.'];
    const { svc, applied } = await apply({
      kind: 'switch-install-command',
      service: 'web',
      argv: install,
    });
    assert.deepEqual(
      svc?.install?.steps.map((s) => [s.argv, s.cwd]),
      [[install, '.']],
    );
    assert.equal(applied.affects, 'dependencies');
  });

  it('pin-version undone puts the version that was installed back (a real venv and pip)', async () => {
    const ctx = await newCtx({ sandbox: 'none' });
    const venv = path.join(repo, '.venv');
    const pip = (...args: string[]) =>
      execFileSync(path.join(venv, 'bin', 'python'), ['-m', 'pip', '-q', ...args]);
    execFileSync('python3', ['-m', 'venv', venv]);
    pip('install', '--disable-pip-version-check', 'six==1.16.0');
    const svc = ctx.state.plan!.services[0]!;
    assert.equal(installedVersion(repo, svc, 'python', 'six'), '1.16.0');
    const action: FixAction = {
      kind: 'pin-version',
      service: 'web',
      ecosystem: 'python',
      name: 'six',
      version: '1.17.0',
    };
    const applied = await applyAction(ctx, action);
    assert.equal(installedVersion(repo, svc, 'python', 'six'), '1.17.0');
    await applied.undo();
    assert.equal(installedVersion(repo, svc, 'python', 'six'), '1.16.0', 'restored, not removed');
    // A package that was not there before is removed by the undo.
    const added = await applyAction(ctx, {
      kind: 'add-package',
      service: 'web',
      ecosystem: 'python',
      name: 'idna',
    });
    assert.ok(installedVersion(repo, svc, 'python', 'IDNA'), 'names compared as PEP 503 does');
    await added.undo();
    assert.equal(installedVersion(repo, svc, 'python', 'idna'), null);
  });

  it('switch-install-command refuses a service without an install step', async () => {
    const ctx = await newCtx();
    const svc = ctx.state.plan?.services[0];
    if (svc) svc.install = null;
    const action: FixAction = { kind: 'switch-install-command', service: 'web', argv: ['x'] };
    await assert.rejects(applyAction(ctx, action), refused);
  });

  it('extend-timeout changes the run options', async () => {
    const health = await apply({ kind: 'extend-timeout', which: 'health', timeoutMs: 360_000 });
    assert.equal(health.ctx.options.healthTimeoutMs, 360_000);
    assert.equal(health.ctx.options.commandTimeoutMs, 900_000);
    const command = await apply({ kind: 'extend-timeout', which: 'command', timeoutMs: 1_800_000 });
    assert.equal(command.ctx.options.commandTimeoutMs, 1_800_000);
    assert.equal(command.ctx.options.healthTimeoutMs, 120_000);
  });

  it('apt-install is refused without allowSystemPackages, running nothing', async () => {
    const ctx = await newCtx();
    const action: FixAction = { kind: 'apt-install', packages: ['libpq-dev'] };
    await assert.rejects(applyAction(ctx, action), (err: unknown) => {
      assert.ok(refused(err));
      assert.match((err as RepoRunnerError).hint ?? '', /--allow-system-packages/);
      return true;
    });
    assert.equal(existsSync(logFile(ctx.runDir, 'fix-web')), false);
  });

  it('move-port leases a different free port to the service', async () => {
    const ctx = await newCtx();
    const { web: old = 0 } = await portManager.allocate(store, ctx.runId, '127.0.0.1', ['web']);
    ctx.state.decided = { host: '127.0.0.1', ports: { web: old } };
    const applied = await applyAction(ctx, { kind: 'move-port', service: 'web' });
    const port = ctx.state.decided.ports.web;
    assert.ok(port && port !== old, `${old} → ${port}`);
    const leases = await store.leasedPorts();
    assert.ok(leases.some((l) => l.port === port && l.runId === ctx.runId && l.service === 'web'));
    assert.equal(applied.affects, 'start');
    assert.match(applied.detail, new RegExp(`${old} to ${port}`));
  });

  it('refuses an unknown service', async () => {
    const ctx = await newCtx();
    const actions: FixAction[] = [
      { kind: 'set-env', service: 'api', name: 'A', value: 'b' },
      { kind: 'move-port', service: 'api' },
      { kind: 'switch-start-command', service: 'api', argv: ['x'] },
    ];
    for (const action of actions)
      await assert.rejects(applyAction(ctx, action), refused, action.kind);
    assert.deepEqual(ctx.state.plan?.services[0]?.env, {});
  });
});

describe('insideRepo', () => {
  it('resolves paths inside the repository and refuses the rest', () => {
    const repo = mkdtempSync(path.join(tmp, 'inside-'));
    assert.equal(insideRepo(repo, 'a/../b.sh'), path.join(repo, 'b.sh'));
    assert.equal(insideRepo(repo, '.'), repo);
    assert.throws(() => insideRepo(repo, '../x'), refused);
    assert.throws(() => insideRepo(repo, `${repo}-sibling/x`), refused);
  });
});
