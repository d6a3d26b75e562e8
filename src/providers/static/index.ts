import { STATIC_SERVER } from '../../model/plan.js';
import type { CommandSpec, InstallSpec, ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { APP_MARKERS } from '../markers.js';
import { finishNodeServices } from '../node/index.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { findNodeStaticBuild, NODE_BUILD_DIR } from './node-build.js';
import { findSiteDir, isSinglePageApp, siteFile } from './site-dir.js';

/** Where a source `index.html` of a Node build is looked for when `dist/` is not built yet. */
const SOURCE_HTML_DIRS = ['.', 'src', 'public'];

/**
 * The fallback provider for static sites; the registry puts it last. Detects:
 * 1. a repository with none of {@link APP_MARKERS} and no package.json, and an `index.html`
 *    at the root or in `public/`, `dist/`, `build/`, `_site/` or `out/` (first found is served);
 * 2. a package.json the Node provider finds no start command in, with a `build` script
 *    writing `dist/` (see `node-build.ts`): install, `<pm> run build`, then serve `dist/`.
 * Plans one `web` service run by Repo Runner's built-in static server
 * (`{repo-runner-static} <dir> --port {port} --host {host}`, plus `--spa` by the rule of
 * {@link isSinglePageApp}).
 *
 * @example
 * const detection = await staticProvider.detect(repo);
 * if (detection) (await staticProvider.plan(repo, detection)).services[0]?.start.argv;
 * // ['{repo-runner-static}', 'public', '--port', '{port}', '--host', '{host}']
 */
export const staticProvider: Provider = {
  name: 'static',

  async detect(repo: RepoView): Promise<Detection | null> {
    for (const marker of APP_MARKERS) if (await repo.hasFile(marker)) return null;
    if (await repo.hasFile('package.json')) {
      const build = await findNodeStaticBuild(repo);
      return build === null ? null : { evidence: build.evidence };
    }
    const dir = await findSiteDir(repo);
    return dir === null ? null : { evidence: [siteFile(dir, 'index.html')] };
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const evidence = [...detection.evidence];
    const warnings: string[] = [];
    let dir: string;
    let spa: boolean;
    let install: InstallSpec | null = null;
    const build: CommandSpec[] = [];
    const nodeBuild = (await repo.hasFile('package.json')) ? await findNodeStaticBuild(repo) : null;
    if (nodeBuild !== null) {
      dir = NODE_BUILD_DIR;
      install = nodeBuild.install;
      warnings.push(...nodeBuild.warnings);
      const pm = nodeBuild.packageManager;
      build.push({ argv: [pm, 'run', 'build'], cwd: '.', env: {}, description: `${pm} run build` });
      spa = await nodeBuildIsSpa(repo);
    } else {
      const found = await findSiteDir(repo);
      if (found === null) return { services: [], warnings: ['static: no index.html found'] };
      dir = found;
      spa = await isSinglePageApp(repo, dir);
    }
    evidence.push(`serve ${dir === '.' ? 'the repository root' : `${dir}/`}`);
    if (spa) evidence.push('single-page app: index.html loads a script, no 404.html');
    const argv = [STATIC_SERVER, dir, '--port', '{port}', '--host', '{host}'];
    if (spa) argv.push('--spa');
    const service: ServiceSpec = {
      name: 'web',
      provider: 'static',
      framework: null,
      root: '.',
      protocol: 'http',
      install,
      build,
      start: { argv, cwd: '.', env: {}, description: `built-in static server for ${dir}` },
      healthPath: '/',
      env: {},
      evidence,
    };
    if (nodeBuild === null) return { services: [service], warnings };
    // A Node build gets what the Node provider gives its services: pnpm or Yarn provisioned
    // when the machine lacks it, lockfile hosts replaced, install scripts allowed.
    const finished = await finishNodeServices(repo, nodeBuild.pm, nodeBuild.pkg, [service]);
    return { services: finished.services, warnings: [...warnings, ...finished.warnings] };
  },
};

/** The SPA rule on `dist/` when it is built already, else on the source `index.html`. */
async function nodeBuildIsSpa(repo: RepoView): Promise<boolean> {
  if (await repo.hasFile(siteFile(NODE_BUILD_DIR, 'index.html'))) {
    return isSinglePageApp(repo, NODE_BUILD_DIR);
  }
  for (const dir of SOURCE_HTML_DIRS) {
    if (await repo.hasFile(siteFile(dir, 'index.html'))) return isSinglePageApp(repo, dir);
  }
  return false;
}
