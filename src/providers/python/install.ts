import type { CommandSpec, InstallSpec } from '../../core/plan.js';
import type { PythonDependencies } from './dependencies.js';
import { VENV_PYTHON } from './start-command.js';

/** pip flags for unattended installs: no prompts, no "new pip available" noise. */
const PIP_INSTALL = [
  VENV_PYTHON,
  '-m',
  'pip',
  'install',
  '--disable-pip-version-check',
  '--no-input',
];

/**
 * How to install a Python service's dependencies into `<root>/.venv` (the DependencyAgent
 * creates the venv itself; these are the steps after that). `requirements.txt` wins when it
 * exists; otherwise the specs read from pyproject.toml or the Pipfile are passed to pip
 * directly. `extraPackages` (e.g. uvicorn for FastAPI) get a step of their own.
 *
 * @example
 * pythonInstall(deps, ['uvicorn']).steps[0].argv;
 * // ['.venv/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', 'requirements.txt']
 */
export function pythonInstall(deps: PythonDependencies, extraPackages: string[]): InstallSpec {
  const steps: CommandSpec[] = [];
  if (deps.hasRequirementsTxt) {
    steps.push(step([...PIP_INSTALL, '-r', 'requirements.txt'], 'pip install -r requirements.txt'));
  } else if (deps.specsFrom !== null) {
    steps.push(
      step([...PIP_INSTALL, ...deps.specs], `pip install the dependencies of ${deps.specsFrom}`),
    );
  }
  if (extraPackages.length > 0) {
    steps.push(
      step(
        [...PIP_INSTALL, ...extraPackages],
        `pip install ${extraPackages.join(' ')} (needed to start)`,
      ),
    );
  }
  return { isolation: 'venv', dir: '.venv', manifests: deps.manifests, steps };
}

function step(argv: string[], description: string): CommandSpec {
  return { argv, cwd: '.', env: {}, description };
}
