import type { CommandSpec, InstallSpec } from '../../model/plan.js';
import type { PythonDependencies } from './dependencies.js';
import type { LocalProject } from './local-project.js';
import { VENV_PYTHON } from './python-start.js';

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
 * directly. Then, when the app imports the repository's own package (`local`, see
 * `findLocalProject`), `pip install -e .` installs it; its manifest joins the hashed
 * ones. `extraPackages` (e.g. uvicorn for FastAPI) get a step of their own, last.
 *
 * @example
 * pythonInstall(deps, ['uvicorn'], null).steps[0].argv;
 * // ['.venv/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', 'requirements.txt']
 */
export function pythonInstall(
  deps: PythonDependencies,
  extraPackages: string[],
  local: LocalProject | null,
): InstallSpec {
  const steps: CommandSpec[] = [];
  if (deps.hasRequirementsTxt) {
    steps.push(step([...PIP_INSTALL, '-r', 'requirements.txt'], 'pip install -r requirements.txt'));
  } else if (deps.specsFrom !== null) {
    steps.push(
      step([...PIP_INSTALL, ...deps.specs], `pip install the dependencies of ${deps.specsFrom}`),
    );
  }
  if (local !== null) {
    steps.push(step([...PIP_INSTALL, '-e', '.'], `pip install -e . (${local.reason})`));
  }
  if (extraPackages.length > 0) {
    steps.push(
      step(
        [...PIP_INSTALL, ...extraPackages],
        `pip install ${extraPackages.join(' ')} (needed to start)`,
      ),
    );
  }
  const manifests = [...deps.manifests];
  if (local !== null && !manifests.includes(local.manifest)) manifests.push(local.manifest);
  return { isolation: 'venv', dir: '.venv', manifests, steps };
}

function step(argv: string[], description: string): CommandSpec {
  return { argv, cwd: '.', env: {}, description };
}
