import type { PythonDependencies } from './dependencies.js';
import type { PythonEntry } from './frameworks.js';

/** Interpreter of the virtual environment the DependencyAgent creates at `<service root>/.venv`. */
export const VENV_PYTHON = '.venv/bin/python';

/** How to start a Python service, before it becomes a CommandSpec. */
export interface PythonStart {
  /** Program and arguments, with `{host}` and `{port}` placeholders. */
  argv: string[];
  description: string;
  /** The file whose text decides the health path and that the user should look at first. */
  mainFile: string;
  /** Packages the start command needs that the repository does not list (installed extra). */
  extraPackages: string[];
  warnings: string[];
}

/**
 * The start command for an entry point. Rules (servers bind `{host}:{port}`, given by the runner):
 * - Flask: gunicorn when it is a dependency (`gunicorn --bind {host}:{port} module:app`), else
 *   the development server `python -m flask --app module:app run --host … --port …`;
 *   factories are passed as `module:create_app()`, which both accept.
 * - FastAPI: `python -m uvicorn module:app --host … --port …`; uvicorn is installed when
 *   neither it nor `fastapi[standard]` (which pulls it in) is listed.
 * - Django: `python manage.py runserver {host}:{port} --noreload` (the autoreloader would fork
 *   a child the runner cannot track).
 * - A plain script: `python app.py`; the runner sets PORT.
 * Sources: https://docs.gunicorn.org/en/stable/run.html, https://flask.palletsprojects.com/en/stable/cli/,
 * https://www.uvicorn.org/deployment/, https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver
 */
export function pythonStart(entry: PythonEntry, deps: PythonDependencies): PythonStart {
  switch (entry.kind) {
    case 'flask': {
      const { target, file } = entry.app;
      if (deps.names.has('gunicorn')) {
        return plain(
          ['.venv/bin/gunicorn', '--bind', '{host}:{port}', target],
          `gunicorn serving ${target}`,
          file,
        );
      }
      return plain(
        [
          VENV_PYTHON,
          '-m',
          'flask',
          '--app',
          target,
          'run',
          '--host',
          '{host}',
          '--port',
          '{port}',
        ],
        `flask development server for ${target}`,
        file,
      );
    }
    case 'fastapi': {
      const { target, file } = entry.app;
      const start = plain(
        [VENV_PYTHON, '-m', 'uvicorn', target, '--host', '{host}', '--port', '{port}'],
        `uvicorn serving ${target}`,
        file,
      );
      const bundled = deps.extras
        .get('fastapi')
        ?.some((extra) => extra === 'standard' || extra === 'all');
      if (!deps.names.has('uvicorn') && !bundled) {
        start.extraPackages.push('uvicorn');
        start.warnings.push('uvicorn is not a dependency: installing it to serve the FastAPI app');
      }
      return start;
    }
    case 'django': {
      const { manageFile } = entry.project;
      return plain(
        [VENV_PYTHON, manageFile, 'runserver', '{host}:{port}', '--noreload'],
        'django development server',
        manageFile,
      );
    }
    case 'script':
      return plain([VENV_PYTHON, entry.file], `python ${entry.file}`, entry.file);
  }
}

function plain(argv: string[], description: string, mainFile: string): PythonStart {
  return { argv, description, mainFile, extraPackages: [], warnings: [] };
}
