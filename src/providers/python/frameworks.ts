import type { RepoView } from '../../repo/repo-view.js';
import { findAppModule, type AppModule } from './app-module.js';
import type { PythonDependencies } from './dependencies.js';
import { findDjangoProject, type DjangoProject } from './django.js';

/** Root scripts run with `python <file>` when no framework app is found, in order of preference. */
export const ENTRY_SCRIPTS = ['app.py', 'main.py', 'server.py', 'wsgi.py'] as const;

/** What the Python provider will start. */
export type PythonEntry =
  | { kind: 'flask' | 'fastapi'; app: AppModule }
  | { kind: 'django'; project: DjangoProject }
  | { kind: 'script'; file: string };

/** The entry point found, and what led to it. */
export interface EntryResult {
  entry: PythonEntry | null;
  evidence: string[];
  warnings: string[];
}

/**
 * Chooses what to start. Frameworks come from dependency names (PEP 503-normalised), tried
 * in the order django, fastapi, flask; a framework counts only when its entry point is found
 * (`manage.py` for Django, an app object for the others). A `manage.py` that imports Django
 * counts even when Django is not listed. Otherwise the first of {@link ENTRY_SCRIPTS} at the
 * root is run as a script. `entry` is null when there is nothing to start (a library).
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
    if (project.wsgiModule) result.evidence.push(`WSGI module ${project.wsgiModule}`);
    if (!deps.names.has('django'))
      result.warnings.push(
        `${project.manageFile} uses Django, but django is not a listed dependency`,
      );
    result.entry = { kind: 'django', project };
    return result;
  }
  if (deps.names.has('django'))
    result.warnings.push('django is a dependency but no manage.py was found');
  for (const kind of ['fastapi', 'flask'] as const) {
    if (!deps.names.has(kind)) continue;
    const app = await findAppModule(repo, kind);
    if (app) {
      result.evidence.push(`${kind} app ${app.target} in ${app.file}`);
      result.entry = { kind, app };
      return result;
    }
    result.warnings.push(
      `${kind} is a dependency but no ${kind} app object was found in *.py files`,
    );
  }
  for (const file of ENTRY_SCRIPTS) {
    if (await repo.hasFile(file)) {
      result.evidence.push(`entry script ${file}`);
      result.entry = { kind: 'script', file };
      return result;
    }
  }
  return result;
}
