import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RepoView } from '../../repo/repo-view.js';
import { findPythonRuntime } from './runtime-version.js';

async function runtimeOf(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-pyrt-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    return await findPythonRuntime(new RepoView(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('python runtime: each source, and the order between them', async () => {
  const poetry = '[tool.poetry.dependencies]\npython = "^3.11"\n';
  const pep621 = '[project]\nname = "x"\nrequires-python = ">=3.10"\n';
  const cases: [Record<string, string>, { wanted: string; source: string } | null][] = [
    [
      { '.python-version': '# pinned\n3.12.1\n', 'runtime.txt': 'python-3.9.0' },
      { wanted: '3.12.1', source: '.python-version' },
    ],
    [
      { 'runtime.txt': 'python-3.11.4\n', 'pyproject.toml': pep621 },
      { wanted: '3.11.4', source: 'runtime.txt' },
    ],
    [
      { 'pyproject.toml': pep621 },
      { wanted: '>=3.10', source: 'pyproject.toml [project].requires-python' },
    ],
    [
      { Pipfile: '[requires]\npython_version = "3.11"\n', 'pyproject.toml': poetry },
      { wanted: '3.11', source: 'Pipfile [requires].python_version' },
    ],
    [
      { 'pyproject.toml': poetry },
      { wanted: '^3.11', source: 'pyproject.toml [tool.poetry.dependencies].python' },
    ],
    [{ 'pyproject.toml': 'not toml [', 'requirements.txt': 'flask' }, null],
    [{ 'requirements.txt': 'flask' }, null],
  ];
  for (const [files, expected] of cases) {
    const found = await runtimeOf(files);
    assert.deepEqual(found, expected && { tool: 'python3', ...expected }, JSON.stringify(files));
  }
});
