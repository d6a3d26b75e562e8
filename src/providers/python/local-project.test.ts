import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planOne, type Tree } from '../temp-tree.test-kit.js';
import { pythonProvider } from './index.js';

const PIP = [
  '.venv/bin/python',
  '-m',
  'pip',
  'install',
  '--disable-pip-version-check',
  '--no-input',
];

const planService = async (files: Tree) => (await planOne(pythonProvider, files))[0];

const BUILD = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';
const FASTAPI = 'from fastapi import FastAPI\napp = FastAPI()\n';

test('src layout: dependencies, then pip install -e ., app imported as the installed package', async () => {
  const service = await planService({
    'pyproject.toml': `[project]\nname = "hello-shop"\nrequires-python = ">=3.11"\ndependencies = ["fastapi", "uvicorn"]\n\n${BUILD}`,
    'uv.lock': '',
    'src/hello_shop/__init__.py': '',
    'src/hello_shop/main.py': FASTAPI,
  });
  assert.deepEqual(
    service.install?.steps.map((s) => s.argv),
    [
      [...PIP, 'fastapi', 'uvicorn'],
      [...PIP, '-e', '.'],
    ],
  );
  assert.equal(service.start.argv[3], 'hello_shop.main:app');
  assert.deepEqual(service.runtime, {
    tool: 'python3',
    wanted: '>=3.11',
    source: 'pyproject.toml [project].requires-python',
  });
  assert.ok(service.evidence.some((e) => e.startsWith('lock file uv.lock (uv;')));
  assert.ok(
    service.evidence.includes(
      'installs the project itself: package src/hello_shop of project hello-shop',
    ),
  );
});

test('flat package dir with a build-system: -e . added, module path unchanged', async () => {
  const service = await planService({
    'pyproject.toml': `[project]\nname = "api"\ndependencies = ["fastapi[standard]"]\n[tool.pdm]\ndistribution = true\n${BUILD}`,
    'pdm.lock': '',
    'api/__init__.py': '',
    'api/main.py': FASTAPI,
  });
  assert.deepEqual(service.install?.steps.at(-1)?.argv, [...PIP, '-e', '.']);
  assert.equal(service.start.argv[3], 'api.main:app');
  assert.ok(service.install?.manifests.includes('pdm.lock'));
  assert.ok(service.evidence.some((e) => e.startsWith('pdm project')));
});

test('no build-system, or no package of the project name: dependencies only', async () => {
  for (const pyproject of [
    '[project]\nname = "api"\ndependencies = ["fastapi[standard]"]\n',
    `[project]\nname = "other"\ndependencies = ["fastapi[standard]"]\n${BUILD}`,
  ]) {
    const service = await planService({
      'pyproject.toml': pyproject,
      'api/__init__.py': '',
      'api/main.py': FASTAPI,
    });
    assert.equal(service.install?.steps.length, 1, pyproject);
  }
});

test('setup.py: requirements then -e .; a tools-only setup.cfg is not a project', async () => {
  const withSetup = await planService({
    'requirements.txt': 'flask\n',
    'setup.py': 'from setuptools import setup\nsetup(name="x")\n',
    'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
  });
  assert.deepEqual(
    withSetup.install?.steps.map((s) => s.argv.slice(PIP.length)),
    [
      ['-r', 'requirements.txt'],
      ['-e', '.'],
    ],
  );
  assert.deepEqual(withSetup.install?.manifests, ['requirements.txt', 'setup.py']);
  const toolsOnly = await planService({
    'requirements.txt': 'flask\n',
    'setup.cfg': '[flake8]\nmax-line-length = 100\n',
    'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
  });
  assert.equal(toolsOnly.install?.steps.length, 1);
  const declarative = await planService({
    'setup.cfg': '[metadata]\nname = x\n[options]\ninstall_requires = flask\n',
    'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
  });
  assert.deepEqual(
    declarative.install?.steps.map((s) => s.argv.slice(PIP.length)),
    [['-e', '.']],
  );
});
