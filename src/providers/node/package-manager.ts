import type { RepoView } from '../../repo/repo-view.js';
import type { PackageJson } from './package-json.js';
import type { ProvisionedToolSpec } from '../../model/plan.js';

/** The package managers the Node provider installs with. */
export type PackageManagerName = 'npm' | 'pnpm' | 'yarn';

/** The package manager chosen, and how to install with it. */
export interface PackageManager {
  name: PackageManagerName;
  /** The lock file used, relative to the root, or null when there is none. */
  lockFile: string | null;
  /** The install command (`npm ci --no-audit --no-fund`, `pnpm install --frozen-lockfile`, …). */
  installArgv: string[];
  evidence: string[];
  warnings: string[];
  /**
   * The npm package that provides it and the version to provision when the machine lacks
   * it (`exec/provisioned-tools.ts`); null for npm, which comes with Node.
   */
  tool: ProvisionedToolSpec | null;
}

/** Lock files, in the order checked, with their package manager. */
const LOCK_FILES: readonly [string, PackageManagerName][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
];
/** Bun's lock files: bun itself is not supported. */
const BUN_LOCKS = ['bun.lockb', 'bun.lock'];

/**
 * Chooses the package manager. The `packageManager` field (corepack) decides when present;
 * otherwise the lock file does; with neither, npm. A lock file of another manager than the
 * field names is ignored with a warning. Installs are reproducible when a lock file exists
 * (`npm ci`, `--frozen-lockfile`, Yarn 2+'s `--immutable`).
 * Sources: https://docs.npmjs.com/cli/commands/npm-ci, https://pnpm.io/cli/install,
 * https://classic.yarnpkg.com/en/docs/cli/install, https://yarnpkg.com/cli/install
 */
export async function choosePackageManager(
  repo: RepoView,
  pkg: PackageJson,
): Promise<PackageManager> {
  const evidence: string[] = [];
  const warnings: string[] = [];
  const locks: [string, PackageManagerName][] = [];
  for (const entry of LOCK_FILES) if (await repo.hasFile(entry[0])) locks.push(entry);
  const field = /^(npm|pnpm|yarn|bun)@(\d+)?/.exec(pkg.packageManager ?? '');
  let name: PackageManagerName = locks[0]?.[1] ?? 'npm';
  let fieldMajor: number | null = null;
  if (field?.[1] === 'bun') {
    warnings.push(`packageManager ${pkg.packageManager}: bun is not supported, using ${name}`);
  } else if (field?.[1]) {
    name = field[1] as PackageManagerName;
    fieldMajor = field[2] === undefined ? null : Number(field[2]);
    evidence.push(`packageManager ${pkg.packageManager}`);
  }
  const lock = locks.find(([, manager]) => manager === name);
  const why = field?.[1] === name ? `packageManager says ${name}` : `${lock?.[0]} comes first`;
  for (const [file, manager] of locks) {
    if (manager !== name) warnings.push(`${file} ignored: ${why}`);
  }
  for (const bun of BUN_LOCKS) {
    if (await repo.hasFile(bun)) {
      warnings.push(`${bun} found: bun is not supported, installing with ${name} instead`);
    }
  }
  if (lock) evidence.push(`lock file ${lock[0]} → ${name}`);
  const lockFile = lock?.[0] ?? null;
  const yarnBerry =
    name === 'yarn' &&
    ((fieldMajor ?? 1) >= 2 ||
      (await repo.hasFile('.yarnrc.yml')) ||
      (lockFile !== null && (await repo.readText(lockFile))?.includes('__metadata:') === true));
  const exact =
    field?.[1] === name ? /^[a-z]+@(\d+\.\d+\.\d+[^+]*)/.exec(pkg.packageManager ?? '')?.[1] : null;
  const lockText = name === 'pnpm' && lockFile ? await repo.readText(lockFile) : null;
  return {
    name,
    lockFile,
    installArgv: installArgv(name, lockFile !== null, yarnBerry),
    evidence,
    warnings,
    tool: toolFor(
      name,
      exact ?? (fieldMajor !== null ? String(fieldMajor) : null),
      yarnBerry,
      lockText,
    ),
  };
}

/**
 * The npm package and version that provide `name`: the exact version `packageManager`
 * names, else its major, else (pnpm) the major its lock file's `lockfileVersion` was written
 * by (9.x: pnpm 9 and 10; 6.x: pnpm 8; 5.x: pnpm 7), else pnpm 9. Yarn 1 is the `yarn` package;
 * Yarn 2+ ("berry") is published to the npm registry as `@yarnpkg/cli-dist` (Yarn 4 when
 * no version is named). Sources: https://pnpm.io/installation#compatibility,
 * https://github.com/pnpm/spec/tree/master/lockfile, https://yarnpkg.com/getting-started/install.
 */
function toolFor(
  name: PackageManagerName,
  version: string | null,
  yarnBerry: boolean,
  pnpmLock: string | null,
): ProvisionedToolSpec | null {
  if (name === 'npm') return null;
  if (name === 'yarn') {
    return yarnBerry
      ? { name, npmPackage: '@yarnpkg/cli-dist', version: version ?? '4' }
      : { name, npmPackage: 'yarn', version: version ?? '1' };
  }
  const lockVersion = /^lockfileVersion:\s*'?(\d+)/m.exec(pnpmLock ?? '')?.[1];
  const fromLock = lockVersion === '5' ? '7' : lockVersion === '6' ? '8' : '9';
  return { name, npmPackage: 'pnpm', version: version ?? fromLock };
}

function installArgv(name: PackageManagerName, locked: boolean, yarnBerry: boolean): string[] {
  switch (name) {
    case 'npm':
      return locked
        ? ['npm', 'ci', '--no-audit', '--no-fund']
        : ['npm', 'install', '--no-audit', '--no-fund'];
    case 'pnpm':
      return locked ? ['pnpm', 'install', '--frozen-lockfile'] : ['pnpm', 'install'];
    case 'yarn':
      if (!locked) return ['yarn', 'install'];
      return yarnBerry
        ? ['yarn', 'install', '--immutable']
        : ['yarn', 'install', '--frozen-lockfile'];
  }
}
