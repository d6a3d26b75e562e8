import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { proposeFixes, serviceFor } from './catalogue.js';
import type { ErrorClass } from './classes.js';
import type { ErrorSignature } from './signature.js';
import { classifyLog } from './failures.test-kit.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-catalogue-'));
let store: Store;
before(async () => void (store = await openSqliteStore(':memory:')));
after(async () => {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
/** A new repository directory holding `files`. */
function repoWith(files: Record<string, string> = {}): string {
  const repo = path.join(tmp, `repo-${++n}`);
  mkdirSync(repo);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    writeFileSync(path.join(repo, f), text);
  }
  return repo;
}

type Kind = 'python' | 'node';
const cmd = (argv: string[], cwd: string) => ({ argv, cwd, env: {}, description: argv[0] ?? '' });
const PIP = ['.venv/bin/python', '-m', 'pip', 'install', '-r', 'requirements.txt'];

/** A service as the providers plan it: install and start run in its root. */
function svc(name: string, kind: Kind, over: Partial<ServiceSpec> = {}): ServiceSpec {
  const root = over.root ?? '.';
  const python = kind === 'python';
  const isolation = python ? ('venv' as const) : ('node_modules' as const);
  const dir = python ? path.join(root, '.venv') : 'node_modules';
  const install = {
    isolation,
    dir,
    manifests: [],
    steps: [cmd(python ? PIP : ['npm', 'ci'], root)],
  };
  const start = cmd(python ? ['python', 'app.py'] : ['node', 'server.js'], root);
  const base = { name, provider: kind, framework: null, root, protocol: 'http' as const };
  return { ...base, install, build: [], start, healthPath: null, env: {}, evidence: [], ...over };
}

function ctxFor(repo: string, services: ServiceSpec[], opts: Partial<RunOptions> = {}): RunContext {
  const runId = `run-${++n}`;
  return createRunContext({
    runId,
    source: repo,
    home: tmp,
    runDir: path.join(tmp, runId),
    options: RunOptionsSchema.parse(opts),
    store,
    state: {
      workspace: { repoPath: repo, kind: 'local', commit: null },
      plan: { ecosystems: [], services, warnings: [] },
    },
    env: {},
  });
}

type Phase = ErrorSignature['phase'];
const BASE = { service: null, ecosystem: null, fixable: true, evidence: '' };
const sig = (cls: ErrorClass, details: Record<string, string> = {}, phase: Phase = 'start') =>
  ({ ...BASE, class: cls, phase, details }) satisfies ErrorSignature;
const log = (line: string, phase: Phase = 'start') => classifyLog(line, phase);
const py = (repo = repoWith(), over: Partial<ServiceSpec> = {}) =>
  ctxFor(repo, [svc('web', 'python', over)]);
const js = (repo = repoWith(), over: Partial<ServiceSpec> = {}) =>
  ctxFor(repo, [svc('web', 'node', over)]);

/** The proposals, each valid for the action schema (the fixer applies rule actions unparsed). */
function propose(ctx: RunContext, s: ErrorSignature): FixAction[] {
  const actions = proposeFixes(ctx, s);
  for (const a of actions) assert.deepEqual(FixActionSchema.parse(a), a);
  return actions;
}
const expect = (ctx: RunContext, s: ErrorSignature, want: unknown[], why?: string) =>
  assert.deepEqual(propose(ctx, s), want, why);

const service = 'web';
type Ext = 'command' | 'health';
type Step = 'build' | 'migrate';
const add = (ecosystem: Kind, name: string) => [{ kind: 'add-package', service, ecosystem, name }];
const install = (...argv: string[]) => [{ kind: 'switch-install-command', service, argv }];
const step = (s: Step, ...argv: string[]) => [{ kind: 'run-step', service, step: s, argv }];
const start = (...argv: string[]) => [{ kind: 'switch-start-command', service, argv }];
const env = (name: string, value: string) => [{ kind: 'set-env', service, name, value }];
const chmod = (p: string) => [{ kind: 'chmod', path: p }];
const movePort = [{ kind: 'move-port', service }];
const extend = (which: Ext, timeoutMs: number) => [{ kind: 'extend-timeout', which, timeoutMs }];

describe('serviceFor', () => {
  it('takes the named service, else the only one, else none', () => {
    const two = ctxFor(repoWith(), [svc('api', 'python'), svc('web', 'node')]);
    assert.equal(serviceFor(two, { ...sig('unknown'), service: 'web' })?.provider, 'node');
    assert.equal(serviceFor(two, sig('unknown')), null);
    assert.equal(serviceFor(py(), sig('unknown'))?.name, 'web');
  });
});

describe('proposeFixes', () => {
  it('python-module-missing installs the distribution providing the module', () => {
    const missing = (m: string) => log(`ModuleNotFoundError: No module named '${m}'`);
    expect(py(), missing('dotenv'), add('python', 'python-dotenv'));
    expect(py(), missing('yaml'), add('python', 'PyYAML'));
    expect(py(), missing('flask_cors.core'), add('python', 'Flask-Cors'));
    expect(py(), missing('my_lib'), add('python', 'my-lib'));
    expect(js(), missing('yaml'), [], 'not for a Node service');
  });

  it('node-module-missing installs the package of the specifier', () => {
    expect(js(), log("Error: Cannot find module 'lodash/fp'"), add('node', 'lodash'));
    expect(js(), sig('node-module-missing', { module: 'lodash/fp' }), add('node', 'lodash'));
    const scoped = "Cannot find package '@acme/ui/button' imported from /app/x.js";
    expect(js(), log(scoped), add('node', '@acme/ui'));
    expect(js(), sig('node-module-missing', { module: '@acme/ui/x' }), add('node', '@acme/ui'));
    expect(js(), sig('node-module-missing', { module: './lib/util' }), []);
    expect(js(), sig('node-module-missing', { module: 'node:fs' }), []);
    expect(py(), sig('node-module-missing', { package: 'lodash' }), []);
  });

  it('command-not-found installs a known command for its ecosystem only', () => {
    expect(py(), log('sh: 1: gunicorn: not found'), add('python', 'gunicorn'));
    const inVenv = sig('command-not-found', { command: '.venv/bin/uvicorn' });
    expect(py(), inVenv, add('python', 'uvicorn'));
    expect(js(), log('sh: 1: nodemon: not found'), add('node', 'nodemon'));
    expect(js(), log('sh: 1: gunicorn: not found'), []);
    expect(py(), log('sh: 1: frobnicate: not found'), []);
  });

  it('env-var-missing generates a secret only for secret-like names', () => {
    const [a] = propose(py(), log("KeyError: 'APP_SECRET'"));
    const [b] = propose(py(), log("KeyError: 'APP_SECRET'"));
    assert.equal(a?.kind === 'set-env' && a.name, 'APP_SECRET');
    assert.match(a?.kind === 'set-env' ? a.value : '', /^[0-9a-f]{64}$/);
    assert.notDeepEqual(a, b, 'a fresh random value each time');
    for (const name of ['SECRET_KEY', 'API_TOKEN', 'DB_PASSWORD', 'STRIPE_KEY', 'SECRET_KEY_BASE'])
      assert.equal(propose(py(), sig('env-var-missing', { variable: name })).length, 1, name);
    for (const name of ['DATABASE_URL', 'PORT', 'MONKEY', 'REDIS_HOST'])
      expect(py(), sig('env-var-missing', { variable: name }), [], name);
  });

  it('permission-denied makes a script inside the repository executable', () => {
    const repo = repoWith();
    const denied = (p: string) => log(`PermissionError: [Errno 13] Permission denied: '${p}'`);
    expect(py(repo), log('sh: 1: ./start.sh: Permission denied'), chmod('start.sh'));
    expect(py(repo), denied(`${repo}/bin/run.sh`), chmod(path.join('bin', 'run.sh')));
    expect(py(repo), denied('/var/log/app.log'), []);
    expect(py(repo), denied(`${repo}-other/run.sh`), [], 'a sibling directory is outside');
    const sub = py(repo, { root: 'backend' });
    const where = 'relative to the service root, where the command ran';
    expect(sub, log('sh: 1: ./start.sh: Permission denied'), chmod('backend/start.sh'), where);
    expect(sub, sig('permission-denied', { path: '../run.sh' }), chmod('run.sh'));
    expect(py(repo), sig('permission-denied', { path: '../x.sh' }), [], 'never outside');
    expect(js(repo), log('Error: listen EACCES: permission denied 0.0.0.0:80'), movePort);
  });

  it('port-in-use moves the port', () => {
    expect(js(), log('Error: listen EADDRINUSE: address already in use 127.0.0.1:8080'), movePort);
  });

  it('lockfile-out-of-sync installs without the frozen lockfile, per manager', () => {
    const stale = (manager: string) => sig('lockfile-out-of-sync', { manager }, 'dependencies');
    const npm = install('npm', 'install', '--no-package-lock', '--no-audit', '--no-fund');
    expect(js(), stale('npm'), npm);
    expect(js(), stale('pnpm'), install('pnpm', 'install', '--no-frozen-lockfile'));
    expect(js(), stale('yarn'), install('yarn', 'install', '--no-immutable'));
    expect(js(), stale('poetry'), []);
  });

  it('node-dependency-conflict retries with --legacy-peer-deps, keeping a lockfile', () => {
    const s = log('npm error ERESOLVE unable to resolve dependency tree', 'dependencies');
    const repo = repoWith({ 'web/package-lock.json': '{}' });
    const flags = ['--no-audit', '--no-fund'];
    expect(js(repo, { root: 'web' }), s, install('npm', 'ci', '--legacy-peer-deps', ...flags));
    const noLock = install('npm', 'install', '--legacy-peer-deps', '--no-package-lock', ...flags);
    expect(js(repo), s, noLock, 'the lockfile is looked up in the service root');
  });

  it('pip-no-matching-distribution installs from a relaxed copy of the requirements', () => {
    const original = 'Flask==99.0\nrequests==2.31.0\n';
    const repo = repoWith({ 'requirements.txt': original });
    const ctx = py(repo);
    const [action] = propose(ctx, log('ERROR: No matching distribution found for flask==99.0'));
    const argv = action?.kind === 'switch-install-command' ? action.argv : [];
    const copy = argv.at(-1) ?? '';
    assert.deepEqual(argv.slice(0, -1), PIP.slice(0, -1));
    assert.ok(copy.startsWith(ctx.runDir + path.sep), copy);
    assert.equal(readFileSync(copy, 'utf8'), 'Flask\nrequests==2.31.0\n');
    assert.equal(readFileSync(path.join(repo, 'requirements.txt'), 'utf8'), original);
    expect(py(repo), sig('pip-no-matching-distribution', { package: 'django' }), []);
  });

  it('build-output-missing runs the first build script package.json has', () => {
    const s = log("Error: Cannot find module '/app/dist/main.js'");
    const scripts = { start: 'node dist/main.js', bundle: 'esbuild', compile: 'tsc' };
    const repo = repoWith({ 'package.json': JSON.stringify({ scripts }) });
    expect(js(repo), s, step('build', 'npm', 'run', 'compile'));
    expect(js(repoWith({ 'package.json': '{"scripts":{"start":"x"}}' })), s, []);
    expect(py(repo), s, [], 'not for a Python service');
  });

  it('migration-needed runs the migrate command of django, alembic or flask-migrate', () => {
    const django = log('You have 18 unapplied migration(s). Your project may not work properly.');
    const table = log('sqlalchemy.exc.ProgrammingError: relation "users" does not exist');
    const sub = py(repoWith({ 'backend/manage.py': '' }), { root: 'backend' });
    expect(sub, django, step('migrate', '.venv/bin/python', 'manage.py', 'migrate', '--noinput'));
    const alembic = py(repoWith({ 'alembic.ini': '' }));
    expect(alembic, table, step('migrate', '.venv/bin/alembic', 'upgrade', 'head'));
    const flask = repoWith({ 'migrations/env.py': '', 'migrations/alembic.ini': '' });
    expect(py(flask), table, step('migrate', '.venv/bin/flask', 'db', 'upgrade'));
    expect(py(), table, []);
  });

  it('out-of-memory raises the heap limit, or sets NODE_OPTIONS for a Node service', () => {
    const oom = log('FATAL ERROR: Reached heap limit ... JavaScript heap out of memory');
    const node = (...argv: string[]) => js(repoWith(), { start: cmd(argv, '.') });
    const flag = (mib: number) => `--max-old-space-size=${mib}`;
    expect(node('node', flag(512), 's.js'), oom, start('node', flag(2048), 's.js'));
    expect(node('node', flag(100), 's.js'), oom, start('node', flag(1024), 's.js'));
    const inline = (mib: number) => `node ${flag(mib)} s.js`;
    expect(node('sh', '-c', inline(600)), oom, start('sh', '-c', inline(2400)));
    expect(js(), oom, env('NODE_OPTIONS', flag(4096)));
    expect(py(), oom, []);
  });

  it('command-timed-out and never-binds extend the timeout, until it is long already', () => {
    const at = (opts: Partial<RunOptions>) => ctxFor(repoWith(), [svc('web', 'python')], opts);
    const timedOut = (phase: Phase) => sig('command-timed-out', {}, phase);
    expect(at({}), timedOut('dependencies'), extend('command', 2_700_000));
    expect(at({ commandTimeoutMs: 1_500_000 }), timedOut('build'), extend('command', 3_600_000));
    expect(at({ commandTimeoutMs: 3_600_000 }), timedOut('build'), []);
    expect(at({}), sig('never-binds', {}, 'health'), extend('health', 360_000));
    expect(at({ healthTimeoutMs: 300_000 }), sig('never-binds', {}, 'health'), []);
    expect(at({ healthTimeoutMs: 300_000 }), timedOut('start'), extend('health', 900_000));
  });

  it('system-library-missing installs the Debian -dev package it knows', () => {
    const s = log('Error: pg_config executable not found.', 'dependencies');
    expect(py(), s, [{ kind: 'apt-install', packages: ['libpq-dev'] }]);
    expect(py(), sig('system-library-missing', { library: 'libfoo' }), []);
  });

  it('watcher-limit-reached turns on polling', () => {
    const s = log('Error: ENOSPC: System limit for number of file watchers reached, watch /app');
    expect(js(), s, env('CHOKIDAR_USEPOLLING', 'true'));
  });

  it('classes without a rule, and signatures without a service, propose nothing', () => {
    const details = { kind: 'postgres', wanted: '>=3.12', host: '0.0.0.0', port: '1' };
    const ruleless = `python-version-mismatch node-version-mismatch
      pip-resolution-conflict wrong-host-binding disk-full network-unreachable syntax-error-in-app
      unknown`.split(/\s+/) as ErrorClass[];
    for (const cls of ruleless) expect(py(), sig(cls, details), [], cls);
    const two = ctxFor(repoWith(), [svc('api', 'node'), svc('web', 'node')]);
    expect(two, sig('port-in-use', { port: '3000' }), []);
  });

  it('a missing config file is created from the example beside it, never over one', () => {
    const repo = repoWith({ 'config.example.json': '{}', 'api/settings.json.sample': '{}' });
    expect(py(repo), sig('env-var-missing', { file: 'config.json' }), [
      { kind: 'create-from-example', path: 'config.json', example: 'config.example.json' },
    ]);
    expect(py(repo, { root: 'api' }), sig('env-var-missing', { file: 'settings.json' }), [
      {
        kind: 'create-from-example',
        path: 'api/settings.json',
        example: 'api/settings.json.sample',
      },
    ]);
    expect(py(repo), sig('env-var-missing', { file: 'secrets.json' }), []);
    expect(py(repo), sig('env-var-missing', { file: '../outside/config.json' }), []);
  });

  it('database-connection-refused provisions the kind the plan lacks, and only then', () => {
    expect(py(), sig('database-connection-refused', { kind: 'redis' }), [
      { kind: 'provision-database', database: 'redis' },
    ]);
    const planned = py();
    planned.state.plan!.databases = [
      { name: 'redis', kind: 'redis', envVar: 'REDIS_URL', evidence: [] },
    ];
    expect(planned, sig('database-connection-refused', { kind: 'redis' }), []);
    expect(py(), sig('database-connection-refused', {}), []);
  });
});
