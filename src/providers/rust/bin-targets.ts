import type { RepoView } from '../../repo/repo-view.js';
import type { CargoToml } from './cargo-toml.js';

/** One binary target of a package. */
export interface BinTarget {
  /** The bin name: `cargo build --bin <name>` and the file in target/release/. */
  name: string;
  /** Its root source file, relative to the package directory. */
  path: string;
}

/**
 * The binary targets of the package whose manifest is `manifest` in directory `dir`
 * (relative to the repository root), as Cargo finds them: each `[[bin]]` entry (its path
 * defaulting to src/main.rs for the package's own name, else src/bin/<name>.rs or
 * src/bin/<name>/main.rs), then, unless `autobins = false`, the discovered ones: src/main.rs
 * as the package name, src/bin/<name>.rs and src/bin/<name>/main.rs. A discovered target with
 * the name or path of a declared one is the declared one. Empty for a virtual manifest.
 * Source: https://doc.rust-lang.org/cargo/reference/cargo-targets.html#target-auto-discovery
 *
 * @example
 * await binTargets(repo, '.', { package: { name: 'app' } }); // [{ name: 'app', path: 'src/main.rs' }]
 */
export async function binTargets(
  repo: RepoView,
  dir: string,
  manifest: CargoToml,
): Promise<BinTarget[]> {
  const pkg = manifest.package;
  if (pkg === undefined) return [];
  const at = (rel: string) => (dir === '.' ? rel : `${dir}/${rel}`);
  const discovered: BinTarget[] = [];
  if (pkg.autobins !== false) {
    if (await repo.hasFile(at('src/main.rs'))) {
      discovered.push({ name: pkg.name, path: 'src/main.rs' });
    }
    for (const entry of await repo.listDir(at('src/bin'))) {
      if (entry.endsWith('.rs') && (await repo.hasFile(at(`src/bin/${entry}`)))) {
        discovered.push({ name: entry.slice(0, -3), path: `src/bin/${entry}` });
      } else if (await repo.hasFile(at(`src/bin/${entry}/main.rs`))) {
        discovered.push({ name: entry, path: `src/bin/${entry}/main.rs` });
      }
    }
  }
  const declared: BinTarget[] = [];
  for (const bin of manifest.bin ?? []) {
    const name = bin.name ?? stem(bin.path);
    if (name === null) continue;
    const path =
      bin.path ??
      discovered.find((d) => d.name === name)?.path ??
      (name === pkg.name ? 'src/main.rs' : `src/bin/${name}.rs`);
    declared.push({ name, path });
  }
  const extra = discovered.filter(
    (d) => !declared.some((b) => b.name === d.name || b.path === d.path),
  );
  return [...declared, ...extra];
}

/** `src/bin/serve.rs` → `serve`; `src/bin/serve/main.rs` → `serve`; null without a path. */
function stem(path: string | undefined): string | null {
  if (path === undefined) return null;
  const parts = path.replace(/\/main\.rs$/, '').split('/');
  return parts.at(-1)?.replace(/\.rs$/, '') ?? null;
}
