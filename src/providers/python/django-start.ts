import path from 'node:path';
import type { PythonDependencies } from './dependencies.js';
import type { DjangoProject } from './django.js';
import { plainStart as start, VENV_PYTHON, type PythonStart } from './python-start.js';

/**
 * The start command of a Django project, first match wins:
 * 1. `ASGI_APPLICATION` set in the settings and uvicorn a dependency:
 *    `python -m uvicorn <module>:<attr> --host … --port …` (`--app-dir <dir>` when manage.py
 *    is below the root, since the project's modules are importable from there);
 * 2. the same with daphne (and not uvicorn) a dependency: `daphne -b … -p … <module>:<attr>`,
 *    run from manage.py's directory (daphne has no option to add it to sys.path);
 * 3. gunicorn a dependency and a WSGI application known (`WSGI_APPLICATION`, else the
 *    `wsgi.py` beside the settings): `gunicorn --bind {host}:{port} <module>:<attr>`, with
 *    `--chdir <dir>` when manage.py is below the root;
 * 4. otherwise the development server, `python manage.py runserver {host}:{port} --noreload`
 *    (the autoreloader would fork a child the runner cannot track).
 * No environment is added. What was seen: the readiness probe connects to 127.0.0.1, which
 * Django accepts when ALLOWED_HOSTS lists it, or when DEBUG is on and ALLOWED_HOSTS is
 * empty; otherwise it answers 400 (DisallowedHost), which the probe still counts as "up",
 * and `runserver` refuses to start with DEBUG off and no ALLOWED_HOSTS (see `findDjangoProject`).
 * Sources: https://docs.djangoproject.com/en/stable/howto/deployment/asgi/uvicorn/,
 * https://docs.djangoproject.com/en/stable/howto/deployment/asgi/daphne/,
 * https://docs.djangoproject.com/en/stable/howto/deployment/wsgi/gunicorn/,
 * https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver
 *
 * @example
 * djangoStart(project, deps).argv; // ['.venv/bin/gunicorn', '--bind', '{host}:{port}', 'mysite.wsgi:application']
 */
export function djangoStart(project: DjangoProject, deps: PythonDependencies): PythonStart {
  const { manageFile, asgiTarget, wsgiTarget } = project;
  const dir = path.posix.dirname(manageFile);
  const below = dir !== '.';
  if (asgiTarget !== null && deps.names.has('uvicorn')) {
    const argv = [VENV_PYTHON, '-m', 'uvicorn', asgiTarget, '--host', '{host}', '--port', '{port}'];
    if (below) argv.push('--app-dir', dir);
    return start(argv, `uvicorn serving ${asgiTarget}`, manageFile);
  }
  if (asgiTarget !== null && deps.names.has('daphne')) {
    const daphne = path.posix.relative(dir, '.venv/bin/daphne');
    const argv = [daphne, '-b', '{host}', '-p', '{port}', asgiTarget];
    return { ...start(argv, `daphne serving ${asgiTarget}`, manageFile), cwd: dir };
  }
  if (wsgiTarget !== null && deps.names.has('gunicorn')) {
    const argv = ['.venv/bin/gunicorn', '--bind', '{host}:{port}'];
    if (below) argv.push('--chdir', dir);
    argv.push(wsgiTarget);
    return start(argv, `gunicorn serving ${wsgiTarget}`, manageFile);
  }
  return start(
    [VENV_PYTHON, manageFile, 'runserver', '{host}:{port}', '--noreload'],
    'django development server',
    manageFile,
  );
}
