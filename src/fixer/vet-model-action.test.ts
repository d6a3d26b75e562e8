import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRunContext } from '../core/run-context.js';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { RunOptionsSchema, type RunOptions } from '../model/run-options.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { FixActionSchema, type FixAction } from '../model/fix-action.js';
import { vetModelAction } from './vet-model-action.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-vet-'));
const repo = path.join(tmp, 'repo');
let store: Store;
before(async () => {
  store = await openSqliteStore(':memory:');
  mkdirSync(path.join(repo, 'backend', '.venv', 'bin'), { recursive: true });
  writeFileSync(path.join(repo, 'backend', 'manage.py'), '');
  writeFileSync(path.join(repo, 'backend', '.venv', 'bin', 'flask'), '');
  symlinkSync(process.execPath, path.join(repo, 'backend', '.venv', 'bin', 'node'));
  symlinkSync('/bin/sh', path.join(repo, 'backend', 'run.sh'));
  symlinkSync('/etc', path.join(repo, 'backend', 'etc'));
  symlinkSync('/usr/bin', path.join(repo, 'backend', 'tools'));
});
after(async () => {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cmd = (argv: string[]) => ({ argv, cwd: 'backend', env: {}, description: 'x' });
const api: ServiceSpec = {
  ...{ name: 'api', provider: 'python', framework: 'django', root: 'backend', protocol: 'http' },
  ...{ install: null, build: [], start: cmd(['python', 'manage.py', 'runserver']) },
  ...{ healthPath: null, env: {}, evidence: [] },
};

function ctx(options: Partial<RunOptions> = {}): RunContext {
  return createRunContext({
    ...{ runId: 'run-1', source: repo, home: tmp, runDir: path.join(tmp, 'run-1'), store },
    options: RunOptionsSchema.parse(options),
    state: {
      workspace: { repoPath: repo, kind: 'local', commit: null },
      plan: { ecosystems: ['python'], services: [api], warnings: [] },
    },
    env: {},
  });
}

/** The verdict on a schema-valid action (the model's actions are parsed before they are vetted). */
const vet = (action: FixAction, options: Partial<RunOptions> = {}) =>
  vetModelAction(ctx(options), FixActionSchema.parse(action));
const step = (...argv: string[]): FixAction => ({
  kind: 'run-step',
  service: 'api',
  step: 'migrate',
  argv,
});
const start = (...argv: string[]): FixAction => ({
  kind: 'switch-start-command',
  service: 'api',
  argv,
});
const install = (...argv: string[]): FixAction => ({
  kind: 'switch-install-command',
  service: 'api',
  argv,
});

describe('vetModelAction', () => {
  it('allows toolchain programs and files inside the repository', () => {
    assert.equal(vet(step('python', 'manage.py', 'migrate', '--noinput')), null);
    assert.equal(vet(install('pip', 'install', '-r', 'requirements.txt')), null);
    assert.equal(vet(start('gunicorn', '--bind', '{host}:{port}', 'app:app')), null);
    assert.equal(vet(step('npx', '--no-install', 'prisma', 'migrate', 'deploy')), null);
    assert.equal(vet(start('.venv/bin/flask', 'run')), null);
    assert.equal(vet(step('./manage.py', 'migrate')), null);
    assert.equal(vet(step('.venv/bin/alembic', 'upgrade', 'head')), null, 'need not exist yet');
    assert.equal(vet(start('python', `${repo}/backend/manage.py`, 'runserver')), null);
    assert.equal(vet(start('python', '../backend/manage.py')), null, '.. that stays inside');
  });

  it('refuses shells and other programs, by name or by path', () => {
    for (const program of [
      'sh',
      'bash',
      'rm',
      'curl',
      'sudo',
      'manage.py',
      '/bin/sh',
      '/usr/bin/python3',
    ])
      assert.match(vet(step(program, '-c', 'true')) ?? '', /not a toolchain program/, program);
    assert.match(vet(start('../../../../bin/sh')) ?? '', /not a toolchain program/);
  });

  it('refuses arguments that leave the repository', () => {
    assert.match(vet(step('python', '/etc/passwd')) ?? '', /\/etc\/passwd is outside/);
    assert.match(vet(install('pip', 'install', '-r', `${tmp}/other.txt`)) ?? '', /outside/);
    assert.match(vet(step('python', '../../etc/passwd')) ?? '', /leaves the repository/);
    assert.match(vet(step('node', '../../../x.js')) ?? '', /leaves the repository/);
    // Lexically inside, really outside: a folder of the repository linked to /etc.
    const linked = `${repo}/backend/etc/passwd`;
    assert.equal(vet(step('python', linked)), `${linked} is outside the repository`);
    // The venv exception is for a linked program, not a linked folder of programs.
    assert.match(vet(start('tools/sh')) ?? '', /not a toolchain program/);
    assert.match(vet(start('tools/python3')) ?? '', /not a toolchain program/);
  });

  it('checks the value of joined options (--target=/x, -r/x) as paths too', () => {
    assert.match(String(vet(install('pip', 'install', '--target=/usr/lib/x', 'six'))), /outside/);
    assert.match(String(vet(install('pip', 'install', '-r/etc/passwd'))), /outside/);
    assert.equal(vet(install('pip', 'install', '--no-input', '-rrequirements.txt')), null);
  });

  it('follows a symlink in the repository: a toolchain is allowed, a shell is not', () => {
    assert.equal(vet(start('.venv/bin/node', 'server.js')), null);
    assert.match(String(vet(start('./run.sh'))), /links to a program outside/);
  });

  it('refuses an unknown service, for every action that names one', () => {
    const actions: FixAction[] = [
      { kind: 'set-env', service: 'web', name: 'A', value: 'b' },
      { kind: 'move-port', service: 'web' },
      { kind: 'add-package', service: 'web', ecosystem: 'python', name: 'flask' },
      { kind: 'run-step', service: 'web', step: 'build', argv: ['npm', 'run', 'build'] },
    ];
    for (const a of actions) assert.equal(vet(a), 'there is no service named web', a.kind);
    assert.equal(vet({ kind: 'set-env', service: 'api', name: 'A', value: 'b' }), null);
  });

  it('refuses apt-install unless system packages are allowed', () => {
    const apt: FixAction = { kind: 'apt-install', packages: ['libpq-dev'] };
    assert.match(vet(apt) ?? '', /--allow-system-packages/);
    assert.equal(vet(apt, { allowSystemPackages: true }), null);
  });

  it('leaves actions without a command or service to the schema and apply', () => {
    assert.equal(vet({ kind: 'chmod', path: 'backend/manage.py' }), null);
    assert.equal(vet({ kind: 'extend-timeout', which: 'health', timeoutMs: 300_000 }), null);
  });
});
