import type { RepoView } from '../../repo/repo-view.js';
import { binTargets, type BinTarget } from './bin-targets.js';
import { readCargoToml, type CargoToml } from './cargo-toml.js';
import { detectRustFramework, type RustFramework } from './frameworks.js';
import { workspaceMembers } from './workspace.js';

/** One package of the repository (the root package or a workspace member) with its bins. */
export interface RustPackage {
  /** Package directory relative to the repository root (`.` for the root). */
  dir: string;
  /** Its Cargo.toml, relative to the repository root. */
  manifestRel: string;
  manifest: CargoToml;
  bins: BinTarget[];
  framework: RustFramework | null;
}

/** Bin names preferred when a package has several and no `default-run`, after its own name. */
const PREFERRED_BINS = ['server', 'api', 'web'] as const;

/**
 * Every package of the repository: the root `[package]` first, then the workspace members
 * ({@link workspaceMembers}) in order, each with its bin targets and web framework.
 * Packages with no bin (libraries) are kept, with `bins` empty.
 *
 * @example
 * (await readPackages(repo, root)).map((p) => p.dir); // ['.', 'crates/api']
 */
export async function readPackages(repo: RepoView, root: CargoToml): Promise<RustPackage[]> {
  const found: [string, CargoToml][] = [];
  if (root.package) found.push(['.', root]);
  for (const dir of await workspaceMembers(repo, root)) {
    const manifest = await readCargoToml(repo, `${dir}/Cargo.toml`);
    if (manifest?.package) found.push([dir, manifest]);
  }
  const packages: RustPackage[] = [];
  for (const [dir, manifest] of found) {
    packages.push({
      dir,
      manifestRel: dir === '.' ? 'Cargo.toml' : `${dir}/Cargo.toml`,
      manifest,
      bins: await binTargets(repo, dir, manifest),
      framework: detectRustFramework(manifest),
    });
  }
  return packages;
}

/**
 * The bin to run of a package with several, as `cargo run` would pick it: `default-run`,
 * else the bin named like the package (src/main.rs), else `server`, `api`, `web`, else the
 * first. Source: https://doc.rust-lang.org/cargo/reference/manifest.html#the-default-run-field
 *
 * @example
 * pickBin(pkg)?.name; // 'server'
 */
export function pickBin(pkg: RustPackage): BinTarget | null {
  const names = [pkg.manifest.package?.['default-run'], pkg.manifest.package?.name];
  for (const name of [...names, ...PREFERRED_BINS]) {
    const bin = pkg.bins.find((b) => b.name === name);
    if (bin) return bin;
  }
  return pkg.bins[0] ?? null;
}
