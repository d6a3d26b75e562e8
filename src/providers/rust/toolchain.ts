import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import type { CargoToml } from './cargo-toml.js';

/** The runtime a Rust service asks for, as `ServiceSpec.runtime`. */
export type RustRuntime = NonNullable<ServiceSpec['runtime']>;

/**
 * The Rust toolchain a package asks for, or null when it says nothing. First the
 * workspace root's `rust-toolchain.toml` (`[toolchain] channel`), then the legacy
 * `rust-toolchain` file (the same TOML, or a bare channel such as `1.78.0` or `stable`) —
 * rustup's own order; then the package's `rust-version`, inherited from
 * `[workspace.package]` with `rust-version.workspace = true`. `pkgManifestRel` is the
 * package's Cargo.toml path relative to the root, for `source`.
 * Sources: https://rust-lang.github.io/rustup/overrides.html#the-toolchain-file,
 * https://doc.rust-lang.org/cargo/reference/rust-version.html
 *
 * @example
 * await rustRuntime(repo, pkg, root, 'Cargo.toml'); // { tool: 'cargo', wanted: '1.78', source: 'rust-toolchain.toml' }
 */
export async function rustRuntime(
  repo: RepoView,
  pkg: CargoToml,
  root: CargoToml,
  pkgManifestRel: string,
): Promise<RustRuntime | null> {
  for (const file of ['rust-toolchain.toml', 'rust-toolchain']) {
    const text = await repo.readText(file);
    if (text === null) continue;
    const channel = toolchainChannel(text);
    if (channel !== null) return { tool: 'cargo', wanted: channel, source: file };
  }
  const own = pkg.package?.['rust-version'];
  if (typeof own === 'string') return { tool: 'cargo', wanted: own, source: pkgManifestRel };
  const inherited = root.workspace?.package?.['rust-version'];
  if (own !== undefined && inherited !== undefined) {
    return { tool: 'cargo', wanted: inherited, source: 'Cargo.toml' };
  }
  return null;
}

/** The channel of a toolchain file: `channel = "…"` in its TOML, or a bare first line. */
function toolchainChannel(text: string): string | null {
  const toml = /^\s*channel\s*=\s*["']([^"']+)["']/m.exec(text);
  if (toml?.[1]) return toml[1].trim();
  if (/^\s*\[toolchain\]/m.test(text)) return null;
  const bare = text.split(/\r?\n/)[0]?.trim() ?? '';
  return /^[\w.-]+$/.test(bare) ? bare : null;
}
