import { dependencyNames, type CargoToml } from './cargo-toml.js';

/** Web crates, by the name recorded in `ServiceSpec.framework`, in priority order. */
const FRAMEWORK_CRATES = ['rocket', 'actix-web', 'axum', 'warp', 'tiny_http', 'hyper'] as const;

/** The Rust web frameworks the provider knows. */
export type RustFramework = (typeof FRAMEWORK_CRATES)[number];

/**
 * The first of {@link FRAMEWORK_CRATES} among a package's `[dependencies]`, or null. The
 * frameworks come before hyper because axum and warp apps often depend on hyper too. `-` and
 * `_` are the same in crate names (crates.io treats them so), hence `tiny-http` matches.
 *
 * @example
 * detectRustFramework({ dependencies: { axum: '0.7', hyper: '1' } }); // 'axum'
 */
export function detectRustFramework(manifest: CargoToml): RustFramework | null {
  const names = new Set([...dependencyNames(manifest)].map(normalise));
  return FRAMEWORK_CRATES.find((crate) => names.has(normalise(crate))) ?? null;
}

function normalise(crate: string): string {
  return crate.toLowerCase().replaceAll('-', '_');
}
