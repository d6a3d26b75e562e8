import { compact, findBefore, matchTable, type Extractor } from './text.js';
import type { Details, Rule } from './types.js';

const NAME = '([A-Z][A-Z0-9_]+)';
const VAR = new RegExp(`^${NAME}$`);

const MESSAGES: readonly Extractor[] = [
  // Node apps and libraries: "Missing required env var X", "Missing required environment variable: X"
  [
    new RegExp(`Missing required env(?:ironment)? var(?:iable)?s?:?\\s*["'\`]?${NAME}`),
    (m) => compact({ variable: m[1] }),
  ],
  // "X is not defined in the environment"
  [
    new RegExp(`\\b${NAME}["'\`]? is not defined in the environment`),
    (m) => compact({ variable: m[1] }),
  ],
  // Prisma P1012: "error: Environment variable not found: DATABASE_URL."
  [new RegExp(`Environment variable not found: ${NAME}`), (m) => compact({ variable: m[1] })],
  // django-environ's ImproperlyConfigured: "Set the SECRET_KEY environment variable"
  [new RegExp(`Set the ${NAME} environment variable`), (m) => compact({ variable: m[1] })],
  // Django: "The SECRET_KEY setting must not be empty."
  [new RegExp(`The ${NAME} setting must not be empty`), (m) => compact({ variable: m[1] })],
  // python-decouple: "SECRET_KEY not found. Declare it as envvar or define a default value."
  [new RegExp(`\\b${NAME} not found\\. Declare it as envvar`), (m) => compact({ variable: m[1] })],
  // "Environment variable X is not set" / "env var `X` is required"
  [
    new RegExp(
      `[Ee]nv(?:ironment)? var(?:iable)? ["'\`]?${NAME}["'\`]? (?:is )?(?:not set|missing|required|undefined|must be)`,
    ),
    (m) => compact({ variable: m[1] }),
  ],
  // "X environment variable is not set" / "X env var is required"
  [
    new RegExp(
      `\\b${NAME}["'\`]? (?:environment|env) var(?:iable)? (?:is )?(?:not set|missing|required|undefined|must be)`,
    ),
    (m) => compact({ variable: m[1] }),
  ],
  // Django: "CommandError: You must set settings.ALLOWED_HOSTS if DEBUG is False."
  [/You must set settings\.(ALLOWED_HOSTS) if DEBUG is False/, (m) => compact({ variable: m[1] })],
  // Flask: "The session is unavailable because no secret key was set."
  [/no secret key was set/, () => ({ variable: 'SECRET_KEY' })],
  // NextAuth: "[next-auth][error][NO_SECRET]"
  [/\[next-auth\]\[error\]\[NO_SECRET\]/, () => ({ variable: 'NEXTAUTH_SECRET' })],
];

function variables(names: string[], extra: Details = {}): Details | null {
  const unique = [...new Set(names)];
  if (!unique[0]) return null;
  return {
    ...extra,
    variable: unique[0],
    ...(unique.length > 1 ? { variables: unique.join(',') } : {}),
  };
}

/** The (at most `max`) lines after a block header. */
function block(lines: readonly string[], at: number, max: number): string[] {
  const out: string[] = [];
  for (let i = at + 1; i < lines.length && i <= at + max; i++) out.push(lines[i] ?? '');
  return out;
}

/**
 * pydantic(-settings) ValidationError: "N validation error(s) for Settings", then each field
 * on its own line followed by "  Field required [type=missing, …]" (v2) or
 * "  field required (type=value_error.missing)" (v1). Settings fields map to upper-cased
 * variables (pydantic-settings matches names case-insensitively).
 */
function pydanticMissing(lines: readonly string[], at: number): Details | null {
  const header = /\d+ validation errors? for (\w+)/.exec(lines[at] ?? '');
  if (!header) return null;
  const body = block(lines, at, 60);
  const fields = body
    .filter(
      (l, i) => /^\w[\w.]*$/.test(l.trim()) && /^\s+[Ff]ield required/.test(body[i + 1] ?? ''),
    )
    .map((l) => l.trim());
  const found = variables(
    fields.map((f) => f.toUpperCase()),
    { model: header[1] ?? '' },
  );
  return found && fields[0] ? { ...found, field: fields[0] } : null;
}

/** envalid: "Missing environment variables:" then "    API_KEY: (required)" lines. */
function envalidMissing(lines: readonly string[], at: number): Details | null {
  if (!/Missing environment variables:/.test(lines[at] ?? '')) return null;
  const names: string[] = [];
  for (const l of block(lines, at, 30)) {
    const m = /^\s+([A-Z][A-Z0-9_]+):/.exec(l);
    if (!m?.[1]) break;
    names.push(m[1]);
  }
  return variables(names);
}

/**
 * zod-validated env (t3-env's "❌ Invalid environment variables:", a bare ZodError): the
 * issues' `path: ['X']` with a "Required"/"received undefined" message, or flattened
 * `X: [ 'Required' ]`.
 */
function zodMissing(lines: readonly string[], at: number): Details | null {
  if (!/Invalid environment variables|ZodError/.test(lines[at] ?? '')) return null;
  const text = [lines[at] ?? '', ...block(lines, at, 60)].join('\n');
  if (!/Required|received undefined/.test(text)) return null;
  const names = [
    ...text.matchAll(/path["']?:\s*\[\s*["']([A-Z][A-Z0-9_]+)["']/g),
    ...text.matchAll(/["']?([A-Z][A-Z0-9_]+)["']?:\s*\[\s*["'](?:Required|Invalid input)/g),
  ].map((m) => m[1] ?? '');
  return variables(names.filter((n) => VAR.test(n)));
}

/**
 * Python `KeyError: 'X'` from `os.environ['X']`: accepted when the traceback shows
 * os.environ (or `<frozen os>`/`os.py`'s `__getitem__`) or the key looks like a variable.
 */
function environKeyError(lines: readonly string[], at: number): Details | null {
  const key = /^KeyError: '([^']+)'$/.exec((lines[at] ?? '').trim())?.[1];
  if (!key) return null;
  const environ = findBefore(lines, at, /environ|<frozen os>|[\\/]os\.py"/, 8);
  return environ || VAR.test(key) ? { variable: key } : null;
}

/** File names that hold an app's configuration (what a `*.example` file stands in for). */
const CONFIG_FILE =
  /^(?:[\w.-]*\/)*(?:\.env[\w.-]*|[\w-]*(?:config|settings|secrets|credentials)[\w-]*\.(?:json|ya?ml|toml|ini|cfg|conf|py|js))$/i;

/**
 * A configuration file the app opens at start is missing (its example usually ships with
 * the repo): Python `FileNotFoundError: [Errno 2] No such file or directory: 'config.json'`,
 * Node `Error: ENOENT: no such file or directory, open 'config.json'`.
 */
function configFileMissing(line: string): Details | null {
  const m =
    /FileNotFoundError: \[Errno 2\] No such file or directory: '([^']+)'/.exec(line) ??
    /ENOENT: no such file or directory, open '([^']+)'/.exec(line);
  return m?.[1] && CONFIG_FILE.test(m[1]) ? { file: m[1] } : null;
}

/** A variable the app needs is unset (message formats on each extractor above), or its config file is missing. */
export const envVarMissing: Rule = {
  id: 'env/var-missing',
  class: 'env-var-missing',
  stage: 'line',
  test: ({ lines, at, line }) =>
    matchTable(line, MESSAGES) ??
    environKeyError(lines, at) ??
    pydanticMissing(lines, at) ??
    envalidMissing(lines, at) ??
    zodMissing(lines, at) ??
    configFileMissing(line),
};
