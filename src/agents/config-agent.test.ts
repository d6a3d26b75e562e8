import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRunContext } from '../core/run-context.js';
import type { RunEvent } from '../model/events.js';
import type { RunPlan, ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { Store } from '../model/store.js';
import { openSqliteStore } from '../store/sqlite.js';
import { parseEnvText } from '../config/env-file.js';
import { configAgent } from './config-agent.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-config-'));
let store: Store;
before(async () => {
  store = await openSqliteStore(':memory:');
  await store.createRun({ id: 'r', source: tmp, options: {} });
});
after(async () => {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

const svc = (name: string, root = '.'): ServiceSpec => ({
  name,
  provider: 'python',
  framework: null,
  root,
  protocol: 'http',
  install: null,
  build: [],
  start: { argv: ['x'], cwd: root, env: {}, description: 'x' },
  healthPath: null,
  env: {},
  evidence: [],
});

function ctxFor(
  repo: string,
  services: ServiceSpec[],
  ports: Record<string, number>,
): { ctx: RunContext; events: RunEvent[] } {
  const plan: RunPlan = { ecosystems: ['python'], services, warnings: [] };
  const ctx = createRunContext({
    runId: 'r',
    source: repo,
    home: tmp,
    runDir: tmp,
    store,
    state: {
      plan,
      workspace: { repoPath: repo, kind: 'local', commit: null },
      decided: { host: '127.0.0.1', ports },
    },
    env: {},
  });
  const events: RunEvent[] = [];
  ctx.bus.on('event', (e) => events.push(e));
  return { ctx, events };
}

function repoWith(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const EXAMPLE =
  'SECRET_KEY=changeme\nAPP_KEY=\nGREETING="hi there"\nSTRIPE_API_KEY=\nOPENAI_API_KEY=your-key-here\nDEBUG=1\nPORT=5000\n';

test('writes .env from the example: port, generated secrets, defaults; third-party keys need a value', async () => {
  const repo = repoWith('fresh', { '.env.example': EXAMPLE });
  const { ctx, events } = ctxFor(repo, [svc('web')], { web: 41234 });
  const [c] = await configAgent.run(ctx);
  const env = parseEnvText(readFileSync(path.join(repo, '.env'), 'utf8'));
  assert.equal(env.PORT, '41234');
  assert.match(env.SECRET_KEY ?? '', /^[0-9a-f]{64}$/);
  assert.match(env.APP_KEY ?? '', /^base64:[A-Za-z0-9+/]{43}=$/);
  assert.equal(env.GREETING, 'hi there');
  assert.equal(env.DEBUG, '1');
  assert.equal(env.STRIPE_API_KEY, '');
  assert.equal(env.OPENAI_API_KEY, '', 'a placeholder is not passed on as a value');
  assert.deepEqual(c?.needsValue.sort(), ['OPENAI_API_KEY', 'STRIPE_API_KEY']);
  assert.deepEqual(c?.generated.sort(), ['APP_KEY', 'SECRET_KEY']);
  assert.equal(c?.env.SECRET_KEY, env.SECRET_KEY, 'the values go to the process too');
  assert.equal(c?.env.PORT, undefined, 'PORT comes from the runner, per service');
  assert.ok(
    events.some((e) => e.kind === 'warning' && /needs a value: STRIPE_API_KEY/.test(e.message)),
  );
  assert.equal(c?.backup, null);
});

test("a user's .env is never overwritten: only missing keys are added, after a backup", async () => {
  const repo = repoWith('existing', {
    '.env.example': EXAMPLE,
    '.env': 'SECRET_KEY=mine\nSTRIPE_API_KEY=sk_live_1\n# my notes\n',
  });
  const before = readFileSync(path.join(repo, '.env'), 'utf8');
  const { ctx } = ctxFor(repo, [svc('web')], { web: 40000 });
  const [c] = await configAgent.run(ctx);
  const after = readFileSync(path.join(repo, '.env'), 'utf8');
  assert.ok(after.startsWith(before), 'the old content is kept as it was, in place');
  const env = parseEnvText(after);
  assert.equal(env.SECRET_KEY, 'mine');
  assert.equal(env.STRIPE_API_KEY, 'sk_live_1');
  assert.deepEqual(c?.needsValue, ['OPENAI_API_KEY']);
  assert.ok(c?.backup && existsSync(c.backup));
  assert.equal(readFileSync(c!.backup!, 'utf8'), before);
  // A second run adds nothing and makes no second backup.
  const [again] = await configAgent.run(ctxFor(repo, [svc('web')], { web: 40000 }).ctx);
  assert.deepEqual(again?.added, []);
  assert.equal(again?.backup, null);
  assert.equal(readFileSync(path.join(repo, '.env'), 'utf8'), after);
});

test('app.json env: generator secret, required false, values; nothing to do without examples', async () => {
  const repo = repoWith('heroku', {
    'app.json': JSON.stringify({
      env: {
        SESSION_KEY: { generator: 'secret' },
        FEATURE: { value: 'on' },
        SENTRY_DSN: { required: false },
        MAILGUN_API_KEY: { description: 'mail' },
      },
    }),
  });
  const [c] = await configAgent.run(ctxFor(repo, [svc('web')], { web: 1 }).ctx);
  const env = parseEnvText(readFileSync(path.join(repo, '.env'), 'utf8'));
  assert.match(env.SESSION_KEY ?? '', /^[0-9a-f]{64}$/);
  assert.equal(env.FEATURE, 'on');
  assert.deepEqual(c?.needsValue, ['MAILGUN_API_KEY']);
  const bare = repoWith('bare', { 'app.py': 'print(1)\n' });
  assert.deepEqual(await configAgent.run(ctxFor(bare, [svc('web')], { web: 1 }).ctx), []);
  assert.equal(existsSync(path.join(bare, '.env')), false, 'no .env is made from nothing');
});

test('services in subfolders get their own .env', async () => {
  const repo = repoWith('pair', {
    'api/.env.example': 'JWT_SECRET=\n',
    'web/.env.example': 'API_BASE=/api\n',
  });
  const configs = await configAgent.run(
    ctxFor(repo, [svc('api', 'api'), svc('web', 'web')], { api: 1, web: 2 }).ctx,
  );
  assert.deepEqual(
    configs.map((c) => c.root),
    ['api', 'web'],
  );
  assert.match(
    parseEnvText(readFileSync(path.join(repo, 'api', '.env'), 'utf8')).JWT_SECRET ?? '',
    /^[0-9a-f]{64}$/,
  );
  assert.equal(parseEnvText(readFileSync(path.join(repo, 'web', '.env'), 'utf8')).API_BASE, '/api');
});

test('split connection variables the code reads (no template) get the provisioned database, in the environment only', async () => {
  const repo = repoWith('split-reads', {
    'src/persistence/mysql.js':
      'const { MYSQL_HOST: HOST, MYSQL_USER: USER, MYSQL_PASSWORD: PASSWORD, MYSQL_DB: DB } = process.env;\nconst other = process.env.GREETING;\n',
  });
  const { ctx } = ctxFor(repo, [{ ...svc('web'), provider: 'node' }], { web: 41234 });
  ctx.state.decided!.databases = [
    {
      name: 'mysql',
      kind: 'mysql',
      port: 41500,
      listenPort: 3306,
      user: 'app',
      password: 'pw',
      database: 'app_db',
      url: 'mysql://app:pw@127.0.0.1:3306/app_db',
      env: { MYSQL_HOST: '127.0.0.1', MYSQL_DATABASE: 'app_db' },
      provided: false,
    },
  ];
  const [c] = await configAgent.run(ctx);
  assert.ok(c);
  assert.equal(c.env.MYSQL_DB, 'app_db');
  assert.equal(c.env.MYSQL_USER, 'app');
  assert.equal(c.env.MYSQL_PASSWORD, 'pw');
  assert.equal(c.env.MYSQL_HOST, '127.0.0.1');
  // A variable that is not a connection part is not invented; no .env is written.
  assert.equal(c.env.GREETING, undefined);
  assert.equal(existsSync(path.join(repo, '.env')), false);
});

test('a template named .example.env (javieraviles/node-typescript-koa-rest) is read like .env.example', async () => {
  const repo = repoWith('dot-example-env', { '.example.env': 'NODE_ENV=development\nPORT=3000\n' });
  const { ctx } = ctxFor(repo, [svc('web')], { web: 41235 });
  const [c] = await configAgent.run(ctx);
  assert.equal(c?.env.NODE_ENV, 'development');
  assert.equal(parseEnvText(readFileSync(path.join(repo, '.env'), 'utf8')).PORT, '41235');
});
