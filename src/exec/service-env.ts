import path from 'node:path';
import type { ServiceSpec } from '../core/plan.js';

/**
 * Environment for a service's install, build and start commands: Repo Runner's own
 * environment, with the service's isolated bin directory (`.venv/bin` or
 * `node_modules/.bin`) first on PATH, then the plan's env, then `extra` (PORT, HOST).
 * Variables that would point the child at another virtualenv are dropped.
 */
export function serviceEnv(
  base: NodeJS.ProcessEnv,
  repoPath: string,
  service: ServiceSpec,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  delete env.PYTHONHOME;
  delete env.VIRTUAL_ENV;
  const root = path.resolve(repoPath, service.root);
  const prefix: string[] = [];
  if (service.install?.isolation === 'venv') {
    const venv = path.resolve(repoPath, service.install.dir);
    prefix.push(path.join(venv, 'bin'));
    env.VIRTUAL_ENV = venv;
  } else if (service.install?.isolation === 'node_modules' || service.provider === 'node') {
    // As `npm run` does: the package's own .bin, then every parent's up to the repo root
    // (workspaces hoist binaries to the root's node_modules).
    const top = path.resolve(repoPath);
    for (let dir = root; ; dir = path.dirname(dir)) {
      prefix.push(path.join(dir, 'node_modules', '.bin'));
      if (dir === top || path.dirname(dir) === dir || !dir.startsWith(top)) break;
    }
  }
  // Binaries Repo Runner built (Go) are on PATH too, as a Procfile naming them expects
  // (Heroku puts build output on PATH the same way).
  prefix.push(path.join(path.resolve(repoPath), '.repo-runner', 'bin'));
  env.PATH = [...prefix, env.PATH ?? ''].filter(Boolean).join(path.delimiter);
  return { ...env, ...service.env, ...extra };
}

/** The env the ConfigAgent settled for a service (its folder's `.env` values), or none. */
export function configEnvFor(
  state: { config?: Array<{ services: string[]; env: Record<string, string> }> },
  service: string,
): Record<string, string> {
  return state.config?.find((c) => c.services.includes(service))?.env ?? {};
}
