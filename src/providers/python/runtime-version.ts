import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';

/** The interpreter version a repository asks for (`ServiceSpec.runtime`). */
export type PythonRuntime = NonNullable<ServiceSpec['runtime']>;

type Table = Record<string, unknown>;

const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The Python version the repository asks for, from the first of these that says one:
 * 1. `.python-version` (pyenv, uv): its first line that is not a comment;
 * 2. `runtime.txt` (Heroku): `python-3.11.4` → `3.11.4`;
 * 3. pyproject.toml `[project].requires-python` (PEP 621), e.g. `>=3.10`;
 * 4. Pipfile `[requires].python_version` (or `python_full_version`);
 * 5. pyproject.toml `[tool.poetry.dependencies].python`, e.g. `^3.11`.
 * Pins come before ranges: they name the version the developers run. `wanted` is kept as
 * the repository wrote it. Null when nothing says. A malformed TOML file is skipped here
 * (the dependency reader reports it).
 * Sources: https://github.com/pyenv/pyenv#choosing-the-python-version,
 * https://devcenter.heroku.com/articles/python-runtimes,
 * https://packaging.python.org/en/latest/specifications/pyproject-toml/#requires-python,
 * https://pipenv.pypa.io/en/latest/specifiers.html#specifying-versions-of-python,
 * https://python-poetry.org/docs/pyproject/#dependencies-and-dependency-groups
 *
 * @example
 * await findPythonRuntime(repo); // { tool: 'python3', wanted: '3.11', source: '.python-version' }
 */
export async function findPythonRuntime(repo: RepoView): Promise<PythonRuntime | null> {
  const pinned = firstLine(await repo.readText('.python-version'));
  if (pinned) return runtime(pinned, '.python-version');
  const heroku = /^python-(\S+)/.exec(firstLine(await repo.readText('runtime.txt')) ?? '');
  if (heroku?.[1]) return runtime(heroku[1], 'runtime.txt');
  const pyproject = await readTomlQuietly(repo, 'pyproject.toml');
  const project = pyproject?.['project'];
  const requires = isTable(project) ? project['requires-python'] : undefined;
  if (typeof requires === 'string' && requires.trim() !== '')
    return runtime(requires.trim(), 'pyproject.toml [project].requires-python');
  const pipfile = await readTomlQuietly(repo, 'Pipfile');
  const pipRequires = pipfile?.['requires'];
  if (isTable(pipRequires)) {
    for (const key of ['python_version', 'python_full_version']) {
      const value = pipRequires[key];
      if (typeof value === 'string' && value.trim() !== '')
        return runtime(value.trim(), `Pipfile [requires].${key}`);
    }
  }
  const tool = pyproject?.['tool'];
  const poetry = isTable(tool) ? tool['poetry'] : undefined;
  const poetryDeps = isTable(poetry) ? poetry['dependencies'] : undefined;
  const python = isTable(poetryDeps) ? poetryDeps['python'] : undefined;
  if (typeof python === 'string' && python.trim() !== '')
    return runtime(python.trim(), 'pyproject.toml [tool.poetry.dependencies].python');
  return null;
}

function runtime(wanted: string, source: string): PythonRuntime {
  return { tool: 'python3', wanted, source };
}

function firstLine(text: string | null): string | null {
  if (text === null) return null;
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  return line ?? null;
}

async function readTomlQuietly(repo: RepoView, file: string): Promise<Table | null> {
  try {
    return await repo.readToml<Table>(file);
  } catch {
    return null;
  }
}
