import type { InstallSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { detectFramework } from '../node/frameworks.js';
import { nodeInstall } from '../node/install.js';
import { allDependencies, type PackageJson, readPackageJson } from '../node/package-json.js';
import {
  choosePackageManager,
  type PackageManager,
  type PackageManagerName,
} from '../node/package-manager.js';
import { nodeStart } from '../node/start-command.js';

/** The directory a Node build is served from. */
export const NODE_BUILD_DIR = 'dist';

/** A Node project whose only product is a static site built into {@link NODE_BUILD_DIR}. */
export interface NodeStaticBuild {
  install: InstallSpec | null;
  packageManager: PackageManagerName;
  /** The package manager as the Node provider chose it (its tool to provision, evidence). */
  pm: PackageManager;
  /** The project's package.json. */
  pkg: PackageJson;
  /** The build script's text. */
  script: string;
  evidence: string[];
  warnings: string[];
}

/**
 * Build scripts taken to write `dist/`: one naming `dist`, or webpack / `parcel build` /
 * `vue-cli-service build`, whose default output directory is `dist/`
 * (https://webpack.js.org/configuration/output/#outputpath,
 * https://parceljs.org/features/targets/, https://cli.vuejs.org/config/#outputdir). Vite is
 * not here: the Node provider already runs `vite preview` for it.
 */
const BUILDS_TO_DIST =
  /(^|[\s/=])dist\b|^\s*(webpack\b|parcel\s+build\b)|\bvue-cli-service\s+build\b/;

/**
 * The package.json case the Node provider leaves alone: no start command by the Node
 * provider's own rules ({@link nodeStart} returns null: no start script, no `main`, no
 * index.js/server.js/app.js), but a `build` script matching {@link BUILDS_TO_DIST}. Then the
 * site is installed and built with the Node provider's package manager and install rules and
 * `dist/` is served. Null in every other case, also when package.json is malformed (the Node
 * provider reports that).
 */
export async function findNodeStaticBuild(repo: RepoView): Promise<NodeStaticBuild | null> {
  let pkg;
  try {
    pkg = await readPackageJson(repo);
  } catch {
    return null;
  }
  const script = pkg.scripts?.['build']?.trim();
  if (script === undefined || !BUILDS_TO_DIST.test(script)) return null;
  const pm = await choosePackageManager(repo, pkg);
  const framework = detectFramework(allDependencies(pkg));
  if ((await nodeStart(repo, pkg, framework, pm.name)) !== null) return null;
  return {
    install: nodeInstall(pkg, pm, false),
    packageManager: pm.name,
    pm,
    pkg,
    script,
    evidence: [
      'package.json without a start command',
      `build script writes ${NODE_BUILD_DIR}/ (${script})`,
      ...pm.evidence,
    ],
    warnings: pm.warnings,
  };
}
