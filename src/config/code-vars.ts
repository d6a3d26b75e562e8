import path from 'node:path';
import type { RepoView } from '../repo/repo-view.js';
import type { ExpectedVar } from './sources.js';

/** Folders whose code is not the app's own settings. */
const NOT_SETTINGS =
  /(^|\/)(tests?|docs?|examples?|migrations|alembic|node_modules|\.venv|venv|site-packages)(\/|$)/;

/** `class Settings(BaseSettings):` (pydantic-settings, or pydantic v1's BaseSettings). */
const SETTINGS_CLASS = /^class\s+\w+\s*\(\s*(?:[\w.]*\.)?BaseSettings\s*\)\s*:\s*$/;

/** `NAME: type` with no default: a field pydantic requires from the environment. */
const REQUIRED_FIELD = /^\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^=#\n]+?)\s*(?:#.*)?$/;

/**
 * The environment variables a Python service's own code requires, read (never run) from its
 * `.py` files up to three folders deep: fields without a default of pydantic `BaseSettings`
 * classes (their `env_prefix` applied; `Optional`/`| None` fields and `ClassVar`s are not
 * required), and `os.environ["NAME"]` lookups (a KeyError without it). Each is an
 * {@link ExpectedVar} with an empty example, its source the file. Sources:
 * https://docs.pydantic.dev/latest/concepts/pydantic_settings/,
 * https://docs.python.org/3/library/os.html#os.environ
 */
export async function codeRequiredVars(repo: RepoView, dir: string): Promise<ExpectedVar[]> {
  const files = await repo.findFiles(
    (name, rel) => name.endsWith('.py') && !NOT_SETTINGS.test(rel),
    { under: dir, maxDepth: 3, limit: 400 },
  );
  const out = new Map<string, ExpectedVar>();
  const add = (key: string, source: string) => {
    if (!out.has(key)) out.set(key, { key, example: '', source });
  };
  for (const rel of files) {
    const text = await repo.readText(rel);
    if (text === null || (!text.includes('BaseSettings') && !text.includes('os.environ[')))
      continue;
    const source = path.posix.normalize(rel);
    for (const m of text.matchAll(/\bos\.environ\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]/g))
      if (m[1]) add(m[1], source);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!SETTINGS_CLASS.test(lines[i] ?? '')) continue;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length; j++) {
        const line = lines[j] ?? '';
        if (line.trim() !== '' && !/^\s/.test(line)) break;
        body.push(line);
      }
      const envPrefix = /env_prefix\s*=\s*["']([^"']*)["']/.exec(body.join('\n'))?.[1] ?? '';
      for (const line of body) {
        // Fields of this class only (four-space or one-tab indent), not of nested classes.
        if (!/^( {4}|\t)[A-Za-z_]/.test(line)) continue;
        const m = REQUIRED_FIELD.exec(line);
        if (!m?.[1] || !m[2]) continue;
        const type = m[2];
        if (/ClassVar|Optional\[|\|\s*None|None\s*\||model_config/.test(`${m[1]} ${type}`))
          continue;
        add(`${envPrefix}${m[1]}`.toUpperCase(), source);
      }
    }
  }
  return [...out.values()];
}

/** Source files whose environment reads {@link codeReadVars} looks for, by extension. */
const CODE_FILE = /\.(js|cjs|mjs|ts|cts|mts|jsx|tsx|py|go|rs|java|kt|php|rb)$/;

/** Names in `{ A, B: b, C = 1 } = process.env` (a destructuring of the environment). */
const DESTRUCTURED = /\{([^{}]*)\}\s*=\s*process\.env\b/g;

/** Single-name environment reads, one capture group each, across the languages. */
const ENV_READS: readonly RegExp[] = [
  // JavaScript/TypeScript: process.env.NAME, process.env['NAME'], Deno/Bun alike.
  /\bprocess\.env\.([A-Za-z_][A-Za-z0-9_]*)/g,
  /\bprocess\.env\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\]/g,
  // Python: os.environ["N"], os.environ.get("N"), os.getenv("N").
  /\bos\.(?:environ(?:\.get)?\s*[[(]|getenv\s*\()\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g,
  // Go: os.Getenv("N"), os.LookupEnv("N"); Rust: env::var("N"), std::env::var_os("N").
  /\bos\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"/g,
  /\benv::var(?:_os)?\(\s*"([A-Za-z_][A-Za-z0-9_]*)"/g,
  // Java/Kotlin: System.getenv("N"); PHP: getenv('N'), $_ENV['N']; Ruby: ENV['N'], ENV.fetch.
  /\bSystem\.getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"/g,
  /\bgetenv\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g,
  /\$_ENV\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g,
  /\bENV(?:\.fetch\(|\[)\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g,
];

/**
 * The environment variables a service's code reads, in any of the ecosystems' usual forms
 * (`process.env.NAME` and destructuring of `process.env`, `os.getenv`, `os.Getenv`,
 * `env::var`, `System.getenv`, `getenv`, `ENV[...]`), from its source files up to three
 * folders deep (tests, docs, examples and dependency folders skipped), in first-seen order,
 * each with the file it was first seen in. Read as text, never run. The ConfigAgent uses it
 * to fill the split connection variables (`MYSQL_DB`, `DB_HOST`…) an app reads without any
 * template naming them.
 */
export async function codeReadVars(repo: RepoView, dir: string): Promise<ExpectedVar[]> {
  const files = await repo.findFiles(
    (name, rel) =>
      CODE_FILE.test(name) &&
      !name.endsWith('.d.ts') &&
      !/\.(test|spec)\.[a-z]+$/.test(name) &&
      !NOT_SETTINGS.test(rel),
    { under: dir, maxDepth: 3, limit: 600 },
  );
  const out = new Map<string, ExpectedVar>();
  const add = (key: string, source: string) => {
    if (!out.has(key)) out.set(key, { key, example: '', source });
  };
  for (const rel of files) {
    const text = await repo.readText(rel);
    if (text === null || !/env|ENV/.test(text)) continue;
    const source = path.posix.normalize(rel);
    for (const m of text.matchAll(DESTRUCTURED))
      for (const part of (m[1] ?? '').split(',')) {
        // `A`, `A: a`, `A = 'x'`; a `...rest` is not a variable's name.
        const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(part)?.[1];
        if (name) add(name, source);
      }
    for (const re of ENV_READS) for (const m of text.matchAll(re)) if (m[1]) add(m[1], source);
  }
  return [...out.values()];
}
