import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import type { PackageManager } from './package-manager.js';

/**
 * The hosts an npm lockfile (`package-lock.json`, `npm-shrinkwrap.json`) downloads its
 * packages from (the `resolved` URLs), most used first.
 */
export function lockfileHosts(text: string): string[] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/"resolved"\s*:\s*"[a-z+]+:\/\/([^/"]+)/g))
    if (m[1]) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([host]) => host);
}

/**
 * An npm lockfile written against more than one registry host (a mirror or a private
 * registry its author used for some packages) cannot be installed where those hosts are not
 * reachable: `npm ci` retries them for minutes, then fails. npm's `replace-registry-host`
 * set to `always` fetches every locked package from the registry npm is configured with (the
 * user's own, or npm's default), the lockfile's versions and integrity hashes unchanged.
 * Returns the services with that set for their npm install, and a warning naming the
 * hosts; unchanged when the lockfile has one host (npm already replaces its default one).
 * Source: https://docs.npmjs.com/cli/using-npm/config#replace-registry-host
 */
export async function withLockfileHostsReplaced(
  repo: RepoView,
  pm: PackageManager,
  services: ServiceSpec[],
): Promise<{ services: ServiceSpec[]; warnings: string[] }> {
  if (pm.name !== 'npm' || pm.lockFile === null) return { services, warnings: [] };
  const hosts = lockfileHosts((await repo.readText(pm.lockFile)) ?? '');
  if (hosts.length < 2) return { services, warnings: [] };
  return {
    services: services.map((s) =>
      s.install?.steps.some((step) => step.argv[0] === 'npm')
        ? {
            ...s,
            install: {
              ...s.install,
              steps: s.install.steps.map((step) =>
                step.argv[0] === 'npm'
                  ? { ...step, env: { ...step.env, npm_config_replace_registry_host: 'always' } }
                  : step,
              ),
            },
            evidence: [
              ...s.evidence,
              `${pm.lockFile} resolves packages from ${hosts.length} hosts: all are fetched from the configured registry`,
            ],
          }
        : s,
    ),
    warnings: [
      `node: ${pm.lockFile} downloads from ${hosts.join(', ')}: every package is installed from the configured npm registry instead (same versions and integrity hashes)`,
    ],
  };
}
