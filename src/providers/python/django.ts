import path from 'node:path';
import type { RepoView } from '../../repo/repo-view.js';

/** A Django project as found from its `manage.py` and settings. */
export interface DjangoProject {
  /** `manage.py` relative to the root (`manage.py` or `mysite/manage.py`). */
  manageFile: string;
  /** `DJANGO_SETTINGS_MODULE` as `manage.py` sets it (`mysite.settings`), or null. */
  settingsModule: string | null;
  /** The settings file read, relative to the root, or null when none was found. */
  settingsFile: string | null;
  /**
   * The WSGI callable as `module:attr` (`mysite.wsgi:application`): from the settings'
   * `WSGI_APPLICATION`, else the `wsgi.py` beside the settings; null when neither exists.
   */
  wsgiTarget: string | null;
  /** The settings' `ASGI_APPLICATION` as `module:attr`, or null when it is not set. */
  asgiTarget: string | null;
  /** Settings that make Django refuse the readiness probe's requests (for a warning). */
  hostWarning: string | null;
}

/** `os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')`, as startproject writes it. */
const SETTINGS = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/;
/** `WSGI_APPLICATION = 'mysite.wsgi.application'` (or ASGI_), at the start of a line. */
const appSetting = (kind: 'WSGI' | 'ASGI') =>
  new RegExp(`^${kind}_APPLICATION\\s*=\\s*['"]([\\w.]+)\\.(\\w+)['"]`, 'm');
/** Files of a settings package that commonly hold the shared settings (cookiecutter-django's `base.py`). */
const SHARED_SETTINGS = ['__init__.py', 'base.py', 'common.py'];

/**
 * Finds a Django project's `manage.py` at the root or one directory down (root first, then
 * sorted), reads the settings module it sets, and reads that settings file (then the
 * package's `__init__.py`, `base.py`, `common.py`, for split settings) for
 * `WSGI_APPLICATION` and `ASGI_APPLICATION`. A `manage.py` that does not mention Django is
 * ignored. Source: layout of `django-admin startproject`
 * (https://docs.djangoproject.com/en/stable/ref/django-admin/#startproject) and
 * https://docs.djangoproject.com/en/stable/ref/settings/#wsgi-application.
 */
export async function findDjangoProject(repo: RepoView): Promise<DjangoProject | null> {
  const candidates = await repo.findFiles((name) => name === 'manage.py', { maxDepth: 1 });
  for (const manageFile of candidates) {
    const text = await repo.readText(manageFile);
    if (text === null || !/django/i.test(text)) continue;
    const settingsModule = SETTINGS.exec(text)?.[1] ?? null;
    const base = path.posix.dirname(manageFile);
    const settings = await readSettings(repo, base, settingsModule);
    const wsgi = firstMatch(settings, appSetting('WSGI'));
    const asgi = firstMatch(settings, appSetting('ASGI'));
    return {
      manageFile,
      settingsModule,
      settingsFile: settings[0]?.file ?? null,
      wsgiTarget: wsgi ?? (await wsgiBeside(repo, base, settingsModule)),
      asgiTarget: asgi,
      hostWarning: hostWarning(settings.map((s) => s.text).join('\n')),
    };
  }
  return null;
}

/** The settings module's file, then the shared files of its package, those that exist. */
async function readSettings(
  repo: RepoView,
  base: string,
  settingsModule: string | null,
): Promise<{ file: string; text: string }[]> {
  if (settingsModule === null) return [];
  const parts = settingsModule.split('.');
  const asFile = path.posix.join(base, ...parts) + '.py';
  const asPackage = path.posix.join(base, ...parts, '__init__.py');
  const dir = path.posix.dirname((await repo.hasFile(asFile)) ? asFile : asPackage);
  const files = [asFile, asPackage, ...SHARED_SETTINGS.map((f) => path.posix.join(dir, f))];
  const out: { file: string; text: string }[] = [];
  for (const file of new Set(files)) {
    const text = await repo.readText(file);
    if (text !== null) out.push({ file, text });
  }
  return out;
}

function firstMatch(settings: { text: string }[], pattern: RegExp): string | null {
  for (const { text } of settings) {
    const match = pattern.exec(text);
    if (match?.[1] && match[2]) return `${match[1]}:${match[2]}`;
  }
  return null;
}

/**
 * Django answers 400 (DisallowedHost) to a Host not in ALLOWED_HOSTS; with DEBUG on and an
 * empty list it allows `localhost`, `127.0.0.1` and `[::1]`, which the readiness probe uses.
 * Only the literal `DEBUG = False` with `ALLOWED_HOSTS = []` is certain to refuse it (and
 * `runserver` then exits: "You must set settings.ALLOWED_HOSTS if DEBUG is False").
 * Source: https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
 */
function hostWarning(text: string): string | null {
  if (/^DEBUG\s*=\s*False\b/m.test(text) && /^ALLOWED_HOSTS\s*=\s*\[\s*\]/m.test(text))
    return 'django settings: DEBUG = False with ALLOWED_HOSTS = [] refuses every request; add 127.0.0.1 and localhost to ALLOWED_HOSTS';
  return null;
}

async function wsgiBeside(
  repo: RepoView,
  base: string,
  settings: string | null,
): Promise<string | null> {
  if (settings === null) return null;
  // `mysite.settings` → mysite/wsgi.py; `config.settings.production` → config/settings/wsgi.py,
  // then config/wsgi.py (cookiecutter-django's layout). manage.py's directory is on sys.path.
  const parts = settings.split('.');
  for (let end = parts.length - 1; end >= 1; end--) {
    const pkg = parts.slice(0, end);
    const wsgiFile = path.posix.join(base, ...pkg, 'wsgi.py');
    if (await repo.hasFile(wsgiFile)) return `${[...pkg, 'wsgi'].join('.')}:application`;
  }
  return null;
}
