import path from 'node:path';
import type { ServiceSpec } from '../model/plan.js';
import { staysInside } from '../repo/resolve-inside.js';
import { allowedEnv } from './sandbox-env.js';
import { rewriteComposeHost, type DatabaseHost } from './compose-hosts.js';
import { splitDatabaseValue, type SplitDatabase } from './database-vars.js';

/**
 * Environment for a service's install, build and start commands: the allow-listed part of
 * Repo Runner's own environment (`exec/sandbox-env.ts`), with the service's isolated bin directory (`.venv/bin` or
 * `node_modules/.bin`) first on PATH, then the plan's env, then `extra` (PORT, HOST).
 * Variables that would point the child at another virtualenv are dropped.
 */
export function serviceEnv(
  base: NodeJS.ProcessEnv,
  repoPath: string,
  service: ServiceSpec,
  extra: Record<string, string> = {},
): Record<string, string> {
  // Only the allow-listed part of Repo Runner's environment: no operator secrets, no
  // REPO_RUNNER_* (the store's credentials among them).
  const env = allowedEnv(base);
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
  // Only while it stays in the repository: a `.repo-runner` link elsewhere is refused (the
  // SetupAgent reports it), and must not put an outside folder's programs on PATH.
  const ours = path.join(path.resolve(repoPath), '.repo-runner', 'bin');
  if (staysInside(repoPath, ours)) prefix.push(ours);
  env.PATH = [...prefix, env.PATH ?? ''].filter(Boolean).join(path.delimiter);
  return { ...env, ...service.env, ...extra };
}

/** What {@link appEnvFor} reads of the run state. */
interface AppEnvState {
  config?: Array<{ services: string[]; env: Record<string, string> }>;
  decided?: {
    databases?: Array<DatabaseHost & SplitDatabase & { env: Record<string, string> }>;
  };
  plan?: { services: Array<{ name: string; env: Record<string, string> }> };
}

/**
 * The environment an app's own processes get besides PORT/HOST: the provisioned databases'
 * variables (DATABASE_URL, REDIS_URL, PG*, …), then the values of its folder's `.env` as
 * the ConfigAgent settled them (the user's own values win).
 */
export function appEnvFor(state: AppEnvState, service: string): Record<string, string> {
  const dbs = Object.assign({}, ...(state.decided?.databases ?? []).map((d) => d.env)) as Record<
    string,
    string
  >;
  // A compose service's env reaches its databases by compose host name (`@db:5432`): point
  // those values at the local servers.
  const hosts = state.decided?.databases ?? [];
  const rewritten: Record<string, string> = {};
  for (const [k, v] of Object.entries(
    state.plan?.services.find((s) => s.name === service)?.env ?? {},
  )) {
    // Split variables (`SQL_HOST`, `POSTGRES_USER`, `REDIS_PORT`) get the local server's values.
    const r = splitDatabaseValue(k, hosts) ?? rewriteComposeHost(v, hosts);
    if (r !== v) rewritten[k] = r;
  }
  return {
    ...dbs,
    ...(state.config?.find((c) => c.services.includes(service))?.env ?? {}),
    ...rewritten,
  };
}
