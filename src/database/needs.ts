import type { RepoView } from '../repo/repo-view.js';
import { configSignals, isConfigFile } from './config-signals.js';
import { dependencySignals, isDependencyManifest } from './dependency-signals.js';
import { envFileSignals, isEnvExampleFile } from './env-file-signals.js';
import type { NeedSignal } from './need-rules.js';
import { DATABASE_KINDS, type DatabaseKind, type DatabaseNeed } from './types.js';

/** Folders whose files describe other projects, not this one. */
const NOT_THE_APP = /(^|\/)(examples?|docs?|tests?|fixtures|testdata|vendor|third_party)\//;

/** The variable each kind's URL goes in when the repo names none. */
const DEFAULT_ENV_VAR: Readonly<Record<DatabaseKind, string>> = {
  postgres: 'DATABASE_URL',
  mysql: 'DATABASE_URL',
  redis: 'REDIS_URL',
};

function signalsOf(rel: string, text: string): NeedSignal[] {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (isEnvExampleFile(name)) return envFileSignals(rel, text);
  if (isDependencyManifest(name, rel)) return dependencySignals(rel, text);
  if (isConfigFile(name, rel)) return configSignals(rel, text);
  return [];
}

/** The variable named by the signals: the kind's default name if among them, else the first. */
function pickEnvVar(kind: DatabaseKind, signals: NeedSignal[]): string | undefined {
  const names = signals.flatMap((s) => (s.envVar ? [s.envVar] : []));
  return names.find((n) => n === DEFAULT_ENV_VAR[kind]) ?? names[0];
}

/**
 * Merges signals into one need per kind (postgres, mysql, redis order), with the env var the
 * app reads: one a file ties to the kind, else an SQL URL variable without a kind (given to
 * the first SQL need), else `DATABASE_URL` / `REDIS_URL`.
 */
export function mergeNeedSignals(signals: NeedSignal[]): DatabaseNeed[] {
  const needs: DatabaseNeed[] = [];
  const loose = signals.filter((s) => s.kind === 'sql');
  let looseTaken = false;
  for (const kind of DATABASE_KINDS) {
    const mine = signals.filter((s) => s.kind === kind);
    if (mine.length === 0) continue;
    const evidence = [...new Set(mine.map((s) => s.evidence))];
    let envVar = pickEnvVar(kind, mine);
    if (!envVar && kind !== 'redis' && !looseTaken && loose.length > 0) {
      envVar = pickEnvVar(kind, loose);
      looseTaken = true;
      evidence.push(...new Set(loose.map((s) => s.evidence)));
    }
    const credentials =
      kind === 'redis'
        ? undefined
        : (mine.find((s) => s.credentials)?.credentials ??
          loose.find((s) => s.credentials)?.credentials);
    if (credentials && !mine.some((s) => s.credentials))
      evidence.push(...loose.filter((s) => s.credentials).map((s) => s.evidence));
    needs.push({
      kind,
      evidence: [...new Set(evidence)],
      envVar: envVar ?? DEFAULT_ENV_VAR[kind],
      ...(credentials ? { credentials } : {}),
    });
  }
  return needs;
}

/**
 * The database servers a repository needs, from passive reading only (its code is never
 * run): dependency manifests (Python, Node, Go, Java), app config (Django settings, Prisma
 * schema, ORM configs, Spring `application.*`) and example env files (`.env.example`), up
 * to four folders deep, outside example, docs, test and vendor folders. One need per kind.
 *
 * @param texts file contents the caller has already read (relative path → text), used
 *   instead of reading those files again.
 * @example
 * const needs = await findDatabaseNeeds(new RepoView('/src/app'));
 * // [{ kind: 'postgres', envVar: 'DATABASE_URL', evidence: ['requirements.txt: psycopg2-binary'] }]
 */
export async function findDatabaseNeeds(
  repo: RepoView,
  texts?: ReadonlyMap<string, string>,
): Promise<DatabaseNeed[]> {
  const files = await repo.findFiles(
    (name, rel) =>
      !NOT_THE_APP.test(rel) &&
      (isEnvExampleFile(name) || isDependencyManifest(name, rel) || isConfigFile(name, rel)),
    { maxDepth: 4, limit: 300 },
  );
  const signals: NeedSignal[] = [];
  for (const rel of files) {
    const text = texts?.get(rel) ?? (await repo.readText(rel));
    if (text !== null) signals.push(...signalsOf(rel, text));
  }
  return mergeNeedSignals(signals);
}
