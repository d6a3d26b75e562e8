import type { InstallSpec } from '../../core/plan.js';
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
