import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { findHealthPath } from '../health-path.js';
import { PROVIDER_MARKERS } from '../markers.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { readPythonDependencies } from './dependencies.js';
import { findPythonEntry, type PythonEntry } from './frameworks.js';
import { pythonInstall } from './install.js';
import { asInstalledTarget, findLocalProject, type LocalProject } from './local-project.js';
import { findPythonRuntime } from './runtime-version.js';
import { gradioWarnings, pythonStart } from './start-command.js';

/**
 * The Python provider: detects a Python repository from its markers ({@link PROVIDER_MARKERS}), reads its
 * dependencies (requirements.txt, pyproject.toml, Pipfile), finds a Django, FastAPI, Flask,
 * Streamlit or Gradio app or a root script, and plans one `web` service installed into
 * `.venv` at the root (with `pip install -e .` when the app imports the repository's own
 * package) and the Python version the repository asks for as `runtime`. A repository with
 * no entry point (a library) gets no service and a warning.
 *
 * @example
 * const detection = await pythonProvider.detect(repo);
 * if (detection) (await pythonProvider.plan(repo, detection)).services[0]?.start.argv;
 */
export const pythonProvider: Provider = {
  name: 'python',

  async detect(repo: RepoView): Promise<Detection | null> {
    const evidence: string[] = [];
    for (const marker of PROVIDER_MARKERS.python) {
      if (await repo.hasFile(marker)) evidence.push(marker);
    }
    return evidence.length > 0 ? { evidence } : null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const deps = await readPythonDependencies(repo);
    const found = await findPythonEntry(repo, deps);
    const local = await findLocalProject(repo);
    const warnings = [...deps.warnings, ...found.warnings];
    const evidence = [...detection.evidence, ...deps.evidence, ...found.evidence];
    const procfileWeb = await readProcfileWeb(repo);
    if (procfileWeb !== null)
      evidence.push(`Procfile web: ${procfileWeb} (not used by the python provider)`);
    if (found.entry === null) {
      warnings.push(
        'python: no web entry point (no Flask/FastAPI app, Streamlit/Gradio script, Django manage.py, or app.py/main.py/server.py/wsgi.py at the root); a library has nothing to run',
      );
      return { services: [], warnings };
    }
    if (local !== null) evidence.push(`installs the project itself: ${local.reason}`);
    const entry = asInstalled(found.entry, local);
    if (entry !== found.entry && 'app' in entry)
      evidence.push(`app imported from the installed package as ${entry.app.target}`);
    const start = pythonStart(entry, deps);
    warnings.push(...start.warnings);
    const mainText = await repo.readText(start.mainFile);
    if (found.entry.kind === 'script' && mainText !== null && !/\bPORT\b/.test(mainText)) {
      warnings.push(`${start.mainFile} does not read PORT: it may listen on a fixed port`);
    }
    if (found.entry.kind === 'gradio' && mainText !== null)
      warnings.push(...gradioWarnings(start.mainFile, mainText));
    const runtime = await findPythonRuntime(repo);
    if (runtime) evidence.push(`python ${runtime.wanted} wanted (${runtime.source})`);
    const service: ServiceSpec = {
      name: 'web',
      provider: 'python',
      framework: found.entry.kind === 'script' ? null : found.entry.kind,
      root: '.',
      protocol: 'http',
      install: pythonInstall(deps, start.extraPackages, local),
      build: [],
      start: { argv: start.argv, cwd: start.cwd, env: start.env, description: start.description },
      healthPath: start.healthPath ?? findHealthPath(mainText),
      env: { PYTHONUNBUFFERED: '1' },
      evidence,
      ...(runtime ? { runtime } : {}),
    };
    return { services: [service], warnings };
  },
};

/** The entry with its app target named as the installed package names it (src layout). */
function asInstalled(entry: PythonEntry, local: LocalProject | null): PythonEntry {
  if (entry.kind !== 'flask' && entry.kind !== 'fastapi') return entry;
  const target = asInstalledTarget(entry.app.target, local);
  if (target === entry.app.target) return entry;
  const module = asInstalledTarget(entry.app.module, local);
  return { ...entry, app: { ...entry.app, target, module } };
}

/** The command of the Procfile's `web:` process, or null. Source: https://devcenter.heroku.com/articles/procfile */
async function readProcfileWeb(repo: RepoView): Promise<string | null> {
  const text = await repo.readText('Procfile');
  const line = text?.split(/\r?\n/).find((l) => /^web\s*:/.test(l));
  return line === undefined ? null : line.replace(/^web\s*:\s*/, '').trim();
}
