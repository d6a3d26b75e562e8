import {
  toServiceName,
  type CommandSpec,
  type InstallSpec,
  type ServiceSpec,
} from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { findHealthPath } from '../health-path.js';
import type { BinTarget } from './bin-targets.js';
import { dependencyNames, type CargoToml } from './cargo-toml.js';
import type { RustPackage } from './packages.js';
import { rustRuntime } from './toolchain.js';

/** What the whole repository says, shared by its services. */
export interface RustRepoFacts {
  root: CargoToml;
  /** True when Cargo.lock sits at the root: installs and builds then pass `--locked`. */
  locked: boolean;
}

/**
 * The service that runs one bin of a package. Build: `cargo build --release --bin <name>`
 * (`--locked` with a Cargo.lock, so the build fails rather than silently changes the lock
 * file) from the workspace root, with `CARGO_TARGET_DIR=target` so a user's own target
 * dir setting cannot move the binary away from where start looks. Start:
 * `target/release/<name>` from the root. Install: `cargo fetch` into Cargo's shared registry
 * cache when the package has dependencies. Rocket reads its port from `ROCKET_PORT`, not
 * PORT, and its interface from `ROCKET_ADDRESS`: both are set through env placeholders.
 * Sources: https://doc.rust-lang.org/cargo/commands/cargo-build.html,
 * https://doc.rust-lang.org/cargo/reference/environment-variables.html,
 * https://rocket.rs/guide/v0.5/configuration/#environment-variables
 */
export async function rustService(
  repo: RepoView,
  pkg: RustPackage,
  bin: BinTarget,
  facts: RustRepoFacts,
  evidence: string[],
): Promise<ServiceSpec> {
  const locked = facts.locked ? ['--locked'] : [];
  const binFile = pkg.dir === '.' ? bin.path : `${pkg.dir}/${bin.path}`;
  const source = await repo.readText(binFile);
  evidence.push(`crate ${pkg.manifest.package?.name} bin ${bin.name} (${binFile})`);
  if (pkg.framework) evidence.push(`framework ${pkg.framework} (dependency of ${pkg.manifestRel})`);
  else evidence.push(`no web framework in ${pkg.manifestRel}: assumed to serve HTTP itself`);
  if (facts.locked) evidence.push('Cargo.lock → --locked');
  if (source !== null && !/\bPORT\b/.test(source)) {
    evidence.push(`${binFile} does not mention PORT: it may listen elsewhere`);
  }
  const env: Record<string, string> = {};
  if (pkg.framework === 'rocket') {
    // The runner fills `{port}`/`{host}` in env values too.
    env.ROCKET_ADDRESS = '{host}';
    env.ROCKET_PORT = '{port}';
    evidence.push('rocket reads ROCKET_PORT and ROCKET_ADDRESS, not PORT');
  }
  const build: CommandSpec = {
    argv: ['cargo', 'build', '--release', '--bin', bin.name, ...locked],
    cwd: '.',
    env: { CARGO_TARGET_DIR: 'target' },
    description: `cargo build --release --bin ${bin.name}`,
  };
  const binary = `target/release/${bin.name}`;
  const service: ServiceSpec = {
    name: toServiceName(bin.name),
    provider: 'rust',
    framework: pkg.framework,
    root: pkg.dir,
    protocol: 'http',
    install: rustInstall(pkg, locked),
    build: [build],
    start: { argv: [binary], cwd: '.', env: {}, description: binary },
    healthPath: findHealthPath(source),
    env,
    evidence,
  };
  const runtime = await rustRuntime(repo, pkg.manifest, facts.root, pkg.manifestRel);
  if (runtime !== null) service.runtime = runtime;
  const buildDatabase = await sqlxBuildDatabase(repo, pkg);
  if (buildDatabase !== null) {
    service.buildDatabase = buildDatabase;
    evidence.push(buildDatabase.evidence);
  }
  return service;
}

/** sqlx's compile-time checked macros (`query!`, `query_as!`, `query_scalar!`, `query_file!`…). */
const SQLX_MACRO =
  /\b(?:sqlx::)?query(?:_as|_scalar|_file|_file_as|_file_scalar)?(?:_unchecked)?!\s*\(/;

/**
 * Whether the package's build needs a live database: it depends on sqlx, its sources use
 * the checked macros, and no offline query data is committed (`.sqlx/`, sqlx ≥ 0.7, or
 * `sqlx-data.json`, earlier; with those `SQLX_OFFLINE` builds need none). The migrations are
 * sqlx's default folder, `migrations/` beside the package's Cargo.toml.
 * Source: https://docs.rs/sqlx/latest/sqlx/macro.query.html ("Requirements", "Offline mode").
 */
async function sqlxBuildDatabase(
  repo: RepoView,
  pkg: RustPackage,
): Promise<NonNullable<ServiceSpec['buildDatabase']> | null> {
  if (!dependencyNames(pkg.manifest).has('sqlx')) return null;
  const at = (rel: string) => (pkg.dir === '.' ? rel : `${pkg.dir}/${rel}`);
  for (const offline of ['.sqlx', 'sqlx-data.json'])
    if ((await repo.hasDir(at(offline))) || (await repo.hasFile(at(offline)))) return null;
  const sources = await repo.findFiles((name) => name.endsWith('.rs'), {
    under: at('src'),
    maxDepth: 6,
    limit: 500,
  });
  let macroIn: string | null = null;
  for (const file of sources) {
    if (SQLX_MACRO.test((await repo.readText(file)) ?? '')) {
      macroIn = file;
      break;
    }
  }
  if (macroIn === null) return null;
  const migrations = (await repo.hasDir(at('migrations'))) ? at('migrations') : null;
  return {
    migrations,
    evidence: `${macroIn} uses sqlx's checked query macros and no offline data is committed: built against a scratch database${migrations ? ` migrated from ${migrations}/` : ''}`,
  };
}

function rustInstall(pkg: RustPackage, locked: string[]): InstallSpec | null {
  if (Object.keys(pkg.manifest.dependencies ?? {}).length === 0) return null;
  const manifests = ['Cargo.toml', ...(pkg.dir === '.' ? [] : [pkg.manifestRel]), 'Cargo.lock'];
  return {
    isolation: 'toolchain-cache',
    dir: pkg.dir,
    manifests,
    steps: [{ argv: ['cargo', 'fetch', ...locked], cwd: '.', env: {}, description: 'cargo fetch' }],
  };
}
