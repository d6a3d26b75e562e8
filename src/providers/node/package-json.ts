import { z } from 'zod';
import type { RepoView } from '../../repo/repo-view.js';

const StringMap = z.record(z.string(), z.string());

/**
 * The fields of package.json the Node provider reads. Unknown fields pass through; a field
 * of the wrong type makes the file unusable. Source: https://docs.npmjs.com/cli/configuring-npm/package-json
 */
export const PackageJsonSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  scripts: StringMap.optional(),
  dependencies: StringMap.optional(),
  devDependencies: StringMap.optional(),
  /** Corepack's `<name>@<version>`, e.g. `pnpm@9.1.0`. */
  packageManager: z.string().optional(),
  /** `{ "node": ">=18" }`; other engines and odd values are kept but not read. */
  engines: z.record(z.string(), z.unknown()).optional(),
  /** npm/yarn workspaces: globs, or yarn's `{ packages: [...] }`. */
  workspaces: z
    .union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })])
    .optional(),
});
export type PackageJson = z.infer<typeof PackageJsonSchema>;

/**
 * Reads and validates a package.json (the root one by default; untrusted input, hence
 * `safeParse`). Throws a clear error when it is missing, not JSON, or has fields of the
 * wrong type: for the root one, the registry records that as a warning and skips the Node
 * provider; a workspace package's is warned about and skipped.
 */
export async function readPackageJson(repo: RepoView, file = 'package.json'): Promise<PackageJson> {
  const raw = await repo.readJson(file);
  if (raw === null) throw new Error(`${file} not found`);
  const parsed = PackageJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new Error(`${file} has an unexpected shape (${where})`);
  }
  return parsed.data;
}

/** Every dependency name, runtime and dev, for framework detection. */
export function allDependencies(pkg: PackageJson): Set<string> {
  return new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies ?? {}),
  ]);
}
