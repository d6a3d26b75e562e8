import type { RepoView } from '../../repo/repo-view.js';

/** The repository's own distribution, installed with `pip install -e .` after its dependencies. */
export interface LocalProject {
  /** The manifest that declares it (`pyproject.toml`, `setup.py`, `setup.cfg`). */
  manifest: string;
  /** Why it is installed, for the step description and evidence. */
  reason: string;
  /** The import name of a package under `src/` (the src layout), or null. */
  srcPackage: string | null;
}

type Table = Record<string, unknown>;

const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether the repository's own project must be installed (`pip install -e .`) for the app to
 * import its package. The rule, first match wins:
 * 1. pyproject.toml has a `[build-system]` and a name (`[project].name`, or Poetry's
 *    `[tool.poetry].name`), and a package of that name exists: `src/<name>/__init__.py`
 *    (the src layout, importable only once installed) or `<name>/__init__.py`. The name
 *    is turned into an import name as build backends do (`my-app` → `my_app`).
 * 2. `setup.py` exists, or `setup.cfg` declares a project (`[metadata]` or `[options]`;
 *    a setup.cfg holding only tool settings such as `[flake8]` does not count).
 * Without a `[build-system]`, pip would fall back to setuptools' legacy backend, whose
 * package discovery fails on many app layouts, so such a pyproject.toml is not installed.
 * Null when none applies. Sources: https://packaging.python.org/en/latest/discussions/src-layout-vs-flat-layout/,
 * https://pip.pypa.io/en/stable/topics/local-project-installs/#editable-installs,
 * https://setuptools.pypa.io/en/latest/userguide/declarative_config.html
 *
 * @example
 * await findLocalProject(repo); // { manifest: 'pyproject.toml', reason: 'package src/shop imported by the app' }
 */
export async function findLocalProject(repo: RepoView): Promise<LocalProject | null> {
  let pyproject: Table | null = null;
  try {
    pyproject = await repo.readToml<Table>('pyproject.toml');
  } catch {
    pyproject = null; // the dependency reader reports malformed TOML
  }
  if (pyproject && isTable(pyproject['build-system'])) {
    const name = projectName(pyproject);
    if (name !== null) {
      const pkg = name.toLowerCase().replace(/[-.]+/g, '_');
      for (const dir of [`src/${pkg}`, pkg]) {
        if (await repo.hasFile(`${dir}/__init__.py`))
          return {
            manifest: 'pyproject.toml',
            reason: `package ${dir} of project ${name}`,
            srcPackage: dir.startsWith('src/') ? pkg : null,
          };
      }
    }
  }
  if (await repo.hasFile('setup.py'))
    return { manifest: 'setup.py', reason: 'setup.py project', srcPackage: null };
  const cfg = await repo.readText('setup.cfg');
  if (cfg !== null && /^\[(metadata|options)\]/m.test(cfg))
    return { manifest: 'setup.cfg', reason: 'setup.cfg project', srcPackage: null };
  return null;
}

/**
 * An app target as the installed package names it: in the src layout the package is
 * imported as `shop.main`, not `src.shop.main` (which would import it a second time, apart
 * from the installed copy, and break its absolute imports). Other targets are unchanged.
 *
 * @example
 * asInstalledTarget('src.shop.main:app', { srcPackage: 'shop', ... }); // 'shop.main:app'
 */
export function asInstalledTarget(target: string, local: LocalProject | null): string {
  const pkg = local?.srcPackage;
  if (!pkg) return target;
  const inside = target === `src.${pkg}` || /^[.:]/.test(target.slice(`src.${pkg}`.length));
  return target.startsWith(`src.${pkg}`) && inside ? target.slice('src.'.length) : target;
}

function projectName(doc: Table): string | null {
  const project = doc['project'];
  if (isTable(project) && typeof project['name'] === 'string') return project['name'];
  const tool = doc['tool'];
  const poetry = isTable(tool) ? tool['poetry'] : undefined;
  if (isTable(poetry) && typeof poetry['name'] === 'string') return poetry['name'];
  return null;
}
