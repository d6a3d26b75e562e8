import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { configAgent } from '../src/agents/config-agent.js';
import { detectionAgent } from '../src/agents/detection-agent.js';
import { planRepository } from '../src/agents/repo-overrides.js';
import { RepoView } from '../src/repo/repo-view.js';
import { setupAgent } from '../src/agents/setup-agent.js';
import { appEnvFor, serviceEnv } from '../src/exec/service-env.js';
import type { RunEvent } from '../src/model/events.js';
import type { RunPlan, ServiceSpec } from '../src/model/plan.js';
import type { RunContext } from '../src/model/run-context.js';
import { RunOptionsSchema } from '../src/model/run-options.js';
import { PathEscapeError } from '../src/repo/resolve-inside.js';
import { createStaticServer } from '../src/static/static-server.js';
import { EventBus } from '../src/store/event-bus.js';
import { makeTestApi } from './api-helpers.js';
import { tempDir } from './helpers.js';

// One test per symlink escape found on main: a temp repository holds the hostile link (to a
// temp file outside standing in for a secret, or to /etc/passwd itself for reads); each
// asserts the refusal, its report, and that the outside content never shows up.

const tmp = tempDir('symlinks');
after(tmp.cleanup);
const base = realpathSync(tmp.dir);
/** Stands in for the operator's secrets: must never be read into, or written by, a run. */
const outside = path.join(base, 'outside');
const SECRET = 'AWS_SECRET_ACCESS_KEY=outside-secret-value';
mkdirSync(path.join(outside, 'app'), { recursive: true });
writeFileSync(path.join(outside, 'credentials'), `${SECRET}\n`);
writeFileSync(
  path.join(outside, 'app', 'package.json'),
  JSON.stringify({ name: 'outside', scripts: { start: 'node outside.js' } }),
);
const PASSWD = readFileSync('/etc/passwd', 'utf8');
const PASSWD_LINE = PASSWD.split('\n')[0] ?? 'root:x:0:0';

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A fresh temp repository with `files`. */
function repo(name: string, files: Record<string, string> = {}): string {
  const dir = path.join(base, name);
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) write(path.join(dir, rel), text);
  return dir;
}

const svc = (name: string, root = '.', build: string[][] = []): ServiceSpec => ({
  name,
  provider: 'node',
  framework: null,
  root,
  protocol: 'http',
  install: null,
  build: build.map((argv) => ({ argv, cwd: root, env: {}, description: 'build' })),
  start: { argv: ['node', 'server.js'], cwd: root, env: {}, description: 'start' },
  healthPath: null,
  env: {},
  evidence: [],
});

/** A run context over `repoPath` with a real event bus; no store (nothing here spawns). */
function ctxFor(repoPath: string, services: ServiceSpec[] = []) {
  const bus = new EventBus('r', null);
  const events: RunEvent[] = [];
  bus.on('event', (e) => events.push(e));
  const plan: RunPlan = { ecosystems: ['node'], services, warnings: [] };
  const ctx = {
    runId: 'r',
    source: repoPath,
    home: base,
    runDir: path.join(base, 'run'),
    options: RunOptionsSchema.parse({}),
    store: null,
    bus,
    signal: new AbortController().signal,
    state: {
      plan,
      workspace: { repoPath, kind: 'local', commit: null },
      decided: { host: '127.0.0.1', ports: { web: 5000 } },
    },
    env: {},
    exits: new Map(),
  } as unknown as RunContext;
  const warnings = () => events.filter((e) => e.kind === 'warning').map((e) => e.message);
  return { ctx, events, warnings };
}

async function get(server: Server, target: string) {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${target}`);
  return { status: res.status, body: await res.text() };
}

describe('symlink escapes', () => {
  it('the static server refuses a committed link to /etc/passwd and a linked folder, and says so', async () => {
    const site = repo('site', { 'index.html': '<h1>home</h1>', 'pages/v2.html': '<p>v2</p>' });
    symlinkSync('/etc/passwd', path.join(site, 'passwd'));
    symlinkSync('/etc', path.join(site, 'assets'));
    symlinkSync(outside, path.join(site, 'docs'));
    symlinkSync('pages/v2.html', path.join(site, 'latest.html'));
    const refused: string[] = [];
    const server = createStaticServer(site, {
      onRefusal: (e, url) => refused.push(`${url} ${e.path} -> ${e.target}`),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      for (const target of ['/passwd', '/assets/passwd', '/docs/credentials', '/docs/']) {
        const res = await get(server, target);
        assert.equal(res.status, 403, target);
        assert.ok(!res.body.includes(PASSWD_LINE), `${target} sent /etc/passwd`);
        assert.ok(!res.body.includes(SECRET), `${target} sent the outside file`);
      }
      assert.ok(refused.some((r) => r.startsWith('/passwd ') && r.endsWith('-> /etc/passwd')));
      assert.ok(refused.some((r) => r.startsWith('/assets/passwd ') && r.includes('/etc/passwd')));
      assert.ok(refused.some((r) => r.includes(path.join(outside, 'credentials'))));
      // Links that stay inside still work.
      assert.deepEqual(await get(server, '/latest.html'), { status: 200, body: '<p>v2</p>' });
      assert.deepEqual(await get(server, '/'), { status: 200, body: '<h1>home</h1>' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a subfolder linked out of the repository is not planned (no outside code runs) and is reported', async () => {
    const dir = repo('mono', {
      'package.json': JSON.stringify({ name: 'root', scripts: { start: 'node server.js' } }),
      'server.js': '',
      'packages/frontend/package.json': JSON.stringify({
        name: 'fe',
        scripts: { start: 'node fe.js' },
      }),
    });
    symlinkSync(path.join(outside, 'app'), path.join(dir, 'backend'));
    // A workspace link inside the repository keeps working.
    symlinkSync('packages/frontend', path.join(dir, 'frontend'));
    const { ctx, warnings } = ctxFor(dir);
    const plan = await detectionAgent.run(ctx);
    const roots = plan.services.map((s) => s.root);
    assert.ok(roots.includes('frontend'), `frontend planned: ${roots.join(', ')}`);
    assert.ok(!roots.includes('backend'), 'the outside folder was planned');
    assert.ok(
      !plan.services.some((s) => s.start.argv.join(' ').includes('outside.js')),
      'an outside start command was planned',
    );
    const expected = `backend points to ${path.join(outside, 'app')}`;
    assert.ok(
      plan.warnings.some((w) => w.includes(expected)),
      plan.warnings.join('\n'),
    );
    assert.ok(
      warnings().some((w) => w.includes(expected)),
      'no warning event',
    );
  });

  it('a service folder named by the override file may not be a link out; a linked override file is not read', async () => {
    const dir = repo('override', {
      'repo-runner.json': JSON.stringify({
        services: { api: { root: 'backend', start: 'node outside.js' } },
      }),
    });
    symlinkSync(path.join(outside, 'app'), path.join(dir, 'backend'));
    await assert.rejects(
      planRepository(new RepoView(dir)),
      (e: unknown) =>
        e instanceof Error &&
        e.message.includes(`service api: backend points to ${path.join(outside, 'app')}`),
    );
    const linked = repo('override-link', { 'index.html': '<p>hi</p>' });
    symlinkSync(path.join(outside, 'credentials'), path.join(linked, 'repo-runner.json'));
    const plan = await planRepository(new RepoView(linked));
    assert.ok(
      plan.warnings.some((w) =>
        w.includes(`repo-runner.json points to ${path.join(outside, 'credentials')}`),
      ),
      plan.warnings.join('\n'),
    );
    assert.ok(!JSON.stringify(plan).includes('outside-secret'));
  });

  it('a .repo-runner link makes the build refuse before writing anything outside', async () => {
    const dir = repo('gobuild', { 'go.mod': 'module x\n' });
    const target = path.join(outside, 'build-target');
    mkdirSync(target);
    symlinkSync(target, path.join(dir, '.repo-runner'));
    const service = svc('web', '.', [['go', 'build', '-o', '.repo-runner/bin/web', '.']]);
    const { ctx, warnings } = ctxFor(dir, [service]);
    await assert.rejects(
      setupAgent.run(ctx),
      (e: unknown) =>
        e instanceof PathEscapeError && e.path === '.repo-runner' && e.target === target,
    );
    assert.deepEqual(readdirSync(target), [], 'something was written into the linked folder');
    assert.ok(warnings().some((w) => w.includes(`.repo-runner points to ${target}`)));
    // Nor is the outside folder put on the services' PATH.
    const env = serviceEnv({ PATH: '/usr/bin' }, dir, service);
    assert.ok(!env.PATH?.includes('.repo-runner'), env.PATH);
  });

  it('a .env linked out of the repository is neither read into the environment nor written', async () => {
    const dir = repo('envlink', { '.env.example': 'SECRET_KEY=\nDEBUG=1\n' });
    const creds = path.join(outside, 'credentials');
    symlinkSync(creds, path.join(dir, '.env'));
    const { ctx, warnings } = ctxFor(dir, [svc('web')]);
    const configs = await configAgent.run(ctx);
    ctx.state.config = configs;
    assert.equal(readFileSync(creds, 'utf8'), `${SECRET}\n`, 'the outside file was changed');
    assert.ok(lstatSync(path.join(dir, '.env')).isSymbolicLink(), 'the link was replaced');
    assert.deepEqual(readdirSync(outside).sort(), ['app', 'build-target', 'credentials']);
    const env = appEnvFor(ctx.state, 'web');
    assert.ok(!Object.values(env).some((v) => v.includes('outside-secret')), JSON.stringify(env));
    assert.equal(env['AWS_SECRET_ACCESS_KEY'], undefined);
    assert.ok(
      warnings().some((w) => w.includes(`.env points to ${creds}`)),
      warnings().join('\n'),
    );
  });

  it('an env example linked to /etc/passwd is not read', async () => {
    const dir = repo('examplelink');
    symlinkSync('/etc/passwd', path.join(dir, '.env.example'));
    const { ctx, warnings } = ctxFor(dir, [svc('web')]);
    const configs = await configAgent.run(ctx);
    assert.deepEqual(configs, []);
    assert.equal(existsSync(path.join(dir, '.env')), false);
    assert.ok(warnings().some((w) => w.includes('.env.example points to /etc/passwd')));
  });

  it('a .env linked inside the repository is read and written where it points', async () => {
    const dir = repo('envinside', {
      '.env.example': 'SECRET_KEY=\nDEBUG=1\n',
      'config/dev.env': 'DEBUG=0\n',
    });
    symlinkSync('config/dev.env', path.join(dir, '.env'));
    const { ctx, warnings } = ctxFor(dir, [svc('web')]);
    const [config] = await configAgent.run(ctx);
    assert.equal(config?.env['DEBUG'], '0');
    assert.match(config?.env['SECRET_KEY'] ?? '', /.{16,}/);
    assert.match(readFileSync(path.join(dir, 'config/dev.env'), 'utf8'), /^SECRET_KEY=/m);
    assert.ok(lstatSync(path.join(dir, '.env')).isSymbolicLink());
    assert.deepEqual(warnings(), []);
  });

  it('a source under --repos-root cannot leave it, nor plan a folder linked out of itself', async () => {
    const api = await makeTestApi();
    try {
      symlinkSync(outside, path.join(api.root, 'escape'));
      const evil = path.join(api.root, 'evil');
      write(
        path.join(evil, 'package.json'),
        JSON.stringify({ name: 'evil', scripts: { start: 'node server.js' } }),
      );
      write(path.join(evil, 'server.js'), '');
      // Another repository under the same root is outside this source too.
      symlinkSync(path.join(api.root, 'app'), path.join(evil, 'backend'));
      const plan = (source: string) =>
        api.app.inject({
          method: 'POST',
          url: '/api/v1/plans',
          headers: api.headers('free'),
          payload: { source },
        });
      const refused = await plan('escape');
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().error.message, /resolves outside the repos roots/);
      assert.ok(!refused.body.includes(SECRET));
      const res = await plan('evil');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as RunPlan;
      assert.ok(!body.services.some((s) => s.root === 'backend'), JSON.stringify(body.services));
      assert.ok(
        body.warnings.some((w) => w.includes(`backend points to ${realpathSync(api.root)}/app`)),
        body.warnings.join('\n'),
      );
    } finally {
      await api.close();
    }
  });
});
