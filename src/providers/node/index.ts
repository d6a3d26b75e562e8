import type { RepoView } from '../../repo/repo-view.js';
import { PROVIDER_MARKERS } from '../markers.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import type { ServiceSpec } from '../../model/plan.js';
import { nodeInstall } from './install.js';
import { withLockfileHostsReplaced } from './lock-hosts.js';
import { readPackageJson, type PackageJson } from './package-json.js';
import { choosePackageManager, type PackageManager } from './package-manager.js';
import { planPackage } from './package-service.js';
import { planWorkspaces } from './workspace-plan.js';
import { findWorkspaces } from './workspaces.js';

/**
 * The Node provider: detects a root package.json and chooses the package manager from the
 * `packageManager` field or lock file. A monorepo (npm/yarn `workspaces`,
 * `pnpm-workspace.yaml`, turbo, nx) gets a service per workspace package that starts
 * (see `planWorkspaces`), sharing one root install. Otherwise, or when no workspace package
 * starts, the root package is one `web` service: install into `node_modules`, the `build`
 * script when the start command serves build output, and a start command for its framework
 * (Next.js, Vite, NestJS, Express, Fastify, Koa, hapi). Each service carries the Node
 * version the repository asks for as `runtime`. A malformed root package.json makes `plan`
 * throw (the registry records it as a warning).
 *
 * @example
 * const detection = await nodeProvider.detect(repo);
 * if (detection) (await nodeProvider.plan(repo, detection)).services[0]?.start.argv;
 */
export const nodeProvider: Provider = {
  name: 'node',

  async detect(repo: RepoView): Promise<Detection | null> {
    const [marker] = PROVIDER_MARKERS.node;
    return (await repo.hasFile(marker)) ? { evidence: [marker] } : null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const pkg = await readPackageJson(repo);
    const pm = await choosePackageManager(repo, pkg);
    const warnings = [...pm.warnings];
    const evidence = [...detection.evidence, ...pm.evidence];
    const finish = async (services: ServiceSpec[]): Promise<ProviderPlan> => {
      const finished = await finishNodeServices(repo, pm, pkg, services);
      return { services: finished.services, warnings: [...warnings, ...finished.warnings] };
    };
    const workspaces = await findWorkspaces(repo, pkg);
    if (workspaces !== null) {
      const planned = await planWorkspaces(repo, pkg, pm, workspaces, evidence);
      warnings.push(...planned.warnings);
      if (planned.services.length > 0) return finish(planned.services);
      evidence.push(...workspaces.evidence);
    }
    const planned = await planPackage(repo, {
      name: 'web',
      pkg,
      pm,
      start: { dir: '.', binDir: 'node_modules/.bin', fallbacks: true },
      runtimeFrom: [{ dir: '.', pkg }],
      evidence,
    });
    if (planned === null) {
      const dev = pkg.scripts?.['dev'] ? ' (it has a dev script, which is not run)' : '';
      warnings.push(`node: package.json has no start script, main or index.js${dev}`);
      return { services: [], warnings };
    }
    warnings.push(...planned.warnings);
    const install = nodeInstall(pkg, pm, planned.production);
    return finish([{ ...planned.service, install }]);
  },
};

/**
 * Lets dependencies' install scripts run when the project set no policy of its own: npm
 * 11.16+ skips (and npm 12 refuses) every dependency `preinstall`/`install`/`postinstall`
 * not listed in package.json's `allowScripts`, and pnpm 10+ every dependency build not in
 * `onlyBuiltDependencies`; then Prisma's client is never generated, native addons (bcrypt,
 * sqlite3, sharp) never built, and the app fails at its first import. They run inside the
 * run's sandbox like the rest of the repository's code. A project that wrote a policy keeps
 * it. Sources: npm's `allowScripts`/`dangerously-allow-all-scripts` config docs,
 * https://pnpm.io/settings#dangerouslyallowallbuilds.
 */
export const ALLOW_INSTALL_SCRIPTS: Readonly<Record<string, string>> = {
  npm_config_dangerously_allow_all_scripts: 'true',
  npm_config_dangerously_allow_all_builds: 'true',
  // Install scripts that download test browsers and tool binaries from their vendors' hosts
  // (not a package registry, so unreachable here) and that running the app never needs:
  // each tool's documented switch to skip the download.
  CYPRESS_INSTALL_BINARY: '0',
  PUPPETEER_SKIP_DOWNLOAD: 'true',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
  SENTRYCLI_SKIP_DOWNLOAD: '1',
};

/**
 * What every service a Node project plans gets last, whichever provider plans it (the Node
 * provider, or the static provider for a site built with a package manager): the lockfile's
 * registry hosts replaced (see `lock-hosts.ts`), the package manager to provision named, and
 * dependencies' install scripts allowed unless package.json has a policy (see
 * {@link ALLOW_INSTALL_SCRIPTS}).
 *
 * @returns the services in the same order, and warnings to show in the plan
 */
export async function finishNodeServices(
  repo: RepoView,
  pm: PackageManager,
  pkg: PackageJson,
  services: ServiceSpec[],
): Promise<{ services: ServiceSpec[]; warnings: string[] }> {
  const hosts = await withLockfileHostsReplaced(repo, pm, services);
  return {
    services: hosts.services.map((svc) => withTool(svc, pm, pkg)),
    warnings: hosts.warnings,
  };
}

/**
 * `service` with the package manager it uses named for provisioning (none for npm), and
 * dependency install scripts allowed unless package.json has a policy (see
 * {@link ALLOW_INSTALL_SCRIPTS}).
 */
function withTool(service: ServiceSpec, pm: PackageManager, pkg: PackageJson): ServiceSpec {
  const policy =
    'allowScripts' in pkg ||
    (typeof pkg['pnpm'] === 'object' &&
      pkg['pnpm'] !== null &&
      'onlyBuiltDependencies' in pkg['pnpm']);
  const out: ServiceSpec = policy
    ? service
    : {
        ...service,
        env: { ...ALLOW_INSTALL_SCRIPTS, ...service.env },
        evidence: [
          ...service.evidence,
          "dependencies' install scripts allowed (package.json sets no allowScripts policy)",
        ],
      };
  return pm.tool ? { ...out, packageManager: pm.tool } : out;
}
