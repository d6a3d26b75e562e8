import type { InstallSpec } from '../../model/plan.js';
import type { PackageJson } from './package-json.js';
import type { PackageManager } from './package-manager.js';

/**
 * How to install a Node service's dependencies into `node_modules`: one step, the package
 * manager's install command. Null when package.json declares no dependencies at all.
 *
 * When the service runs with `NODE_ENV=production` (`production` true), the step sets
 * `NODE_ENV=development` for itself: npm, pnpm and yarn skip devDependencies under
 * production, and the build usually needs them (TypeScript, the Nest CLI).
 * Source: https://docs.npmjs.com/cli/commands/npm-ci#omit
 */
export function nodeInstall(
  pkg: PackageJson,
  pm: PackageManager,
  production: boolean,
): InstallSpec | null {
  const declared =
    Object.keys(pkg.dependencies ?? {}).length + Object.keys(pkg.devDependencies ?? {}).length;
  if (declared === 0) return null;
  return {
    isolation: 'node_modules',
    dir: 'node_modules',
    manifests: pm.lockFile === null ? ['package.json'] : ['package.json', pm.lockFile],
    steps: [
      {
        argv: pm.installArgv,
        cwd: '.',
        env: production ? { NODE_ENV: 'development' } : {},
        description: `install dependencies with ${pm.name}`,
      },
    ],
  };
}

/**
 * The install of a workspace (monorepo): the package manager's install, once, at the root,
 * into the root's `node_modules` (npm and yarn hoist the packages there; pnpm links each
 * package's own `node_modules` from it). Every service of the workspace carries this same
 * spec: the DependencyAgent installs for the first and skips the others, whose hash
 * (same steps, directory and manifests) matches the marker the first left. That keeps each
 * service self-contained (one can be planned, installed or retried alone), where putting
 * the install on the first service only would not. `manifests` are the root package.json,
 * the lock file, the workspace declaration and every workspace package's package.json.
 * `production`: some service runs with `NODE_ENV=production`, so the step sets
 * `NODE_ENV=development` to keep devDependencies (see {@link nodeInstall}).
 * Sources: https://docs.npmjs.com/cli/using-npm/workspaces, https://pnpm.io/workspaces
 *
 * @example
 * workspaceInstall(pm, ['pnpm-workspace.yaml', 'apps/web/package.json'], false).steps[0].argv; // ['pnpm', 'install', '--frozen-lockfile']
 */
export function workspaceInstall(
  pm: PackageManager,
  workspaceManifests: string[],
  production: boolean,
): InstallSpec {
  const manifests = ['package.json', ...(pm.lockFile === null ? [] : [pm.lockFile])];
  for (const file of workspaceManifests) if (!manifests.includes(file)) manifests.push(file);
  return {
    isolation: 'node_modules',
    dir: 'node_modules',
    manifests,
    steps: [
      {
        argv: pm.installArgv,
        cwd: '.',
        env: production ? { NODE_ENV: 'development' } : {},
        description: `install the workspace's dependencies with ${pm.name}, once at the root`,
      },
    ],
  };
}
