import { RunPlanSchema, toServiceName, type RunPlan, type ServiceSpec } from '../model/plan.js';
import type { RepoView } from '../repo/repo-view.js';
import { goProvider } from './go/index.js';
import { nodeProvider } from './node/index.js';
import { rustProvider } from './rust/index.js';
import { javaProvider } from './java/index.js';
import { phpProvider } from './php/index.js';
import { staticProvider } from './static/index.js';
import { pythonProvider } from './python/index.js';
import type { Provider } from './types.js';
import { UNSUPPORTED_MANIFESTS } from './markers.js';
import { urlVariable } from '../model/service-url.js';
import { findDatabaseNeeds } from '../database/needs.js';
import { applyCompose } from './compose-apply.js';
import { applyDevcontainer } from './devcontainer.js';
import { applyDockerfile } from './dockerfile.js';
import { hardCodedPort, referencedServices } from './hard-coded-port.js';
import { applyProcfile } from './procfile/apply-procfile.js';
import { candidateDirs, rebaseService, subView } from './subdirectories.js';

/**
 * Every provider, in order. Order decides `ecosystems` order and which provider's service
 * keeps the plain name `web` when several detect: Python first, because a repository with
 * both is most often a Python backend carrying a package.json for front-end assets; the
 * compiled ecosystems next; static last, as the fallback for a folder of HTML (it declines
 * whenever another ecosystem's marker is present).
 */
export const PROVIDERS: readonly Provider[] = [
  pythonProvider,
  nodeProvider,
  goProvider,
  rustProvider,
  javaProvider,
  phpProvider,
  staticProvider,
];

/** Files that make a folder a project of its own (its own dependencies). */
const OWN_MANIFESTS = [
  'requirements.txt',
  'pyproject.toml',
  'setup.py',
  'Pipfile',
  'package.json',
  'go.mod',
  'Cargo.toml',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'composer.json',
];

/**
 * Whether first-level folder `dir` is code of a root service rather than an app of its own:
 * it has no manifest of its own and it is a Python package (`__init__.py`) beside a root
 * Python service, or a root service's commands name it (`uvicorn app.main:app`,
 * `node app/server.js`). Such a folder's `main.py` is a module of the root app, not a second
 * service (seen on FastAPI apps laid out as `app/main.py` with `uvicorn app.main:app`).
 */
async function partOfRootService(
  repo: RepoView,
  dir: string,
  services: readonly ServiceSpec[],
): Promise<boolean> {
  const rootServices = services.filter((s) => s.root === '.');
  if (rootServices.length === 0) return false;
  for (const m of OWN_MANIFESTS) if (await repo.hasFile(`${dir}/${m}`)) return false;
  if (
    rootServices.some((s) => s.provider.startsWith('python')) &&
    (await repo.hasFile(`${dir}/__init__.py`))
  )
    return true;
  const named = new RegExp(`(^|[\\s=:'"])(\\./)?${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[./]`);
  return rootServices.some((s) =>
    [s.start, ...s.build].some((c) => c.argv.some((a) => named.test(a))),
  );
}

/**
 * What detection finds in a repository, before override files and flags (callers outside
 * `providers/` want `planRepository`, which applies those): every provider of {@link PROVIDERS} over the root (each that detects
 * contributes its services; one whose `detect` or `plan` throws is a warning and skipped, as
 * in railpack), then apps in first-level folders (see `candidateDirs`), then a root
 * `Procfile` (its process types replace the root service), then ports hard-coded in entry
 * files. Service names are unique: a later `web` becomes `web-<provider>`. Returns an empty
 * `services` array when nothing runs (the caller raises "nothing to run"), with a warning
 * per unsupported manifest, and one per path refused because a symlink led out of the
 * repository (a subfolder, a manifest: never followed, see `RepoView.resolve`).
 *
 * @example
 * const plan = await detectPlan(new RepoView('/src/app'));
 * plan.services.map((s) => s.name); // ['web', 'web-node']
 */
export async function detectPlan(repo: RepoView): Promise<RunPlan> {
  const root = await planAt(repo);
  const ecosystems = [...root.ecosystems];
  const warnings = [...root.warnings];
  let services = [...root.services];
  // Apps in first-level folders: the whole app ("backend/"), or a second one ("frontend/").
  // Folders a root service already uses (a document root `-t web`, `dist/server.js`) are
  // part of it, not apps of their own.
  const taken = new Set([
    ...services.map((s) => s.root.split('/')[0] ?? s.root),
    ...foldersUsedBy(services),
  ]);
  for (const dir of await candidateDirs(repo, services.length > 0, taken)) {
    if (await partOfRootService(repo, dir, services)) continue;
    const sub = await planAt(subView(repo, dir));
    if (sub.services.length === 0) continue;
    for (const e of sub.ecosystems) if (!ecosystems.includes(e)) ecosystems.push(e);
    warnings.push(...sub.warnings.map((w) => `${dir}/: ${w}`));
    for (const s of sub.services) {
      const name =
        sub.services.length === 1 ? toServiceName(dir) : `${toServiceName(dir)}-${s.name}`;
      services.push(rebaseService(dir, s, uniqueName(name, s.provider, services)));
    }
  }
  const compose = await applyCompose(repo, services, planAt);
  services = compose.services;
  warnings.push(...compose.warnings);
  const databases = [...compose.databases];
  // Databases the code needs (dependencies, settings, env examples), unless compose names one.
  if (services.length > 0) {
    for (const need of await findDatabaseNeeds(repo)) {
      if (databases.some((d) => d.kind === need.kind)) continue;
      databases.push({
        name: need.kind,
        kind: need.kind,
        envVar: need.envVar,
        evidence: need.evidence,
        ...need.credentials,
      });
    }
  }
  if (compose.file && !ecosystems.includes('compose')) ecosystems.push('compose');
  const procfile = await applyProcfile(repo, services);
  services = procfile.services;
  warnings.push(...procfile.warnings);
  if (
    procfile.services.some((s) => s.provider.endsWith('procfile')) &&
    !ecosystems.includes('procfile')
  )
    ecosystems.push('procfile');
  const devcontainer = await applyDevcontainer(repo, services);
  services = devcontainer.services;
  warnings.push(...devcontainer.warnings);
  services = await applyDockerfile(repo, services);
  for (const [i, s] of services.entries()) {
    if (s.protocol === 'none' || s.preferredPort !== undefined) continue;
    const fixed = await hardCodedPort(repo, s);
    if (!fixed) continue;
    services[i] = {
      ...s,
      preferredPort: fixed.port,
      evidence: [
        ...s.evidence,
        `${fixed.file} hard-codes port ${fixed.port} and does not read PORT`,
      ],
    };
    warnings.push(
      `${s.name}: ${fixed.file} listens on fixed port ${fixed.port} (it ignores PORT): Repo Runner gives it that port when free`,
    );
  }
  for (const [i, s] of services.entries()) {
    if (s.dependsOn !== undefined) continue;
    const deps = await referencedServices(repo, s, services, urlVariable);
    if (deps.length > 0)
      services[i] = {
        ...s,
        dependsOn: deps,
        evidence: [...s.evidence, `uses ${deps.map(urlVariable).join(', ')}`],
      };
  }
  if (services.length === 0) {
    for (const [file, ecosystem] of UNSUPPORTED_MANIFESTS) {
      if (await repo.hasFile(file))
        warnings.push(`found ${file}: ${ecosystem} is not supported yet`);
    }
  }
  // Symlinks out of the repository were refused wherever a provider met them: say so.
  for (const e of repo.escapes)
    if (!warnings.some((w) => w.includes(e.message))) warnings.push(e.message);
  return RunPlanSchema.parse({
    ecosystems,
    services,
    warnings,
    ...(databases.length > 0 ? { databases } : {}),
  });
}

/** Every provider over one folder, as if it were the whole repository. */
async function planAt(repo: RepoView): Promise<RunPlan> {
  const ecosystems: string[] = [];
  const services: ServiceSpec[] = [];
  const warnings: string[] = [];
  for (const provider of PROVIDERS) {
    let stage = 'detect';
    try {
      const detection = await provider.detect(repo);
      if (detection === null) continue;
      ecosystems.push(provider.name);
      stage = 'plan';
      const plan = await provider.plan(repo, detection);
      warnings.push(...plan.warnings);
      for (const service of plan.services) {
        services.push({ ...service, name: uniqueName(service.name, provider.name, services) });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      warnings.push(`${provider.name} provider skipped: ${stage} failed: ${message}`);
    }
  }
  return { ecosystems, services, warnings };
}

function uniqueName(name: string, provider: string, taken: ServiceSpec[]): string {
  const used = new Set(taken.map((s) => s.name));
  if (!used.has(name)) return name;
  const base = `${name}-${provider}`;
  let candidate = base;
  for (let i = 2; used.has(candidate); i++) candidate = `${base}-${i}`;
  return candidate;
}

/** First path segments of the relative paths named in root services' start and build commands. */
function foldersUsedBy(services: ServiceSpec[]): string[] {
  const words = services
    .filter((s) => s.root === '.')
    .flatMap((s) => [s.start, ...s.build].flatMap((c) => c.argv))
    .flatMap((a) => a.split(/\s+/));
  return words
    .map((w) => w.replace(/^\.\//, ''))
    .filter((w) => /^[\w.-]+(\/|$)/.test(w) && !w.startsWith('-'))
    .map((w) => w.split('/')[0] as string);
}
