import type { RepoView } from '../../repo/repo-view.js';
import { findAppModule, type AppModule } from './app-module.js';
import type { PythonDependencies } from './dependencies.js';
import { findDjangoProject, type DjangoProject } from './django.js';
import { findUiAppFile } from './ui-app-file.js';

/** Root scripts run with `python <file>` when no framework app is found, in order of preference. */
export const ENTRY_SCRIPTS = ['app.py', 'main.py', 'server.py', 'wsgi.py'] as const;

/** What the Python provider will start. */
export type PythonEntry =
  | { kind: 'flask' | 'fastapi'; app: AppModule }
  | { kind: 'django'; project: DjangoProject }
  | { kind: 'streamlit' | 'gradio'; file: string }
  | { kind: 'script'; file: string };

/** The entry point found, and what led to it. */
export interface EntryResult {
  entry: PythonEntry | null;
  evidence: string[];
  warnings: string[];
}

/**
 * Chooses what to start. Frameworks come from dependency names (PEP 503-normalised), tried
 * in the order django, fastapi, flask, streamlit, gradio; a framework counts only when its
 * entry point is found (`manage.py` for Django, an app object for FastAPI and Flask, the
 * script for Streamlit and Gradio, see `findUiAppFile`). The web frameworks come first
 * because a FastAPI app may mount a Gradio UI, never the other way round. A `manage.py`
 * that imports Django counts even when Django is not listed. Otherwise the first of
 * {@link ENTRY_SCRIPTS} at the root is run as a script. A listed framework whose entry is not
 * found is warned about only when no other framework matched. `entry` is null when there is
 * nothing to start (a library).
 */
export async function findPythonEntry(
  repo: RepoView,
  deps: PythonDependencies,
): Promise<EntryResult> {
  const result: EntryResult = { entry: null, evidence: [], warnings: [] };
  const project = await findDjangoProject(repo);
  if (project) {
    result.evidence.push(`django: ${project.manageFile}`);
    if (project.settingsModule)
      result.evidence.push(`DJANGO_SETTINGS_MODULE ${project.settingsModule}`);
    if (project.wsgiTarget) result.evidence.push(`WSGI application ${project.wsgiTarget}`);
    if (project.asgiTarget) result.evidence.push(`ASGI application ${project.asgiTarget}`);
    if (project.hostWarning) result.warnings.push(project.hostWarning);
    if (!deps.names.has('django'))
      result.warnings.push(
        `${project.manageFile} uses Django, but django is not a listed dependency`,
      );
    result.entry = { kind: 'django', project };
    return result;
  }
  const missed: string[] = [];
  if (deps.names.has('django')) missed.push('django is a dependency but no manage.py was found');
  for (const kind of ['fastapi', 'flask'] as const) {
    if (!deps.names.has(kind)) continue;
    const app = await findAppModule(repo, kind);
    if (app) {
      result.evidence.push(`${kind} app ${app.target} in ${app.file}`);
      result.entry = { kind, app };
      return result;
    }
    missed.push(`${kind} is a dependency but no ${kind} app object was found in *.py files`);
  }
  for (const kind of ['streamlit', 'gradio'] as const) {
    if (!deps.names.has(kind)) continue;
    const file = await findUiAppFile(repo, kind);
    if (file) {
      result.evidence.push(`${kind} app ${file}`);
      result.entry = { kind, file };
      return result;
    }
    missed.push(`${kind} is a dependency but no ${kind} app script was found in *.py files`);
  }
  result.warnings.push(...missed);
  for (const file of ENTRY_SCRIPTS) {
    if (await repo.hasFile(file)) {
      result.evidence.push(`entry script ${file}`);
      result.entry = { kind: 'script', file };
      return result;
    }
  }
  return result;
}
