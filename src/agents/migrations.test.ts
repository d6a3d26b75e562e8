import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceSpec } from '../model/plan.js';
import { withTree } from '../providers/temp-tree.test-kit.js';
import { migrationsFor } from './migrations.js';

const svc = (provider: string, framework: string | null, root = '.'): ServiceSpec => ({
  name: 'web',
  provider,
  framework,
  root,
  protocol: 'http',
  install: null,
  build: [],
  start: { argv: ['x'], cwd: root, env: {}, description: 'x' },
  healthPath: null,
  env: {},
  evidence: [],
});
const argvs = (cmds: Array<{ argv: string[] }>) => cmds.map((c) => c.argv.join(' '));

test('django: migrate when the project has migrations or contrib apps, not when DATABASES is empty', async () => {
  const withMigrations = await withTree(
    {
      'manage.py': '',
      'site/settings.py': 'DATABASES = {"default": {}}\n',
      'notes/migrations/__init__.py': '',
    },
    (repo) => migrationsFor(repo, svc('python', 'django')),
  );
  assert.deepEqual(argvs(withMigrations), ['.venv/bin/python manage.py migrate --noinput']);
  const contrib = await withTree(
    { 'manage.py': '', 'site/settings.py': "INSTALLED_APPS = ['django.contrib.auth']\n" },
    (repo) => migrationsFor(repo, svc('python', 'django')),
  );
  assert.equal(contrib.length, 1);
  const empty = await withTree(
    {
      'manage.py': '',
      'site/settings.py':
        "INSTALLED_APPS = ['django.contrib.auth']\nDATABASES: dict[str, dict[str, str]] = {}\n",
    },
    (repo) => migrationsFor(repo, svc('python', 'django')),
  );
  assert.deepEqual(empty, []);
});

test('alembic, prisma, knex and sequelize are recognised in the service folder', async () => {
  const py = await withTree({ 'api/alembic.ini': '[alembic]\n' }, (repo) =>
    migrationsFor(repo, svc('python', 'fastapi', 'api')),
  );
  assert.deepEqual(argvs(py), ['.venv/bin/alembic upgrade head']);
  assert.equal(py[0]?.cwd, 'api');
  const node = await withTree(
    {
      'package.json': JSON.stringify({ dependencies: { '@prisma/client': '5' } }),
      'prisma/schema.prisma': '',
      'prisma/migrations/0001/migration.sql': '',
      'knexfile.js': '',
      '.sequelizerc': '',
    },
    (repo) => migrationsFor(repo, svc('node', 'express')),
  );
  assert.deepEqual(argvs(node), [
    'node_modules/.bin/prisma migrate deploy --schema prisma/schema.prisma',
    'node_modules/.bin/knex migrate:latest',
    'node_modules/.bin/sequelize-cli db:migrate',
  ]);
  const none = await withTree({ 'prisma/schema.prisma': '' }, (repo) =>
    migrationsFor(repo, svc('node', null)),
  );
  assert.deepEqual(none, [], 'a schema in a package that does not use Prisma is not run');
});

test('prisma: the schema package.json names (outside prisma/), pushed when it has no migrations', async () => {
  const pkg = {
    prisma: { schema: 'src/prisma/schema.prisma' },
    dependencies: { '@prisma/client': '4' },
    devDependencies: { prisma: '4' },
  };
  const deploy = await withTree(
    {
      'package.json': JSON.stringify(pkg),
      'src/prisma/schema.prisma': '',
      'src/prisma/migrations/0001/migration.sql': '',
    },
    (repo) => migrationsFor(repo, svc('node', 'express')),
  );
  assert.deepEqual(argvs(deploy), [
    'node_modules/.bin/prisma migrate deploy --schema src/prisma/schema.prisma',
  ]);
  const push = await withTree(
    { 'package.json': JSON.stringify(pkg), 'src/prisma/schema.prisma': '' },
    (repo) => migrationsFor(repo, svc('node', 'express')),
  );
  assert.deepEqual(argvs(push), [
    'node_modules/.bin/prisma db push --skip-generate --schema src/prisma/schema.prisma',
  ]);
});

test("flask: the app's own init-db command, with the app the start command serves, once; not with Alembic or Flask-Migrate", async () => {
  const flask = (argv: string[]): ServiceSpec => ({
    ...svc('python', 'flask'),
    start: { argv, cwd: '.', env: {}, description: 'x' },
  });
  const dev: ServiceSpec = {
    ...flask(['.venv/bin/python', '-m', 'flask', 'run']),
    start: {
      argv: ['.venv/bin/python', '-m', 'flask', 'run'],
      cwd: '.',
      env: { FLASK_APP: 'flaskr' },
      description: 'x',
    },
  };
  const tutorial = {
    'flaskr/__init__.py': 'def create_app():\n    pass\n',
    'flaskr/db.py':
      'import click\n\n@click.command("init-db")\ndef init_db_command():\n    init_db()\n',
  };
  const steps = await withTree(tutorial, (repo) => migrationsFor(repo, dev));
  assert.deepEqual(argvs(steps), ['.venv/bin/python -m flask init-db']);
  assert.equal(steps[0]?.env['FLASK_APP'], 'flaskr');
  assert.equal(steps[0]?.once, 'flask-init-db');
  // Named by the function under app.cli.command(); the target of a gunicorn start.
  const gunicorn = flask(['.venv/bin/gunicorn', '--bind', '{host}:{port}', 'app:app']);
  const decorated = await withTree(
    { 'app.py': '@app.cli.command()\ndef create_tables():\n    db.create_all()\n' },
    (repo) => migrationsFor(repo, gunicorn),
  );
  assert.deepEqual(argvs(decorated), ['.venv/bin/python -m flask create-tables']);
  assert.equal(decorated[0]?.env['FLASK_APP'], 'app:app');
  // Other commands are not schema creation; Flask-Migrate's migrations/ takes precedence.
  const other = await withTree(
    { 'app.py': '@app.cli.command("seed-users")\ndef seed():\n    pass\n' },
    (repo) => migrationsFor(repo, gunicorn),
  );
  assert.deepEqual(other, []);
  const migrate = await withTree({ ...tutorial, 'migrations/env.py': '' }, (repo) =>
    migrationsFor(repo, dev),
  );
  assert.deepEqual(migrate, []);
});
