import type { RepoView } from '../../repo/repo-view.js';

/** The web frameworks whose application object is found by scanning the code. */
export type AppFramework = 'flask' | 'fastapi';

/** Where a framework's application object lives. */
export interface AppModule {
  /** The file, relative to the repository root (`src/main.py`). */
  file: string;
  /** Dotted module path importable from the root (`src.main`). */
  module: string;
  /** `module:var` or, for a factory, `module:create_app()`: the form gunicorn, flask and uvicorn take. */
  target: string;
  /** True when the target is an app factory call rather than a module-level object. */
  factory: boolean;
}

/** How far below the root `*.py` files are scanned (0 = root only). */
const SCAN_DEPTH = 2;
/** File names preferred, at the same depth, when several define an app. */
const PREFERRED_NAMES = ['app.py', 'main.py', 'server.py', 'wsgi.py', 'asgi.py', 'application.py'];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Module-level `name = Flask(` (optionally `name: Flask = flask.Flask(`). */
function instancePattern(framework: AppFramework): RegExp {
  const cls = framework === 'flask' ? 'Flask' : 'FastAPI';
  const pkg = framework === 'flask' ? 'flask' : 'fastapi';
  return new RegExp(`^([A-Za-z_]\\w*)\\s*(?::\\s*[\\w.]+\\s*)?=\\s*(?:${pkg}\\.)?${cls}\\(`, 'm');
}
/** A module-level object built by a factory, e.g. `app = create_app()` in `wsgi.py`. */
const FACTORY_RESULT = /^([A-Za-z_]\w*)\s*=\s*create_app\(/m;
/** A module-level FastAPI object made by a factory in the same file: `app = get_application()`. */
const FASTAPI_FACTORY_RESULT =
  /^([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?=\s*(?:get|create|make|build|init)_?(?:app|application|api)\(\s*\)/m;
/** Flask's app-factory convention. Source: https://flask.palletsprojects.com/en/stable/patterns/appfactories/ */
const FACTORY_DEF = /^def create_app\(/m;

/**
 * Finds the module defining the application object of `framework` by scanning `*.py`
 * files up to {@link SCAN_DEPTH} directories deep (tests skipped). A module-level instance
 * (`app = Flask(__name__)`, `app = FastAPI()`, or for Flask `app = create_app()`) wins over a
 * Flask factory (`def create_app(` → `module:create_app()`); a shallower file wins over a
 * deeper one, then {@link PREFERRED_NAMES}. The module path is relative to the root, so the
 * service's cwd stays the root (`src/main.py` → `src.main:app`). Null when nothing matches.
 *
 * @example
 * await findAppModule(repo, 'fastapi'); // { file: 'src/main.py', target: 'src.main:app', ... }
 */
export async function findAppModule(
  repo: RepoView,
  framework: AppFramework,
): Promise<AppModule | null> {
  const files = await repo.findFiles((name, rel) => name.endsWith('.py') && !isTestFile(rel), {
    maxDepth: SCAN_DEPTH,
  });
  const candidates: { app: AppModule; rank: number[] }[] = [];
  for (const file of files) {
    const module = moduleOf(file);
    if (module === null) continue;
    const text = await repo.readText(file);
    if (text === null) continue;
    const found = matchApp(text, framework);
    if (!found) continue;
    const depth = file.split('/').length - 1;
    const nameRank = PREFERRED_NAMES.indexOf(file.split('/').pop() ?? '');
    const target = found.factory ? `${module}:${found.name}()` : `${module}:${found.name}`;
    candidates.push({
      app: { file, module, target, factory: found.factory },
      rank: [depth, found.factory ? 1 : 0, nameRank === -1 ? PREFERRED_NAMES.length : nameRank],
    });
  }
  candidates.sort((a, b) => compareRanks(a.rank, b.rank));
  return candidates[0]?.app ?? null;
}

function matchApp(
  text: string,
  framework: AppFramework,
): { name: string; factory: boolean } | null {
  const instance = instancePattern(framework).exec(text);
  if (instance?.[1]) return { name: instance[1], factory: false };
  if (framework === 'fastapi') {
    // `app = get_application()` beside the `def get_application(): ... FastAPI(...)` it calls:
    // the object is built at import, as a module-level instance is.
    const built = FASTAPI_FACTORY_RESULT.exec(text);
    return built?.[1] && /\bFastAPI\(/.test(text) ? { name: built[1], factory: false } : null;
  }
  if (framework !== 'flask') return null;
  const built = FACTORY_RESULT.exec(text);
  if (built?.[1]) return { name: built[1], factory: false };
  if (FACTORY_DEF.test(text) && /\bFlask\(/.test(text))
    return { name: 'create_app', factory: true };
  return null;
}

/** `src/main.py` → `src.main`, `pkg/__init__.py` → `pkg`; null when not importable by name. */
export function moduleOf(file: string): string | null {
  const parts = file.replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0 || !parts.every((part) => IDENTIFIER.test(part))) return null;
  return parts.join('.');
}

function isTestFile(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts.pop() ?? '';
  if (parts.some((dir) => dir === 'tests' || dir === 'test')) return true;
  return name.startsWith('test_') || name.endsWith('_test.py') || name === 'conftest.py';
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
