import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { findHealthPath } from '../health-path.js';
import { PROVIDER_MARKERS } from '../markers.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { composerInstall, readComposerJson } from './composer-json.js';

/** Laravel 11's health route, declared in bootstrap/app.php as `health: '/up'`. */
const LARAVEL_HEALTH = /\bhealth\s*:\s*['"](\/[^'"]*)['"]/;

/**
 * The PHP provider: detects its markers ({@link PROVIDER_MARKERS}) and plans one `web` service.
 * - Laravel (an `artisan` file and `laravel/framework` in require):
 *   `php artisan serve --host={host} --port={port}`; health path from bootstrap/app.php's
 *   `health:` route (Laravel 11 has `/up`). Without a `.env` the app has no APP_KEY: warned.
 * - Otherwise PHP's built-in web server, `php -S {host}:{port} -t <docroot>`, the docroot being
 *   `public/` when it has index.php, else the root. That server answers a path matching no
 *   file with the docroot's index.php, as front controllers expect. An IPv6 host would need
 *   brackets (`[::1]:8000`), which the plan cannot add: bind hosts are IPv4 by default.
 * Install per {@link composerInstall}; runtime from composer.json's `require.php`.
 * Sources: https://www.php.net/manual/en/features.commandline.webserver.php,
 * https://laravel.com/docs/11.x/deployment#the-health-route
 *
 * @example
 * const detection = await phpProvider.detect(repo);
 * if (detection) (await phpProvider.plan(repo, detection)).services[0]?.start.argv;
 * // ['php', '-S', '{host}:{port}', '-t', 'public']
 */
export const phpProvider: Provider = {
  name: 'php',

  async detect(repo: RepoView): Promise<Detection | null> {
    const evidence: string[] = [];
    for (const marker of PROVIDER_MARKERS.php)
      if (await repo.hasFile(marker)) evidence.push(marker);
    return evidence.length > 0 ? { evidence } : null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const composer = await readComposerJson(repo);
    const require = composer?.require ?? {};
    const evidence = [...detection.evidence];
    const warnings: string[] = [];
    const laravel = require['laravel/framework'] !== undefined && (await repo.hasFile('artisan'));
    let argv: string[];
    let healthPath: string | null;
    if (laravel) {
      argv = ['php', 'artisan', 'serve', '--host={host}', '--port={port}'];
      evidence.push('artisan', 'laravel/framework in composer.json');
      healthPath =
        LARAVEL_HEALTH.exec((await repo.readText('bootstrap/app.php')) ?? '')?.[1] ?? null;
      if (!(await repo.hasFile('.env'))) {
        warnings.push(
          'Laravel reads APP_KEY and its other settings from .env, and there is none: copy .env.example to .env and run php artisan key:generate',
        );
      }
    } else {
      // public/ (Laravel, Symfony, Slim) and web/ (older Symfony, Heroku's PHP samples) are
      // the usual document roots; the repository root last.
      const docroot = (await findDocroot(repo)) ?? null;
      if (docroot === null) {
        warnings.push(
          'php: no index.php at the root, in public/ or in web/, and no Laravel artisan; nothing to serve',
        );
        return { services: [], warnings };
      }
      const index = docroot === '.' ? 'index.php' : `${docroot}/index.php`;
      argv = ['php', '-S', '{host}:{port}', '-t', docroot];
      evidence.push(`document root ${docroot === '.' ? 'the repository root' : `${docroot}/`}`);
      healthPath = findHealthPath(await repo.readText(index));
    }
    const framework = laravel ? 'laravel' : require['symfony/framework-bundle'] ? 'symfony' : null;
    const wanted = require['php'];
    const service: ServiceSpec = {
      name: 'web',
      provider: 'php',
      framework,
      root: '.',
      protocol: 'http',
      install: composer === null ? null : await composerInstall(repo, composer),
      build: [],
      start: { argv, cwd: '.', env: {}, description: argv.slice(0, 3).join(' ') },
      healthPath,
      env: {},
      evidence,
      ...(wanted === undefined
        ? {}
        : { runtime: { tool: 'php', wanted, source: 'composer.json' } }),
    };
    return { services: [service], warnings };
  },
};

/** The first of public/, web/ and the root that holds an index.php, or null. */
async function findDocroot(repo: RepoView): Promise<string | null> {
  for (const dir of ['public', 'web', '.']) {
    if (await repo.hasFile(dir === '.' ? 'index.php' : `${dir}/index.php`)) return dir;
  }
  return null;
}
