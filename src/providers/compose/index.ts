import type { RepoView } from '../../repo/repo-view.js';
import { classifyService, envFilesOf, secretsOf, type Classified } from './classify.js';
import { ComposePlanSchema, type ComposePlan } from './compose-plan.js';
import type { ComposeService } from './compose-schema.js';
import { parseDotenv } from './dotenv.js';
import { parseCompose } from './parse-compose.js';
import { dependenciesOf, startOrder, type Dependency } from './start-order.js';

export type {
  ComposeBuildService,
  ComposeDatabase,
  ComposePlan,
  ComposeUnknown,
} from './compose-plan.js';
export { ComposePlanSchema } from './compose-plan.js';
export { COMPOSE_FILE_NAMES, findComposeFile } from './parse-compose.js';

/**
 * Reads the repository's Compose file (see `parseCompose`) and sorts its services into
 * folders to plan natively (`build`), databases to run as native servers (`databases`) and
 * images Repo Runner cannot run (`unknown`), with a start order honouring `depends_on`.
 * `env` is the shell environment for `${VAR}` interpolation (pass `process.env` to behave
 * like `docker compose`); the repo's `.env` fills in below it. Services in a profile not
 * listed in `COMPOSE_PROFILES` are skipped, as `docker compose up` does. Null when the repo
 * has no Compose file; throws a `BAD_INPUT` error (file and line) for a broken one or a
 * `depends_on` cycle.
 *
 * @example
 * const plan = await readCompose(new RepoView('/src/app'), { TAG: '16' });
 * plan?.order; // ['db', 'cache', 'api', 'worker']
 */
export async function readCompose(
  repo: RepoView,
  env: Record<string, string> = {},
): Promise<ComposePlan | null> {
  const parsed = await parseCompose(repo, env);
  if (parsed === null) return null;
  const warnings = [...parsed.warnings];
  const profiles = new Set((parsed.env.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()));
  const active: [string, ComposeService][] = [];
  for (const [name, service] of Object.entries(parsed.services)) {
    const wanted = service.profiles === undefined || service.profiles.some((p) => profiles.has(p));
    if (wanted) active.push([name, service]);
    else
      warnings.push(
        `${name}: only in profile ${service.profiles?.join(', ')}; skipped (set COMPOSE_PROFILES to run it)`,
      );
  }
  const activeNames = new Set(active.map(([n]) => n));
  const classified: Classified[] = [];
  const deps: Record<string, Dependency[]> = {};
  for (const [name, service] of active) {
    const warn = (m: string) => warnings.push(`${name}: ${m}`);
    const fileEnv = await readEnvFiles(repo, service, parsed.env, warn);
    const secrets = secretsOf(service, parsed.secrets);
    const secretText: Record<string, string> = {};
    for (const s of secrets) {
      const text = await repo.readText(s.source);
      if (text === null) warn(`secret file ${s.source} does not exist`);
      else secretText[s.target] = text.replace(/\n+$/, '');
    }
    const result = classifyService(name, service, {
      lookup: (n) => parsed.env[n],
      fileEnv,
      warn,
      secrets: secrets.filter((s) => secretText[s.target] !== undefined),
      secretText,
    });
    if (result === null) continue;
    classified.push(result);
    deps[name] = dependenciesOf(service);
    for (const d of deps[name]) {
      if (!activeNames.has(d.name) && d.required)
        warn(`depends on ${d.name}, which is not started`);
    }
  }
  const { order, waitHealthy, runsToCompletion } = startOrder(deps);
  const plan: ComposePlan = {
    file: parsed.file,
    build: [],
    databases: [],
    unknown: [],
    order,
    warnings,
  };
  for (const c of classified) {
    const waits = waitHealthy.includes(c.service.name);
    if (c.category === 'build') {
      if (!(await repo.hasDir(c.service.context)))
        warnings.push(`${c.service.name}: build context ${c.service.context} does not exist`);
      plan.build.push({
        ...c.service,
        dependsOn: c.service.dependsOn.filter((d) => Object.hasOwn(deps, d)),
        waitHealthy: waits,
        runsToCompletion: runsToCompletion.includes(c.service.name),
      });
    } else if (c.category === 'database') plan.databases.push({ ...c.service, waitHealthy: waits });
    else plan.unknown.push(c.service);
  }
  return ComposePlanSchema.parse(plan);
}

/** Suffixes of the sample a project commits in place of a gitignored env file. */
const ENV_FILE_SAMPLES = ['-sample', '.sample', '.example', '-example', '.template', '.dist'];

/**
 * A compose `env_file`'s text, or, when the file is missing, the text of the sample the
 * project commits in its place (`.env.dev-sample`, `.env.example`…: the project's own
 * development defaults, the file itself being gitignored), with the path read. Null when
 * neither exists.
 */
export async function readEnvFileOrSample(
  repo: RepoView,
  file: string,
): Promise<{ text: string; used: string } | null> {
  for (const candidate of [file, ...ENV_FILE_SAMPLES.map((s) => `${file}${s}`)]) {
    const text = await repo.readText(candidate);
    if (text !== null) return { text, used: candidate };
  }
  return null;
}

/**
 * The service's `env_file` values merged in order (a missing one read from its committed
 * sample, `<file>-sample`, `<file>.example`…, when there is one); a missing required file is
 * a warning.
 */
async function readEnvFiles(
  repo: RepoView,
  service: ComposeService,
  env: Record<string, string>,
  warn: (message: string) => void,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const file of envFilesOf(service)) {
    const found = await readEnvFileOrSample(repo, file.path);
    if (found && found.used !== file.path)
      warn(`env_file ${file.path} not found: using ${found.used}`);
    const text = found?.text ?? null;
    if (text === null) {
      if (file.required) warn(`env_file ${file.path} not found`);
      continue;
    }
    Object.assign(
      values,
      parseDotenv(
        text,
        (n) => env[n],
        (m) => warn(`${file.path} ${m}`),
      ),
    );
  }
  return values;
}
