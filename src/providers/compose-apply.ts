import { toServiceName, type DatabaseSpec, type ServiceSpec } from '../model/plan.js';
import { parseEnvText } from '../config/env-file.js';
import type { RepoView } from '../repo/repo-view.js';
import { readCompose, readEnvFileOrSample } from './compose/index.js';
import { rebaseService, subView } from './subdirectories.js';

/** Plans one folder as if it were a repository (the registry's per-folder planner). */
export type FolderPlanner = (
  repo: RepoView,
) => Promise<{ services: ServiceSpec[]; warnings: string[] }>;

/**
 * Applies a compose file (compose.yaml, docker-compose.yml, …): every service with a `build`
 * context is planned natively from that folder (its `command`, `environment`, `env_file`,
 * port and `depends_on` honoured; no ports → a worker); every postgres/mysql/mariadb/redis
 * image becomes a database to provision with the credentials its environment declares;
 * any other image is reported. Services detected in a build context are replaced by the
 * compose ones. Values that reach a database by its compose host name are rewritten to
 * the local server when services start.
 */
export async function applyCompose(
  repo: RepoView,
  services: ServiceSpec[],
  planFolder: FolderPlanner,
): Promise<{
  services: ServiceSpec[];
  databases: DatabaseSpec[];
  warnings: string[];
  file: string | null;
}> {
  const compose = await readCompose(repo, {});
  if (!compose) return { services, databases: [], warnings: [], file: null };
  const warnings = [...compose.warnings];
  const out: ServiceSpec[] = [];
  const contexts = new Set<string>();
  for (const b of compose.build) {
    contexts.add(b.context);
    let folder: RepoView;
    try {
      folder = b.context === '.' ? repo : subView(repo, b.context);
    } catch (err) {
      // A context that is a symlink out of the repository: refused (detectPlan reports it).
      warnings.push(`${compose.file} ${b.name}: ${(err as Error).message}`);
      continue;
    }
    const planned = await planFolder(folder);
    const base = planned.services[0];
    if (!base) {
      warnings.push(
        `${compose.file} ${b.name}: nothing Repo Runner can run in ${b.context}/ (${planned.warnings.join('; ') || 'no app found'})`,
      );
      continue;
    }
    const name = toServiceName(b.name);
    const s = b.context === '.' ? { ...base, name } : rebaseService(b.context, base, name);
    const fileEnv: Record<string, string> = {};
    for (const f of b.envFiles)
      Object.assign(fileEnv, parseEnvText((await readEnvFileOrSample(repo, f))?.text ?? ''));
    const start =
      b.command === undefined
        ? s.start
        : {
            ...s.start,
            argv: Array.isArray(b.command) ? b.command : ['sh', '-c', b.command],
            description: `${compose.file} ${b.name} command`,
          };
    const port = b.publishedPort ?? b.containerPort;
    out.push({
      ...s,
      start,
      protocol: port === undefined ? 'none' : s.protocol,
      env: { ...s.env, ...fileEnv, ...b.environment },
      ...(port !== undefined ? { preferredPort: port } : {}),
      ...(b.secrets?.length ? { files: b.secrets } : {}),
      dependsOn: b.dependsOn
        .filter((d) => compose.build.some((o) => o.name === d))
        .map(toServiceName),
      evidence: [
        `${compose.file} service ${b.name} (build ${b.context})`,
        ...(b.secrets ?? []).map((m) => `secret ${m.source} shown at ${m.target}`),
        ...s.evidence,
      ],
    });
  }
  const databases: DatabaseSpec[] = compose.databases.map((d) => ({
    name: toServiceName(d.name),
    kind: d.kind,
    envVar: d.kind === 'redis' ? 'REDIS_URL' : 'DATABASE_URL',
    user: d.credentials.user,
    password: d.credentials.password,
    ...(d.credentials.database ? { database: d.credentials.database } : {}),
    ...(d.initScripts ? { initScripts: d.initScripts } : {}),
    evidence: [
      `${compose.file} service ${d.name} (${d.image})`,
      ...(d.initScripts ?? []).map((m) => `${m.source} mounted at ${m.target}: run once`),
    ],
  }));
  for (const u of compose.unknown) warnings.push(u.reason);
  const kept = services.filter((s) => !contexts.has(s.root) && !out.some((o) => o.name === s.name));
  return { services: [...out, ...kept], databases, warnings, file: compose.file };
}
