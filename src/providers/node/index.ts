import type { CommandSpec, ServiceSpec } from '../../core/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { findHealthPath } from '../health-path.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { detectFramework } from './frameworks.js';
import { allDependencies, readPackageJson } from './package-json.js';
import { choosePackageManager } from './package-manager.js';
import { nodeStart } from './start-command.js';
import { nodeInstall } from './install.js';

/**
 * The Node provider: detects a root package.json, chooses the package manager from the
 * `packageManager` field or lock file, finds the framework (Next.js, Vite, NestJS, Express,
 * Fastify, Koa, hapi) and plans one `web` service: install into `node_modules`, the `build`
 * script when the start command serves build output, and a start command. A malformed
 * package.json makes `plan` throw (the registry records it as a warning).
 *
 * @example
 * const detection = await nodeProvider.detect(repo);
 * if (detection) (await nodeProvider.plan(repo, detection)).services[0]?.start.argv;
 */
export const nodeProvider: Provider = {
  name: 'node',

  async detect(repo: RepoView): Promise<Detection | null> {
    return (await repo.hasFile('package.json')) ? { evidence: ['package.json'] } : null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const pkg = await readPackageJson(repo);
    const pm = await choosePackageManager(repo, pkg);
    const framework = detectFramework(allDependencies(pkg));
    const warnings = [...pm.warnings];
    const evidence = [...detection.evidence, ...pm.evidence];
    if (framework) evidence.push(`framework ${framework}`);
    const start = await nodeStart(repo, pkg, framework, pm.name);
    if (start === null) {
      const dev = pkg.scripts?.['dev'] ? ' (it has a dev script, which is not run)' : '';
      warnings.push(`node: package.json has no start script, main or index.js${dev}`);
      return { services: [], warnings };
    }
    evidence.push(`start: ${start.description}`);
    const build: CommandSpec[] = [];
    if (start.needsBuild && pkg.scripts?.['build']) {
      build.push({
        argv: [pm.name, 'run', 'build'],
        cwd: '.',
        env: {},
        description: `${pm.name} run build`,
      });
    } else if (start.needsBuild && framework !== null) {
      warnings.push(`${framework} serves build output, but package.json has no build script`);
    }
    const production = build.length > 0 && (framework === 'next' || framework === 'nestjs');
    const service: ServiceSpec = {
      name: 'web',
      provider: 'node',
      framework,
      root: '.',
      protocol: 'http',
      install: nodeInstall(pkg, pm, production),
      build,
      start: { argv: start.argv, cwd: '.', env: start.env, description: start.description },
      healthPath:
        start.mainFile === null ? null : findHealthPath(await repo.readText(start.mainFile)),
      env: production ? { NODE_ENV: 'production' } : {},
      evidence,
    };
    return { services: [service], warnings };
  },
};
