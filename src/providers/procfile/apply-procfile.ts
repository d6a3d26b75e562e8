import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { parseProcfile } from './parse-procfile.js';

/**
 * Process types that are not long-running services: Heroku's `release` runs once per
 * deploy (https://devcenter.heroku.com/articles/release-phase).
 */
const ONE_OFF = new Set(['release']);

/**
 * Heroku's PHP boot scripts exist only on Heroku: `heroku-php-apache2 web/` (or `-nginx`)
 * becomes PHP's built-in server on the same document root
 * (https://devcenter.heroku.com/articles/php-support#web-servers).
 */
export function portableCommand(command: string): string {
  const php = /^heroku-php-(?:apache2|nginx)(?:\s+(?:-\S+\s+\S+\s+)*([^\s-]\S*))?\s*$/.exec(
    command.trim(),
  );
  if (php) return `php -S 127.0.0.1:$PORT -t ${php[1] ?? '.'}`;
  return command;
}

/**
 * Applies a root `Procfile`: every process type becomes a service (foreman semantics),
 * `web` with a port (PORT set; `$PORT` in the command is expanded by the shell) and an HTTP
 * readiness check, the others (`worker`, `clock`, …) as workers with no port. Install and
 * build come from the ecosystem service planned at the root, which the Procfile replaces.
 * Returns the services and what the user should know.
 */
export async function applyProcfile(
  repo: RepoView,
  services: ServiceSpec[],
): Promise<{ services: ServiceSpec[]; warnings: string[] }> {
  const text = await repo.readText('Procfile');
  if (text === null) return { services, warnings: [] };
  const entries = parseProcfile(text);
  const warnings: string[] = [];
  for (const e of entries.filter((x) => ONE_OFF.has(x.name))) {
    warnings.push(`Procfile ${e.name}: "${e.command}" is a one-off process and is not run`);
  }
  const processes = entries.filter((e) => !ONE_OFF.has(e.name));
  if (processes.length === 0) return { services, warnings };
  const base = services.find((s) => s.root === '.');
  const rest = services.filter((s) => s !== base);
  const fromProcfile = processes.map((e): ServiceSpec => {
    const web = e.name === 'web';
    return {
      name: e.name.toLowerCase(),
      provider: base ? `${base.provider}+procfile` : 'procfile',
      framework: web ? (base?.framework ?? null) : null,
      root: '.',
      protocol: web ? 'http' : 'none',
      install: base?.install ?? null,
      build: web ? (base?.build ?? []) : [],
      start: {
        argv: ['sh', '-c', portableCommand(e.command)],
        cwd: '.',
        env: {},
        description: `Procfile ${e.name}`,
      },
      healthPath: web ? (base?.healthPath ?? null) : null,
      env: base?.env ?? {},
      evidence: [
        `Procfile ${e.name}: ${e.command}`,
        ...(portableCommand(e.command) !== e.command
          ? [`runs as: ${portableCommand(e.command)}`]
          : []),
        ...(base ? [`install and build from the ${base.provider} provider`] : []),
      ],
      ...(base?.runtime ? { runtime: base.runtime } : {}),
    };
  });
  if (base && !processes.some((e) => e.name === 'web')) {
    warnings.push(
      `Procfile has no web process: the ${base.provider} start command (${base.start.argv.join(' ')}) is not run`,
    );
  }
  return {
    services: [
      ...fromProcfile,
      ...rest.filter((s) => !fromProcfile.some((p) => p.name === s.name)),
    ],
    warnings,
  };
}
