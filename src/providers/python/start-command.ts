import type { PythonDependencies } from './dependencies.js';
import { djangoStart } from './django-start.js';
import type { PythonEntry } from './frameworks.js';
import { plainStart as plain, VENV_PYTHON, type PythonStart } from './python-start.js';

/** Streamlit's own health route. Source: https://docs.streamlit.io/deploy/tutorials/kubernetes */
export const STREAMLIT_HEALTH_PATH = '/_stcore/health';

/**
 * The start command for an entry point. Rules (servers bind `{host}:{port}`, given by the runner):
 * - Flask: gunicorn when it is a dependency (`gunicorn --bind {host}:{port} module:app`), else
 *   the development server `FLASK_APP=module:app python -m flask run --host … --port …`
 *   (`FLASK_APP`: every Flask version reads it; `--app` exists since 2.2);
 *   factories are passed as `module:create_app()`, which both accept.
 * - FastAPI: `python -m uvicorn module:app --host … --port …`; uvicorn is installed when
 *   neither it nor `fastapi[standard]` (which pulls it in) is listed.
 * - Django: see {@link djangoStart} (uvicorn/daphne for ASGI, gunicorn for WSGI, else runserver).
 * - Streamlit: `streamlit run <file> --server.port … --server.address … --server.headless true`
 *   (headless: no browser, no e-mail prompt on first run; usage statistics off), health
 *   at {@link STREAMLIT_HEALTH_PATH}.
 * - Gradio: `python <file>`; Gradio reads its port and address from `GRADIO_SERVER_PORT` and
 *   `GRADIO_SERVER_NAME` (filled from `{port}`/`{host}` by the runner), analytics off.
 * - A plain script: `python app.py`; the runner sets PORT.
 * Sources: https://docs.gunicorn.org/en/stable/run.html, https://flask.palletsprojects.com/en/stable/cli/,
 * https://www.uvicorn.org/deployment/, https://docs.streamlit.io/develop/api-reference/configuration/config.toml,
 * https://www.gradio.app/guides/environment-variables
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
      // FLASK_APP rather than `--app`, which Flask added in 2.2: older apps pin older Flasks.
      return {
        ...plain(
          [VENV_PYTHON, '-m', 'flask', 'run', '--host', '{host}', '--port', '{port}'],
          `flask development server for ${target}`,
          file,
        ),
        env: { FLASK_APP: target },
      };
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
    case 'django':
      return djangoStart(entry.project, deps);
    case 'streamlit': {
      const argv = ['.venv/bin/streamlit', 'run', entry.file, '--server.port', '{port}'];
      argv.push('--server.address', '{host}', '--server.headless', 'true');
      argv.push('--browser.gatherUsageStats', 'false');
      const start = plain(argv, `streamlit run ${entry.file}`, entry.file);
      return { ...start, healthPath: STREAMLIT_HEALTH_PATH };
    }
    case 'gradio': {
      const start = plain([VENV_PYTHON, entry.file], `gradio app ${entry.file}`, entry.file);
      const env = {
        GRADIO_SERVER_PORT: '{port}',
        GRADIO_SERVER_NAME: '{host}',
        GRADIO_ANALYTICS_ENABLED: 'False',
      };
      return { ...start, env };
    }
    case 'script':
      return plain([VENV_PYTHON, entry.file], `python ${entry.file}`, entry.file);
  }
}

/**
 * Warnings about a Gradio script's `launch(...)`: a hard-coded `server_port` or
 * `server_name` wins over the environment, so the runner's port would be ignored.
 *
 * @example
 * gradioWarnings('demo.launch(server_port=7860)'); // ['… sets server_port …']
 */
export function gradioWarnings(file: string, text: string): string[] {
  const launch = /\.launch\s*\(([^)]*)\)/.exec(text)?.[1] ?? '';
  return ['server_port', 'server_name']
    .filter((arg) => new RegExp(`\\b${arg}\\s*=`).test(launch))
    .map(
      (arg) =>
        `${file}: launch() sets ${arg}, which overrides the port and host Repo Runner assigns`,
    );
}
