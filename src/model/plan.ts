import { z } from 'zod';

/** What a service or database name may be: lower-case, safe in file names and URLs. */
const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * A valid service name from any text (a folder, a binary, a module): lower-cased, runs of
 * other characters as `-`, leading punctuation dropped; `app` when nothing is left.
 *
 * @example
 * toServiceName('Web UI'); // 'web-ui'
 * toServiceName('_'); // 'app'
 */
export function toServiceName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return name === '' ? 'app' : name;
}

/**
 * One command to run, as data. `argv[0]` is looked up on PATH unless it contains a `/`, in
 * which case it is resolved against `cwd`. Tokens may contain the placeholders `{port}` and
 * `{host}`, replaced at start time by the assigned port and bind host.
 */
export const CommandSpecSchema = z.object({
  /** Program and arguments; never passed through a shell. */
  argv: z.array(z.string()).min(1),
  /** Working directory relative to the repository root ('.' for the root). */
  cwd: z.string(),
  /** Extra environment for this command only. */
  env: z.record(z.string(), z.string()).default({}),
  /** Give up after this many milliseconds (default: the agent's own limit). */
  timeoutMs: z.number().int().positive().optional(),
  /** What the command is for, in a few words, for progress output and errors. */
  description: z.string(),
  /** A failure is a warning, not the phase's failure (e.g. a devcontainer's postCreateCommand). */
  optional: z.boolean().optional(),
});
export type CommandSpec = z.infer<typeof CommandSpecSchema>;

/**
 * How a service's dependencies are installed, in isolation. `manifests` are hashed: an
 * install whose hash matches the marker left by the last successful install is skipped.
 */
export const InstallSpecSchema = z.object({
  /**
   * `venv`: a Python virtual environment at `dir`; `node_modules`: npm/pnpm/yarn into `dir`;
   * `toolchain-cache`: the toolchain's own shared cache (Go module cache, Cargo registry,
   * Maven's ~/.m2, Composer's vendor dir) — the install marker then lives in Repo Runner's
   * data dir, not in the repo.
   */
  isolation: z.enum(['venv', 'node_modules', 'toolchain-cache']),
  /** The isolated directory, relative to the repository root (e.g. `.venv`, `node_modules`); for `toolchain-cache`, the service root. */
  dir: z.string(),
  /** Files (relative to the repository root) whose content decides whether to reinstall. */
  manifests: z.array(z.string()),
  /** The install commands, in order. */
  steps: z.array(CommandSpecSchema),
});
export type InstallSpec = z.infer<typeof InstallSpecSchema>;

/**
 * A tool a service's commands need that Repo Runner provisions from the npm registry when the
 * machine lacks it (pnpm, Yarn): see `exec/provisioned-tools.ts`.
 */
export const ProvisionedToolSpecSchema = z.object({
  /** The command, e.g. `pnpm`, `yarn`. */
  name: z.string(),
  /** The npm package that provides it, e.g. `pnpm`, `@yarnpkg/cli-dist`. */
  npmPackage: z.string(),
  /** Exact version (`9.12.3`) or major (`9`), as npm understands it. */
  version: z.string(),
});
export type ProvisionedToolSpec = z.infer<typeof ProvisionedToolSpecSchema>;

/** One service of a repository: something that is started and health-checked on its own port. */
export const ServiceSpecSchema = z.object({
  /** Unique within the plan; lower-case, used in file names and URLs. */
  name: z.string().regex(NAME),
  /** The provider that planned it (`python`, `node`, …). */
  provider: z.string(),
  /** The framework detected (`flask`, `fastapi`, `django`, `express`, `next`, `vite`) or null. */
  framework: z.string().nullable(),
  /** The service's directory relative to the repository root. */
  root: z.string(),
  /**
   * `http` services get a port and an HTTP readiness check; `tcp` ones a TCP connect;
   * `none` (workers, e.g. a Procfile `worker:`) get no port and are healthy while their
   * process stays up.
   */
  protocol: z.enum(['http', 'tcp', 'none']),
  install: InstallSpecSchema.nullable(),
  build: z.array(CommandSpecSchema),
  start: CommandSpecSchema,
  /** HTTP path tried first by the readiness check; `/health`, `/healthz`, `/` follow. */
  healthPath: z.string().nullable(),
  /** Environment the service needs (PORT and HOST are always added at start). */
  env: z.record(z.string(), z.string()),
  /** What the provider saw that led to this plan, for the report and for debugging. */
  evidence: z.array(z.string()),
  /**
   * The runtime version the repo asks for (`.python-version`, `engines.node`, go.mod's `go`
   * line, …), checked against the toolchains found; absent when the repo says nothing.
   */
  runtime: z
    .object({
      /** Toolchain command, e.g. `python3`, `node`, `go`, `cargo`, `java`. */
      tool: z.string(),
      /** The version or range wanted, as the repo wrote it (e.g. `3.12`, `>=18`, `1.22`). */
      wanted: z.string(),
      /** The file it came from, e.g. `.nvmrc`. */
      source: z.string(),
    })
    .optional(),
  /**
   * A port this service should get when it is free: one it hard-codes, one a
   * devcontainer forwards, or one an override asks for.
   */
  preferredPort: z.number().int().min(1).max(65535).optional(),
  /** The package manager its commands use, provisioned when missing (pnpm, Yarn). */
  packageManager: ProvisionedToolSpecSchema.optional(),
  /** Names of services this one talks to; they start first and their URLs are in its env. */
  dependsOn: z.array(z.string()).optional(),
  /**
   * The build needs a live SQL database (sqlx's `query!` macros check every query against
   * one at compile time, with no offline data committed): the build phase makes a scratch
   * database on the run's server, applies the SQL files of `migrations` (relative to the
   * repository root; null: none) in version order, and builds with `DATABASE_URL` pointing at
   * it, so the app's own migrations still run on the real database at start.
   */
  buildDatabase: z.object({ migrations: z.string().nullable(), evidence: z.string() }).optional(),
  /**
   * Repository files its start command sees read-only at another path: a compose secret
   * (`secrets: [db-password]`, top-level `file: db/password.txt`) at `/run/secrets/<name>`.
   * `source` relative to the repository root, `target` absolute under `/run`.
   */
  files: z.array(z.object({ source: z.string(), target: z.string() })).optional(),
});
export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;

/**
 * A database or cache the repository needs, from its dependencies and config, or a compose
 * image service. The database phase provisions it as a run-scoped local server (unless the
 * user gives its URL) and the services get its URL in `envVar`.
 */
export const DatabaseSpecSchema = z.object({
  /** Unique among the plan's databases: the compose service name, or the kind. */
  name: z.string().regex(NAME),
  kind: z.enum(['postgres', 'mysql', 'redis']),
  /** The variable the app reads the URL from (`DATABASE_URL`, `REDIS_URL`, `DB_URL`, …). */
  envVar: z.string(),
  /** Credentials a compose file declares; generated when absent. */
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  /**
   * Initialisation scripts a compose file mounts into the image's
   * `/docker-entrypoint-initdb.d` (`./schema.sql:/docker-entrypoint-initdb.d/init.sql`, or a
   * folder): `source` relative to the repository root, `target` the path inside the
   * container (its file name orders the scripts, as the image runs them in name order). Run
   * once on a fresh data dir (see `database/init-scripts.ts`).
   */
  initScripts: z.array(z.object({ source: z.string(), target: z.string() })).optional(),
  evidence: z.array(z.string()),
});
export type DatabaseSpec = z.infer<typeof DatabaseSpecSchema>;

/** The result of the detect phase: what the repository is and how to run it. */
export const RunPlanSchema = z.object({
  /** Ecosystems found (`python`, `node`), in registry order. */
  ecosystems: z.array(z.string()),
  services: z.array(ServiceSpecSchema),
  warnings: z.array(z.string()),
  /** Agents the repo's `skip_agents` turned off; their phases are skipped. */
  skipAgents: z.array(z.string()).optional(),
  /** Databases and caches to provision (absent or empty: none). */
  databases: z.array(DatabaseSpecSchema).optional(),
  /**
   * The repository's context index settings (the seeds' `faiss` block of repo-runner.json):
   * `useFaiss` true asks for FAISS (within the tier), false keeps FAISS off, null lets the
   * agents recommend; `model` the sentence-transformer model named.
   */
  index: z.object({ useFaiss: z.boolean().nullable(), model: z.string().nullable() }).optional(),
});
export type RunPlan = z.infer<typeof RunPlanSchema>;

/**
 * Placeholder a provider may put as argv[0] for Repo Runner's built-in static file server
 * (`src/static/serve-static.ts`): it becomes `node <dist>/static/serve-static.js`.
 */
export const STATIC_SERVER = '{repo-runner-static}';
