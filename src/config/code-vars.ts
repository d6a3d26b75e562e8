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
  const prefix = dir === '.' ? '' : `${dir}/`;
  const files = await repo.findFiles(
    (name, rel) => name.endsWith('.py') && rel.startsWith(prefix) && !NOT_SETTINGS.test(rel),
    { maxDepth: 3 + (dir === '.' ? 0 : dir.split('/').length), limit: 400 },
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
