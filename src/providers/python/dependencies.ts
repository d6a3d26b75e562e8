import type { RepoView } from '../../repo/repo-view.js';
import { readPipfileDependencies, readPyprojectDependencies } from './manifest-dependencies.js';
import type { RequirementName } from '../../repo/python-requirement-name.js';
import { readRequirementsFile } from './requirements-txt.js';

/**
 * Lock files recognised, with the tool that writes them. They are recorded as manifests (a
 * changed lock reinstalls) and as evidence, but pip does not read them: whether poetry, uv
 * or pdm is installed cannot be known at plan time, so every project installs through pip
 * from its manifest (PEP 621 or converted Poetry constraints, the Pipfile's `[packages]`).
 */
export const PYTHON_LOCK_FILES = [
  ['poetry.lock', 'poetry'],
  ['uv.lock', 'uv'],
  ['pdm.lock', 'pdm'],
  ['Pipfile.lock', 'pipenv'],
] as const;

/** Everything the Python provider knows about a repository's dependencies. */
export interface PythonDependencies {
  /** Normalised (PEP 503) names from every source, for framework detection. */
  names: Set<string>;
  /** Extras requested per normalised name (`uvicorn[standard]` → standard). */
  extras: Map<string, string[]>;
  /** True when `requirements.txt` exists: it is then what gets installed. */
  hasRequirementsTxt: boolean;
  /** PEP 508 specs from pyproject.toml or the Pipfile, for `pip install <specs>`. */
  specs: string[];
  /** The manifest `specs` were read from, or null when there are none. */
  specsFrom: 'pyproject.toml' | 'Pipfile' | null;
  /** Dependency and lock files that exist, relative to the root (hashed to skip reinstalls). */
  manifests: string[];
  evidence: string[];
  warnings: string[];
}

/**
 * Reads the repository's Python dependencies from `requirements.txt` (with `-r` includes),
 * `pyproject.toml` (PEP 621, as uv and pdm write it, and Poetry) and the `Pipfile`, and notes
 * the lock files ({@link PYTHON_LOCK_FILES}).
 * Specs for `pip install` come from pyproject.toml, else from the Pipfile; they matter only
 * when there is no requirements.txt. Throws when a TOML manifest is malformed.
 */
export async function readPythonDependencies(repo: RepoView): Promise<PythonDependencies> {
  const deps: PythonDependencies = {
    names: new Set(),
    extras: new Map(),
    hasRequirementsTxt: false,
    specs: [],
    specsFrom: null,
    manifests: [],
    evidence: [],
    warnings: [],
  };
  if (await repo.hasFile('requirements.txt')) {
    const reqs = await readRequirementsFile(repo, 'requirements.txt');
    deps.hasRequirementsTxt = true;
    deps.manifests.push(...reqs.files);
    deps.evidence.push(`${reqs.files.join(', ')}: ${reqs.requirements.length} requirements`);
    for (const file of reqs.missing) deps.warnings.push(`requirements include ${file} not found`);
    record(deps, reqs.requirements);
  }
  const pyproject = await readPyprojectDependencies(repo);
  if (pyproject) {
    deps.manifests.push('pyproject.toml');
    deps.evidence.push(`pyproject.toml: ${pyproject.specs.length} dependencies`);
    deps.warnings.push(...pyproject.warnings);
    record(deps, pyproject.requirements);
    if (pyproject.specs.length > 0) {
      deps.specs = pyproject.specs;
      deps.specsFrom = 'pyproject.toml';
    }
  }
  const pipfile = await readPipfileDependencies(repo);
  if (pipfile) {
    deps.manifests.push('Pipfile');
    deps.evidence.push(`Pipfile: ${pipfile.specs.length} packages`);
    deps.warnings.push(...pipfile.warnings);
    record(deps, pipfile.requirements);
    if (deps.specsFrom === null && pipfile.specs.length > 0) {
      deps.specs = pipfile.specs;
      deps.specsFrom = 'Pipfile';
    }
  }
  if (pyproject && /^\[tool\.pdm[.\]]/m.test((await repo.readText('pyproject.toml')) ?? ''))
    deps.evidence.push('pdm project ([tool.pdm]): PEP 621 dependencies installed with pip');
  for (const [lock, tool] of PYTHON_LOCK_FILES) {
    if (await repo.hasFile(lock)) {
      deps.manifests.push(lock);
      deps.evidence.push(
        `lock file ${lock} (${tool}; not used by pip: versions come from the manifest)`,
      );
    }
  }
  return deps;
}

function record(deps: PythonDependencies, requirements: RequirementName[]): void {
  for (const { name, extras } of requirements) {
    deps.names.add(name);
    if (extras.length > 0) deps.extras.set(name, [...(deps.extras.get(name) ?? []), ...extras]);
  }
}
