import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyService, planDetected, planWith, type Tree } from '../temp-tree.test-kit.js';
import { pythonProvider } from './index.js';

const PIP = [
  '.venv/bin/python',
  '-m',
  'pip',
  'install',
  '--disable-pip-version-check',
  '--no-input',
];

const planFixture = (files: Tree) => planDetected(pythonProvider, files);
const only = onlyService;

const FLASK_APP = `from flask import Flask\napp = Flask(__name__)\n\n@app.get("/health")\ndef health():\n    return "ok"\n`;

test('flask with gunicorn: gunicorn binds host:port, health route found', async () => {
  const service = only(
    await planFixture({ 'requirements.txt': 'Flask==3.0\ngunicorn>=21\n', 'app.py': FLASK_APP }),
  );
  assert.equal(service.name, 'web');
  assert.equal(service.framework, 'flask');
  assert.deepEqual(service.start.argv, [
    '.venv/bin/gunicorn',
    '--bind',
    '{host}:{port}',
    'app:app',
  ]);
  assert.equal(service.start.cwd, '.');
  assert.equal(service.healthPath, '/health');
  assert.deepEqual(service.env, { PYTHONUNBUFFERED: '1' });
  assert.deepEqual(
    service.install?.steps.map((s) => s.argv),
    [[...PIP, '-r', 'requirements.txt']],
  );
  assert.deepEqual(service.install?.manifests, ['requirements.txt']);
  assert.equal(service.install?.dir, '.venv');
});

test('flask without gunicorn: flask run, with -r includes read', async () => {
  const plan = await planFixture({
    'requirements.txt': '# web\n-r requirements/base.txt\n',
    'requirements/base.txt': 'flask  # the framework\n',
    'server.py': 'import flask\nweb_app = flask.Flask(__name__)\n',
  });
  const service = only(plan);
  assert.deepEqual(service.start.argv, [
    '.venv/bin/python',
    '-m',
    'flask',
    'run',
    '--host',
    '{host}',
    '--port',
    '{port}',
  ]);
  // FLASK_APP, which every Flask reads (`--app` is Flask 2.2+).
  assert.equal(service.start.env['FLASK_APP'], 'server:web_app');
  assert.equal(service.healthPath, null);
  assert.deepEqual(service.install?.manifests, ['requirements.txt', 'requirements/base.txt']);
});

test('flask app factory: module:create_app()', async () => {
  const service = only(
    await planFixture({
      'requirements.txt': 'flask\n',
      'myapp/__init__.py':
        'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n',
    }),
  );
  assert.equal(service.framework, 'flask');
  assert.equal(service.start.env['FLASK_APP'], 'myapp:create_app()');
});

test('fastapi in src/main.py: module src.main from the root, uvicorn added', async () => {
  const plan = await planFixture({
    'requirements.txt': 'fastapi\n',
    'src/main.py':
      'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/healthz")\ndef h(): ...\n',
    'tests/test_main.py': 'from fastapi import FastAPI\ntest_app = FastAPI()\n',
  });
  const service = only(plan);
  assert.equal(service.framework, 'fastapi');
  assert.deepEqual(service.start.argv, [
    '.venv/bin/python',
    '-m',
    'uvicorn',
    'src.main:app',
    '--host',
    '{host}',
    '--port',
    '{port}',
  ]);
  assert.equal(service.healthPath, '/healthz');
  assert.deepEqual(service.install?.steps.at(-1)?.argv, [...PIP, 'uvicorn']);
  assert.ok(plan.warnings.some((w) => w.includes('uvicorn is not a dependency')));
});

test('fastapi[standard] counts as having uvicorn', async () => {
  const service = only(
    await planFixture({
      'requirements.txt': 'fastapi[standard]\n',
      'main.py': 'import fastapi\napp = fastapi.FastAPI()\n',
    }),
  );
  assert.equal(service.install?.steps.length, 1);
  assert.equal(service.start.argv[3], 'main:app');
});

test('django with manage.py one level down', async () => {
  const plan = await planFixture({
    'requirements.txt': 'Django>=4.2\n',
    'mysite/manage.py':
      "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\nfrom django.core.management import execute_from_command_line\n",
    'mysite/mysite/settings.py': '',
    'mysite/mysite/wsgi.py': '',
  });
  const service = only(plan);
  assert.equal(service.framework, 'django');
  assert.deepEqual(service.start.argv, [
    '.venv/bin/python',
    'mysite/manage.py',
    'runserver',
    '{host}:{port}',
    '--noreload',
  ]);
  assert.deepEqual(service.env, { PYTHONUNBUFFERED: '1' });
  assert.ok(service.evidence.includes('DJANGO_SETTINGS_MODULE mysite.settings'));
  assert.ok(service.evidence.includes('WSGI application mysite.wsgi:application'));
});

test('pyproject PEP 621: specs installed directly', async () => {
  const service = only(
    await planFixture({
      'pyproject.toml': '[project]\nname = "x"\ndependencies = ["flask>=3", "gunicorn"]\n',
      'uv.lock': '',
      'app.py': FLASK_APP,
    }),
  );
  assert.deepEqual(
    service.install?.steps.map((s) => s.argv),
    [[...PIP, 'flask>=3', 'gunicorn']],
  );
  assert.deepEqual(service.install?.manifests, ['pyproject.toml', 'uv.lock']);
  assert.equal(service.start.argv[0], '.venv/bin/gunicorn');
});

test('poetry: python skipped, ^ and * converted, lock file recorded', async () => {
  const plan = await planFixture({
    'pyproject.toml': [
      '[tool.poetry.dependencies]',
      'python = "^3.11"',
      'fastapi = "^0.110.1"',
      'uvicorn = { version = "~0.29", extras = ["standard"] }',
      'requests = "*"',
      'click = "^8.1"',
    ].join('\n'),
    'poetry.lock': '',
    'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  });
  const service = only(plan);
  assert.deepEqual(
    service.install?.steps.map((s) => s.argv),
    [
      [
        ...PIP,
        'fastapi>=0.110.1,<0.111',
        'uvicorn[standard]>=0.29,<0.30',
        'requests',
        'click>=8.1,<9',
      ],
    ],
  );
  assert.ok(service.install?.manifests.includes('poetry.lock'));
  assert.ok(service.evidence.some((e) => e.startsWith('lock file poetry.lock')));
  assert.equal(plan.warnings.length, 0, plan.warnings.join('; '));
});

test('Pipfile [packages] only', async () => {
  const service = only(
    await planFixture({
      Pipfile: '[packages]\nflask = "==3.0.0"\nrequests = "*"\n\n[dev-packages]\npytest = "*"\n',
      'Pipfile.lock': '{}',
      'app.py': FLASK_APP,
    }),
  );
  assert.deepEqual(
    service.install?.steps.map((s) => s.argv),
    [[...PIP, 'flask==3.0.0', 'requests']],
  );
  assert.deepEqual(service.install?.manifests, ['Pipfile', 'Pipfile.lock']);
  assert.equal(service.framework, 'flask');
});

test('plain script with a Procfile: python app.py, Procfile noted', async () => {
  const service = only(
    await planFixture({
      'app.py': 'import os, http.server\nport = int(os.environ["PORT"])\n',
      Procfile: 'web: gunicorn app:app\n',
    }),
  );
  assert.equal(service.framework, null);
  assert.deepEqual(service.start.argv, ['.venv/bin/python', 'app.py']);
  assert.deepEqual(service.install?.steps, []);
  assert.ok(service.evidence.some((e) => e.startsWith('Procfile web: gunicorn app:app')));
});

test('library without an entry point: no service and a warning', async () => {
  const plan = await planFixture({
    'setup.py': 'from setuptools import setup\nsetup(name="lib")\n',
    'lib/__init__.py': 'def helper(): pass\n',
  });
  assert.equal(plan.services.length, 0);
  assert.match(plan.warnings.join('\n'), /no web entry point/);
});

test('detect: no python markers means null', async () => {
  assert.equal(await planWith(pythonProvider, { 'README.md': 'hi' }), null);
});
