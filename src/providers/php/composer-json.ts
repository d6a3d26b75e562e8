import { z } from 'zod';
import type { InstallSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';

const StringMap = z.record(z.string(), z.string());

/**
 * The fields of composer.json the PHP provider reads; unknown fields pass through.
 * Source: https://getcomposer.org/doc/04-schema.md
 */
export const ComposerJsonSchema = z.looseObject({
  name: z.string().optional(),
  require: StringMap.optional(),
  'require-dev': StringMap.optional(),
  autoload: z.unknown().optional(),
});
export type ComposerJson = z.infer<typeof ComposerJsonSchema>;

/**
 * Reads and validates composer.json (untrusted input, hence `safeParse`); null when there is
 * none. Throws a clear error when it is not JSON or has fields of the wrong type.
 */
export async function readComposerJson(repo: RepoView): Promise<ComposerJson | null> {
  const raw = await repo.readJson('composer.json');
  if (raw === null) return null;
  const parsed = ComposerJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new Error(`composer.json has an unexpected shape (${where})`);
  }
  return parsed.data;
}

/**
 * Composer's platform packages: requirements on PHP itself and its extensions, which composer
 * checks but never installs. Source: https://getcomposer.org/doc/01-basic-usage.md#platform-packages
 */
export function isPlatformPackage(name: string): boolean {
  return /^(php(-64bit|-ipv6|-zts|-debug)?|hhvm|ext-.+|lib-.+|composer(-plugin-api|-runtime-api)?)$/i.test(
    name,
  );
}

/**
 * How to install a PHP service's dependencies: `composer install --no-interaction --no-dev`
 * into composer's own `vendor/` (isolation `toolchain-cache`; the download cache is composer's
 * shared one). Planned when `require` names a package that is not a platform package, or when
 * composer.json has an `autoload` section (the app then includes `vendor/autoload.php`, which
 * only composer writes). Null otherwise. Manifests: composer.json and composer.lock when present.
 */
export async function composerInstall(
  repo: RepoView,
  composer: ComposerJson,
): Promise<InstallSpec | null> {
  const packages = Object.keys(composer.require ?? {}).filter((n) => !isPlatformPackage(n));
  if (packages.length === 0 && composer.autoload === undefined) return null;
  const lock = await repo.hasFile('composer.lock');
  return {
    isolation: 'toolchain-cache',
    dir: '.',
    manifests: lock ? ['composer.json', 'composer.lock'] : ['composer.json'],
    steps: [
      {
        argv: ['composer', 'install', '--no-interaction', '--no-dev'],
        cwd: '.',
        env: {},
        description: 'install dependencies with composer',
      },
    ],
  };
}
