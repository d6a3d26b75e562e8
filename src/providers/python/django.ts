import path from 'node:path';
import type { RepoView } from '../../repo/repo-view.js';

/** A Django project as found from its `manage.py`. */
export interface DjangoProject {
  /** `manage.py` relative to the root (`manage.py` or `mysite/manage.py`). */
  manageFile: string;
  /** `DJANGO_SETTINGS_MODULE` as `manage.py` sets it (`mysite.settings`), or null. */
  settingsModule: string | null;
  /** The WSGI module beside the settings (`mysite.wsgi`), or null when there is none. */
  wsgiModule: string | null;
}

/** `os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')`, as startproject writes it. */
const SETTINGS = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/;

/**
 * Finds a Django project's `manage.py` at the root or one directory down (root first, then
 * sorted) and reads the settings module it sets; the WSGI module is the `wsgi.py` in the
 * settings' package or the nearest package above it. A `manage.py` that does not mention Django is ignored.
 * Source: layout of `django-admin startproject` (https://docs.djangoproject.com/en/stable/ref/django-admin/#startproject).
 */
export async function findDjangoProject(repo: RepoView): Promise<DjangoProject | null> {
  const candidates = await repo.findFiles((name) => name === 'manage.py', { maxDepth: 1 });
  for (const manageFile of candidates) {
    const text = await repo.readText(manageFile);
    if (text === null || !/django/i.test(text)) continue;
    const settingsModule = SETTINGS.exec(text)?.[1] ?? null;
    return {
      manageFile,
      settingsModule,
      wsgiModule: await wsgiBeside(repo, manageFile, settingsModule),
    };
  }
  return null;
}

async function wsgiBeside(
  repo: RepoView,
  manageFile: string,
  settings: string | null,
): Promise<string | null> {
  if (settings === null) return null;
  // `mysite.settings` → mysite/wsgi.py; `config.settings.production` → config/settings/wsgi.py,
  // then config/wsgi.py (cookiecutter-django's layout). manage.py's directory is on sys.path.
  const parts = settings.split('.');
  for (let end = parts.length - 1; end >= 1; end--) {
    const pkg = parts.slice(0, end);
    const wsgiFile = path.posix.join(path.posix.dirname(manageFile), ...pkg, 'wsgi.py');
    if (await repo.hasFile(wsgiFile)) return [...pkg, 'wsgi'].join('.');
  }
  return null;
}
