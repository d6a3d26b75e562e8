import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planOne, type Tree } from '../temp-tree.test-kit.js';
import { pythonProvider } from './index.js';

const planPython = (files: Tree) => planOne(pythonProvider, files);

const MANAGE = (settings: string) =>
  `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${settings}")\nfrom django.core.management import execute_from_command_line\n`;

test('django with gunicorn: WSGI_APPLICATION from settings served by gunicorn', async () => {
  const [service] = await planPython({
    'requirements.txt': 'Django==5.2.8\ngunicorn==23.0.0\n',
    'manage.py': MANAGE('site_cfg.settings'),
    'site_cfg/settings.py': 'DEBUG = True\nWSGI_APPLICATION = "site_cfg.wsgi.application"\n',
    'site_cfg/wsgi.py': '',
  });
  assert.deepEqual(service.start.argv, [
    '.venv/bin/gunicorn',
    '--bind',
    '{host}:{port}',
    'site_cfg.wsgi:application',
  ]);
  assert.equal(service.start.cwd, '.');
  assert.ok(service.evidence.includes('WSGI application site_cfg.wsgi:application'));
});

test('django below the root with gunicorn: --chdir to manage.py directory', async () => {
  const [service] = await planPython({
    'requirements.txt': 'django\ngunicorn\n',
    'backend/manage.py': MANAGE('config.settings.production'),
    'backend/config/settings/production.py': 'from .base import *\nDEBUG = False\n',
    'backend/config/settings/base.py':
      "WSGI_APPLICATION = 'config.wsgi.app'\nALLOWED_HOSTS = ['*']\n",
  });
  assert.deepEqual(service.start.argv, [
    '.venv/bin/gunicorn',
    '--bind',
    '{host}:{port}',
    '--chdir',
    'backend',
    'config.wsgi:app',
  ]);
});

test('django ASGI_APPLICATION with uvicorn: uvicorn serves the ASGI app', async () => {
  const [service] = await planPython({
    'requirements.txt': 'django\nuvicorn\ngunicorn\n',
    'web/manage.py': MANAGE('proj.settings'),
    'web/proj/settings.py':
      "WSGI_APPLICATION = 'proj.wsgi.application'\nASGI_APPLICATION = 'proj.asgi.application'\n",
  });
  assert.deepEqual(service.start.argv, [
    '.venv/bin/python',
    '-m',
    'uvicorn',
    'proj.asgi:application',
    '--host',
    '{host}',
    '--port',
    '{port}',
    '--app-dir',
    'web',
  ]);
  assert.ok(service.evidence.includes('ASGI application proj.asgi:application'));
});

test('django ASGI with daphne only: daphne from the manage.py directory', async () => {
  const [service] = await planPython({
    'requirements.txt': 'django\nchannels\ndaphne\n',
    'web/manage.py': MANAGE('proj.settings'),
    'web/proj/settings.py': 'ASGI_APPLICATION = "proj.asgi.application"\n',
  });
  assert.deepEqual(service.start.argv, [
    '../.venv/bin/daphne',
    '-b',
    '{host}',
    '-p',
    '{port}',
    'proj.asgi:application',
  ]);
  assert.equal(service.start.cwd, 'web');
});

test('django without a server dependency: runserver; DEBUG False with no hosts warned', async () => {
  const [service, warnings] = await planPython({
    'requirements.txt': 'django\nuvicorn\n',
    'manage.py': MANAGE('mysite.settings'),
    'mysite/settings.py':
      'DEBUG = False\nALLOWED_HOSTS = []\nWSGI_APPLICATION = "mysite.wsgi.application"\n',
  });
  assert.deepEqual(service.start.argv, [
    '.venv/bin/python',
    'manage.py',
    'runserver',
    '{host}:{port}',
    '--noreload',
  ]);
  assert.ok(
    warnings.some((w) => w.includes('ALLOWED_HOSTS = []')),
    warnings.join('; '),
  );
});

test('django settings package: WSGI found from the wsgi.py beside it when settings say nothing', async () => {
  const [service] = await planPython({
    'requirements.txt': 'django\ngunicorn\n',
    'manage.py': MANAGE('config.settings'),
    'config/settings/__init__.py': 'DEBUG = True\n',
    'config/wsgi.py': '',
  });
  assert.equal(service.start.argv.at(-1), 'config.wsgi:application');
});
