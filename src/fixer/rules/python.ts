import { compact, findBefore, matchTable, type Extractor } from './text.js';
import type { Rule } from './types.js';

/**
 * CPython's import failure: `ModuleNotFoundError: No module named 'x'` (3.6+),
 * `ImportError: No module named x` (2.7), and `python -m x`'s `…/python3: No module named x`.
 */
const NO_MODULE = [
  /(?:ModuleNotFoundError|ImportError): No module named '?([\w.]+)'?/,
  /\bpython[\d.]*: No module named ([\w.]+)/,
];

/** Standard-library modules and the Python that added them (Python "What's New" pages). */
const STDLIB_SINCE: Record<string, string> = { tomllib: '3.11', zoneinfo: '3.9', graphlib: '3.9' };

/** Names importable from `typing`, `enum`, `itertools`, `datetime` only since this Python. */
const NAME_SINCE: Record<string, string> = {
  StrEnum: '3.11',
  Self: '3.11',
  LiteralString: '3.11',
  NotRequired: '3.11',
  Required: '3.11',
  UTC: '3.11',
  TypeAlias: '3.10',
  ParamSpec: '3.10',
  TypeGuard: '3.10',
  override: '3.12',
  batched: '3.12',
};

function missingModule(line: string): string | null {
  for (const re of NO_MODULE) {
    const m = re.exec(line);
    if (m?.[1]) return m[1];
  }
  return null;
}

/** A stdlib module of a newer Python reported missing: the interpreter is too old. */
export const pythonStdlibTooNew: Rule = {
  id: 'python/stdlib-too-new',
  class: 'python-version-mismatch',
  stage: 'line',
  ecosystem: 'python',
  test: ({ line }) => {
    const module = missingModule(line);
    const since = module ? STDLIB_SINCE[module.split('.')[0] ?? ''] : undefined;
    return module && since ? { module, wanted: `>=${since}` } : null;
  },
};

/** A module missing from the environment (see {@link NO_MODULE} for the formats). */
export const pythonModuleMissing: Rule = {
  id: 'python/module-missing',
  class: 'python-module-missing',
  stage: 'line',
  ecosystem: 'python',
  test: ({ line }) => {
    const module = missingModule(line);
    return module ? { module } : null;
  },
};

const VERSION_MESSAGES: readonly Extractor[] = [
  // pip: "ERROR: Package 'x' requires a different Python: 3.11.4 not in '>=3.12'"
  [
    /Package '([^']+)' requires a different Python: ([\d.]+) not in '([^']+)'/,
    (m) => compact({ package: m[1], found: m[2], wanted: m[3] }),
  ],
  // pip: "ERROR: Ignored the following versions that require a different python version: 2.0 Requires-Python >=3.12; …"
  [
    /require a different python version: (.+)/i,
    (m) =>
      compact({ wanted: [...(m[1] ?? '').matchAll(/Requires-Python ([^;\s]+)/g)].at(-1)?.[1] }),
  ],
  // Poetry: "The currently activated Python version 3.11.2 is not supported by the project (^3.12)."
  [
    /currently activated Python version ([\d.]+) is not supported by the project \((.+)\)/,
    (m) => compact({ found: m[1], wanted: m[2] }),
  ],
  // uv: "The requested interpreter resolved to Python 3.11.2, which is incompatible with the project's Python requirement: `>=3.12`"
  [
    /resolved to Python ([\d.]+), which is incompatible with the project's Python requirement: `([^`]+)`/,
    (m) => compact({ found: m[1], wanted: m[2] }),
  ],
  // uv: "No interpreter found for Python >=3.12 in managed installations or search path"
  [/No interpreter found for Python (\S+) in/, (m) => compact({ wanted: m[1] })],
  // PEP 604 `X | None` evaluated at runtime before 3.10.
  [
    /TypeError: unsupported operand type\(s\) for \|: '(?:type|_GenericAlias|NoneType)'/,
    () => ({ wanted: '>=3.10' }),
  ],
  // ImportError: cannot import name 'StrEnum' from 'enum' (…)
  [
    /cannot import name '(\w+)' from '(?:typing|enum|itertools|datetime)'/,
    (m) => {
      const since = NAME_SINCE[m[1] ?? ''];
      return since ? { name: m[1] ?? '', wanted: `>=${since}` } : null;
    },
  ],
  // Old setuptools/numpy builds on 3.12, which removed pkgutil.ImpImporter.
  [/module 'pkgutil' has no attribute 'ImpImporter'/, () => ({ wanted: '<3.12' })],
];

/** Installers and runtimes saying the interpreter's version does not fit. */
export const pythonVersionMismatch: Rule = {
  id: 'python/version-mismatch',
  class: 'python-version-mismatch',
  stage: 'line',
  ecosystem: 'python',
  test: ({ line }) => matchTable(line, VERSION_MESSAGES),
};

/** CPython's compile errors: the last line of the report. */
export const PY_SYNTAX = /^\s*(SyntaxError|IndentationError|TabError): (.*)$/;
/** The `File "…", line N` line CPython prints above a syntax error. */
export const PY_FILE = /^\s*File "([^"]+)", line (\d+)/;
const LIBRARY = /[\\/](?:site|dist)-packages[\\/]/;

/**
 * A syntax error the interpreter is too old for: inside an installed library (its authors
 * target a newer Python), or on a `match` statement (3.10, PEP 634).
 */
export const pythonSyntaxTooNew: Rule = {
  id: 'python/syntax-too-new',
  class: 'python-version-mismatch',
  stage: 'line',
  ecosystem: 'python',
  test: ({ lines, at, line }) => {
    if (!PY_SYNTAX.test(line)) return null;
    const file = findBefore(lines, at, PY_FILE, 6);
    if (!file) return null;
    const path = file.m[1] ?? '';
    const found = /python(\d+\.\d+)[\\/]/.exec(path)?.[1];
    const usesMatch = lines.slice(file.at + 1, at).some((l) => /^\s*match\s+\S.*:\s*$/.test(l));
    if (!usesMatch && !LIBRARY.test(path)) return null;
    return compact({ file: path, found, wanted: usesMatch ? '>=3.10' : undefined });
  },
};

/** A syntax error in the app's own file (after {@link pythonSyntaxTooNew}): not fixable by rules. */
export const pythonSyntaxError: Rule = {
  id: 'python/syntax-error',
  class: 'syntax-error-in-app',
  stage: 'line',
  ecosystem: 'python',
  test: ({ lines, at, line }) => {
    const m = PY_SYNTAX.exec(line);
    const file = m && findBefore(lines, at, PY_FILE, 6);
    if (!m || !file || LIBRARY.test(file.m[1] ?? '')) return null;
    return compact({ file: file.m[1], line: file.m[2], message: `${m[1]}: ${m[2]}` });
  },
};

/**
 * Names removed by a release of a library that older pinned packages still import, and the
 * bound that keeps them: `flask==2.0.x` with an unpinned Werkzeug gets Werkzeug 3, which
 * dropped `werkzeug.urls.url_quote`. Sources: the changelogs of Werkzeug 3.0.0 (url_* helpers
 * removed), 2.1.0 (`BaseResponse`/`BaseRequest`, `safe_str_cmp` removed), Jinja 3.1.0
 * (`Markup`, `escape`, `contextfunction`/`contextfilter`… removed), itsdangerous 2.1.0
 * (`json` removed), MarkupSafe 2.1.0 (`soft_unicode` removed).
 */
export const REMOVED_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'werkzeug.urls': {
    url_quote: 'werkzeug<3',
    url_quote_plus: 'werkzeug<3',
    url_unquote: 'werkzeug<3',
    url_encode: 'werkzeug<3',
    url_decode: 'werkzeug<3',
    url_parse: 'werkzeug<3',
    url_join: 'werkzeug<3',
  },
  'werkzeug.wrappers': { BaseResponse: 'werkzeug<2.1', BaseRequest: 'werkzeug<2.1' },
  'werkzeug.security': { safe_str_cmp: 'werkzeug<2.1' },
  jinja2: {
    Markup: 'jinja2<3.1',
    escape: 'jinja2<3.1',
    contextfunction: 'jinja2<3.1',
    contextfilter: 'jinja2<3.1',
    environmentfilter: 'jinja2<3.1',
    evalcontextfilter: 'jinja2<3.1',
  },
  itsdangerous: { json: 'itsdangerous<2.1' },
  markupsafe: { soft_unicode: 'markupsafe<2.1' },
};

/**
 * An installed library importing a name a newer release of another removed
 * (`ImportError: cannot import name 'url_quote' from 'werkzeug.urls'`), from the table of
 * {@link REMOVED_NAMES}: the fix bounds that dependency below the release.
 */
export const pythonDependencyDrift: Rule = {
  id: 'python/dependency-drift',
  class: 'python-dependency-drift',
  stage: 'line',
  ecosystem: 'python',
  test: ({ line }) => {
    const m = /cannot import name '(\w+)' from '([\w.]+)'/.exec(line);
    const bound = m ? REMOVED_NAMES[m[2] ?? '']?.[m[1] ?? ''] : undefined;
    return m && bound ? { module: m[2] ?? '', name: m[1] ?? '', bound } : null;
  },
};
