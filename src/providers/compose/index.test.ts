import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTree as withRepo } from '../temp-tree.test-kit.js';
import { readCompose } from './index.js';
import { detectPlan } from '../registry.js';

const REALISTIC = `
services:
  api:
    build: ./api
    ports:
      - "8000:8000"
    environment:
      DATABASE_URL: postgres://app:secret@db:5432/app
      REDIS_URL: redis://cache:6379/0
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
  worker:
    build: ./api
    command: ["python", "worker.py"]
    env_file: .env.worker
    depends_on: [db, cache]
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: secret
      POSTGRES_DB: app
    ports:
      - "5432:5432"
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app"]
      interval: 5s
  cache:
    image: redis:7-alpine
  mongo:
    image: mongo:7
`;

test('a realistic Compose file: two built services, two databases, one unknown image', async () => {
  const plan = await withRepo(
    { 'docker-compose.yml': REALISTIC, 'api/main.py': '', '.env.worker': 'QUEUE=jobs\n' },
    (r) => readCompose(r),
  );
  assert.ok(plan);
  assert.equal(plan.file, 'docker-compose.yml');
  assert.deepEqual(plan.order, ['db', 'cache', 'api', 'worker', 'mongo']);
  assert.deepEqual(plan.build, [
    {
      name: 'api',
      context: 'api',
      environment: {
        DATABASE_URL: 'postgres://app:secret@db:5432/app',
        REDIS_URL: 'redis://cache:6379/0',
      },
      envFiles: [],
      containerPort: 8000,
      publishedPort: 8000,
      dependsOn: ['db', 'cache'],
      waitHealthy: false,
      runsToCompletion: false,
    },
    {
      name: 'worker',
      context: 'api',
      command: ['python', 'worker.py'],
      environment: {},
      envFiles: ['.env.worker'],
      dependsOn: ['db', 'cache'],
      waitHealthy: false,
      runsToCompletion: false,
    },
  ]);
  assert.deepEqual(plan.databases, [
    {
      name: 'db',
      kind: 'postgres',
      image: 'postgres:16',
      version: '16',
      credentials: { user: 'app', password: 'secret', database: 'app' },
      publishedPort: 5432,
      waitHealthy: true,
    },
    {
      name: 'cache',
      kind: 'redis',
      image: 'redis:7-alpine',
      version: '7',
      credentials: { user: 'default', password: '', database: '0' },
      waitHealthy: false,
    },
  ]);
  assert.deepEqual(plan.unknown, [
    {
      name: 'mongo',
      image: 'mongo:7',
      reason: 'mongo: no MongoDB server on this machine; set MONGODB_URL to use your own',
      envVar: 'MONGODB_URL',
    },
  ]);
  assert.deepEqual(plan.warnings, []);
});

test('interpolation defaults, env_file credentials, list-form environment, long-form ports', async () => {
  const text = `
services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile
    environment:
      - PORT=\${WEB_PORT:-3000}
      - NODE_ENV
      - API_KEY
    ports:
      - target: 3000
        published: "\${HOST_PORT:-8080}"
        protocol: tcp
    depends_on:
      migrate:
        condition: service_completed_successfully
  migrate:
    build: .
    command: npm run migrate
    depends_on: [mysql]
  mysql:
    image: mysql:\${MYSQL_TAG:-8.0}
    env_file:
      - path: ./config/mysql.env
      - path: ./config/missing.env
        required: false
    environment:
      MYSQL_DATABASE: shop
  tools:
    image: adminer
    profiles: [debug]
`;
  const plan = await withRepo(
    {
      'compose.yaml': text,
      '.env': 'NODE_ENV=development\nHOST_PORT=9090\n',
      'config/mysql.env': 'MYSQL_USER=shop\nMYSQL_PASSWORD="p@ss word"\nMYSQL_DATABASE=ignored\n',
      'package.json': '{}',
    },
    (r) => readCompose(r, { MYSQL_TAG: '8.4' }),
  );
  assert.ok(plan);
  assert.deepEqual(plan.order, ['mysql', 'migrate', 'web']);
  const web = plan.build.find((b) => b.name === 'web');
  assert.deepEqual(web?.environment, { PORT: '3000', NODE_ENV: 'development' });
  assert.equal(web?.dockerfile, 'docker/Dockerfile');
  assert.equal(web?.containerPort, 3000);
  assert.equal(web?.publishedPort, 9090);
  const migrate = plan.build.find((b) => b.name === 'migrate');
  assert.equal(migrate?.command, 'npm run migrate');
  assert.equal(migrate?.runsToCompletion, true);
  assert.deepEqual(plan.databases[0]?.credentials, {
    user: 'shop',
    password: 'p@ss word',
    database: 'shop',
  });
  assert.equal(plan.databases[0]?.version, '8.4');
  assert.deepEqual(plan.unknown, []);
  assert.deepEqual(plan.warnings, [
    'tools: only in profile debug; skipped (set COMPOSE_PROFILES to run it)',
  ]);
  const withProfile = await withRepo({ 'compose.yaml': text }, (r) =>
    readCompose(r, { COMPOSE_PROFILES: 'debug' }),
  );
  assert.match(
    withProfile?.unknown[0]?.reason ?? '',
    /^adminer: no way to run this image without Docker/,
  );
});

test('problems the user should know about become warnings', async () => {
  const text = `
services:
  api:
    build: ./backend
    env_file: secrets.env
    depends_on: [auth]
`;
  const plan = await withRepo({ 'compose.yaml': text }, (r) => readCompose(r));
  assert.deepEqual(plan?.warnings, [
    'api: env_file secrets.env not found',
    'api: depends on auth, which is not started',
    'api: build context backend does not exist',
  ]);
  assert.deepEqual(plan?.build[0]?.dependsOn, []);
});

test('a depends_on cycle is an error naming it; no compose file is null', async () => {
  const text = `
services:
  a: { image: redis, depends_on: [b] }
  b: { image: redis, depends_on: [c] }
  c: { image: redis, depends_on: [a] }
`;
  await assert.rejects(
    withRepo({ 'compose.yml': text }, (r) => readCompose(r)),
    /depends_on cycle: a -> b -> c -> a/,
  );
  assert.equal(await withRepo({ Dockerfile: 'FROM node' }, (r) => readCompose(r)), null);
});

test('a missing env_file is read from the sample the project commits in its place', async () => {
  const text = `
services:
  web:
    build: ./app
    env_file: ./.env.dev
`;
  const plan = await withRepo(
    {
      'compose.yaml': text,
      'app/Dockerfile': 'FROM python:3.11\n',
      '.env.dev-sample': 'DJANGO_ALLOWED_HOSTS=localhost 127.0.0.1 [::1]\nSQL_HOST=db\n',
    },
    (r) => readCompose(r),
  );
  assert.ok(
    plan?.warnings.some((w) =>
      /env_file (\.\/)?\.env\.dev not found: using (\.\/)?\.env\.dev-sample/.test(w),
    ),
    plan?.warnings.join('\n'),
  );
});

test('the plan of a compose build service takes a missing env_file from its sample', async () => {
  const plan = await withRepo(
    {
      'compose.yaml': 'services:\n  web:\n    build: .\n    env_file: .env.dev\n',
      'requirements.txt': 'flask\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      '.env.dev-sample': 'DJANGO_ALLOWED_HOSTS=localhost 127.0.0.1\n',
    },
    (r) => detectPlan(r),
  );
  assert.equal(plan.services[0]?.env['DJANGO_ALLOWED_HOSTS'], 'localhost 127.0.0.1');
});
