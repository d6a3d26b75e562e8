import { z } from 'zod';
import type { RepoView } from '../../repo/repo-view.js';

/** `rust-version = "1.74"`, or `rust-version.workspace = true` (inherited from the workspace). */
const RustVersion = z.union([z.string(), z.looseObject({ workspace: z.literal(true) })]);

/**
 * The fields of Cargo.toml the Rust provider reads; unknown fields pass through, a field of
 * the wrong type makes the manifest unusable. Source: https://doc.rust-lang.org/cargo/reference/manifest.html
 */
export const CargoTomlSchema = z.looseObject({
  package: z
    .looseObject({
      name: z.string(),
      'rust-version': RustVersion.optional(),
      /** The bin `cargo run` runs when the package has several. */
      'default-run': z.string().optional(),
      /** False turns off discovery of src/main.rs and src/bin/*.rs. */
      autobins: z.boolean().optional(),
    })
    .optional(),
  bin: z
    .array(z.looseObject({ name: z.string().optional(), path: z.string().optional() }))
    .optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
  workspace: z
    .looseObject({
      members: z.array(z.string()).optional(),
      exclude: z.array(z.string()).optional(),
      package: z.looseObject({ 'rust-version': z.string().optional() }).optional(),
    })
    .optional(),
});
export type CargoToml = z.infer<typeof CargoTomlSchema>;

/**
 * Reads and validates a Cargo.toml (untrusted input, hence `safeParse`). Null when the file
 * does not exist; throws a clear error when it is not TOML or has fields of the wrong type
 * (the registry records that as a warning and skips the Rust provider).
 *
 * @example
 * (await readCargoToml(repo, 'crates/api/Cargo.toml'))?.package?.name; // 'api'
 */
export async function readCargoToml(repo: RepoView, rel: string): Promise<CargoToml | null> {
  const raw = await repo.readToml(rel);
  if (raw === null) return null;
  const parsed = CargoTomlSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new Error(`${rel} has an unexpected shape (${where})`);
  }
  return parsed.data;
}

/**
 * The crate names a manifest depends on at run time (`[dependencies]`), by their real name:
 * a renamed dependency (`web = { package = "actix-web" }`) counts as `actix-web`.
 * Source: https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#renaming-dependencies-in-cargotoml
 */
export function dependencyNames(manifest: CargoToml): Set<string> {
  const names = new Set<string>();
  for (const [key, spec] of Object.entries(manifest.dependencies ?? {})) {
    const renamed =
      typeof spec === 'object' && spec !== null && 'package' in spec ? spec.package : undefined;
    names.add(typeof renamed === 'string' ? renamed : key);
  }
  return names;
}
