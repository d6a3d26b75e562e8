import type { RepoView } from '../../repo/repo-view.js';
import { poetryToPep440 } from './poetry-constraint.js';
import { parseRequirementName, type RequirementName } from '../../repo/python-requirement-name.js';

/** Dependencies declared in a TOML manifest, as pip-installable specs. */
export interface ManifestDependencies {
  /** PEP 508 specs to pass to `pip install`, in manifest order. */
  specs: string[];
  requirements: RequirementName[];
  /** Entries that could not be turned into a spec, with the reason. */
  warnings: string[];
}

type Table = Record<string, unknown>;

const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Dependencies of `pyproject.toml`: PEP 621 `[project].dependencies` (already PEP 508) and
 * Poetry's `[tool.poetry.dependencies]` (constraints converted by {@link poetryToPep440};
 * the `python` entry is the interpreter, not a package, and is skipped). Null when the file
 * does not exist; throws when it is not valid TOML.
 * Sources: https://packaging.python.org/en/latest/specifications/pyproject-toml/,
 * https://python-poetry.org/docs/pyproject/#dependencies-and-dependency-groups
 */
export async function readPyprojectDependencies(
  repo: RepoView,
): Promise<ManifestDependencies | null> {
  const doc = await repo.readToml<Table>('pyproject.toml');
  if (doc === null) return null;
  const out: ManifestDependencies = { specs: [], requirements: [], warnings: [] };
  const project = doc['project'];
  if (isTable(project) && Array.isArray(project['dependencies'])) {
    for (const spec of project['dependencies']) {
      if (typeof spec === 'string') add(out, spec);
    }
  }
  const tool = doc['tool'];
  const poetry = isTable(tool) ? tool['poetry'] : undefined;
  const poetryDeps = isTable(poetry) ? poetry['dependencies'] : undefined;
  if (isTable(poetryDeps)) addTable(out, poetryDeps, 'pyproject.toml [tool.poetry.dependencies]');
  return out;
}

/**
 * Dependencies of a Pipfile's `[packages]` table (`[dev-packages]` is not needed to run).
 * Pipfile versions are PEP 440 already (`"==2.0"`, `"*"`). Null when there is no Pipfile.
 * Source: https://pipenv.pypa.io/en/latest/pipfile.html
 */
export async function readPipfileDependencies(
  repo: RepoView,
): Promise<ManifestDependencies | null> {
  const doc = await repo.readToml<Table>('Pipfile');
  if (doc === null) return null;
  const out: ManifestDependencies = { specs: [], requirements: [], warnings: [] };
  const packages = doc['packages'];
  if (isTable(packages)) addTable(out, packages, 'Pipfile [packages]');
  return out;
}

function add(out: ManifestDependencies, spec: string): void {
  const requirement = parseRequirementName(spec);
  if (!requirement) return;
  out.specs.push(spec.trim());
  out.requirements.push(requirement);
}

/** Poetry and Pipfile share the shape `name = "constraint"` or `name = { version, extras, git }`. */
function addTable(out: ManifestDependencies, table: Table, where: string): void {
  for (const [name, value] of Object.entries(table)) {
    if (name.toLowerCase() === 'python') continue;
    const spec = toSpec(name, value);
    if (typeof spec === 'string') add(out, spec);
    else out.warnings.push(`${where}: ${name} skipped (${spec.skipped})`);
  }
}

function toSpec(name: string, value: unknown): string | { skipped: string } {
  if (typeof value === 'string') return name + constraint(value);
  if (Array.isArray(value)) return name; // several constraints with markers: take any version
  if (!isTable(value)) return { skipped: 'unrecognised entry' };
  if (value['optional'] === true) return { skipped: 'optional, installed only with an extra' };
  if (value['path'] !== undefined) return { skipped: 'local path dependency' };
  const extras = Array.isArray(value['extras'])
    ? value['extras'].filter((e) => typeof e === 'string')
    : [];
  const named = extras.length > 0 ? `${name}[${extras.join(',')}]` : name;
  const git = value['git'];
  if (typeof git === 'string') {
    const ref = [value['rev'], value['ref'], value['tag'], value['branch']].find(
      (r) => typeof r === 'string',
    );
    return `${named} @ git+${git}${typeof ref === 'string' ? `@${ref}` : ''}`;
  }
  const version = value['version'];
  return named + (typeof version === 'string' ? constraint(version) : '');
}

/** Pipfile constraints are PEP 440 or `*`; Poetry's are converted. Both pass through here. */
function constraint(value: string): string {
  return poetryToPep440(value) ?? '';
}
