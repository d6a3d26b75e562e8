import { toServiceName, type InstallSpec, type ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { PROVIDER_MARKERS } from '../markers.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { detectGoFramework } from './frameworks.js';
import { moduleBaseName, parseGoMod, type GoMod } from './go-mod.js';
import { goHealthPath } from './health-route.js';
import { findMainPackage } from './main-package.js';

/**
 * Where Go binaries are built, relative to the repository root: Repo Runner's one folder in
 * a repository (like `.venv`), so a build never overwrites the repo's own `bin/`.
 */
export const GO_BIN_DIR = '.repo-runner/bin';

/**
 * The Go provider: detects a root go.mod, finds the main package (the root, else
 * `cmd/<name>/`, see {@link findMainPackage}), the web framework (gin, echo, fiber, chi,
 * gorilla/mux, else net/http) and plans one service named after the binary:
 * `go mod download` into the module cache, `go build -o .repo-runner/bin/<name> ./<pkg>`,
 * then the binary itself, which reads PORT and HOST from its environment. Gin runs with
 * `GIN_MODE=release` (debug mode logs every route and warns on start). A module without a
 * main package (a library) gets no service and a warning.
 *
 * @example
 * const detection = await goProvider.detect(repo);
 * if (detection) (await goProvider.plan(repo, detection)).services[0]?.start.argv;
 * // ['.repo-runner/bin/api']
 */
export const goProvider: Provider = {
  name: 'go',

  async detect(repo: RepoView): Promise<Detection | null> {
    const [marker] = PROVIDER_MARKERS.go;
    return (await repo.hasFile(marker)) ? { evidence: [marker] } : null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const mod = parseGoMod((await repo.readText('go.mod')) ?? '');
    const moduleName = toServiceName(moduleBaseName(mod.module ?? ''));
    const choice = await findMainPackage(repo, moduleName);
    const evidence = [...detection.evidence];
    const warnings: string[] = [];
    if (mod.module !== null) evidence.push(`module ${mod.module}`);
    const main = choice.picked;
    if (main === null) {
      warnings.push(
        'go: no main package (package main with func main) at the root or in cmd/*; a library has nothing to run',
      );
      return { services: [], warnings };
    }
    const where = main.dir === '.' ? 'the root package' : main.dir;
    if (choice.others.length > 0) {
      const note = `picked ${where}; others: ${choice.others.join(', ')}`;
      evidence.push(`main package: ${note}`);
      warnings.push(`go: ${note} — override with repo-runner.json`);
    } else {
      evidence.push(`main package: ${where}`);
    }
    const framework = detectGoFramework(mod.requires, main);
    if (framework) evidence.push(`framework ${framework.framework} (${framework.evidence})`);
    const readsPort = main.files.some((f) => /\bPORT\b/.test(f.text));
    evidence.push(
      readsPort ? `${where} reads PORT` : `${where} does not mention PORT: it may listen elsewhere`,
    );
    if (mod.toolchain !== null) evidence.push(`go.mod toolchain ${mod.toolchain}`);
    const name = toServiceName(choice.binary);
    const binary = `${GO_BIN_DIR}/${name}`;
    const pkgArg = main.dir === '.' ? '.' : `./${main.dir}`;
    const install = await goInstall(repo, mod, evidence);
    if (install !== null && !(await repo.hasFile('go.sum'))) {
      warnings.push(
        'go: go.mod requires modules but there is no go.sum: the build fails with "missing go.sum entry" until `go mod tidy` is run',
      );
    }
    const service: ServiceSpec = {
      name,
      provider: 'go',
      framework: framework?.framework ?? null,
      root: '.',
      protocol: 'http',
      install,
      build: [
        {
          argv: ['go', 'build', '-o', binary, pkgArg],
          cwd: '.',
          env: {},
          description: `go build ${pkgArg}`,
        },
      ],
      start: { argv: [binary], cwd: '.', env: {}, description: `${binary} (built from ${where})` },
      healthPath: goHealthPath(main),
      env: framework?.framework === 'gin' ? { GIN_MODE: 'release' } : {},
      evidence,
    };
    if (mod.goVersion !== null) {
      service.runtime = { tool: 'go', wanted: mod.goVersion, source: 'go.mod' };
    }
    return { services: [service], warnings };
  },
};

/**
 * `go mod download` into the shared module cache, or null when go.mod requires nothing or
 * the modules are vendored (`vendor/modules.txt`: `go build` then uses `-mod=vendor` by
 * itself and needs no download). Source: https://go.dev/ref/mod#vendoring
 */
async function goInstall(
  repo: RepoView,
  mod: GoMod,
  evidence: string[],
): Promise<InstallSpec | null> {
  if (mod.requires.length === 0) return null;
  if (await repo.hasFile('vendor/modules.txt')) {
    evidence.push('vendor/modules.txt: modules are vendored, nothing to download');
    return null;
  }
  return {
    isolation: 'toolchain-cache',
    dir: '.',
    manifests: ['go.mod', 'go.sum'],
    steps: [{ argv: ['go', 'mod', 'download'], cwd: '.', env: {}, description: 'go mod download' }],
  };
}
