import { z } from 'zod';

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
});
export type CommandSpec = z.infer<typeof CommandSpecSchema>;

/**
 * How a service's dependencies are installed, in isolation. `manifests` are hashed: an
 * install whose hash matches the marker left by the last successful install is skipped.
 */
export const InstallSpecSchema = z.object({
  /** `venv`: a Python virtual environment at `dir`; `node_modules`: npm/pnpm/yarn into `dir`. */
  isolation: z.enum(['venv', 'node_modules']),
  /** The isolated directory, relative to the repository root (e.g. `.venv`, `node_modules`). */
  dir: z.string(),
  /** Files (relative to the repository root) whose content decides whether to reinstall. */
  manifests: z.array(z.string()),
  /** The install commands, in order. */
  steps: z.array(CommandSpecSchema),
});
export type InstallSpec = z.infer<typeof InstallSpecSchema>;

/** One service of a repository: something that is started and health-checked on its own port. */
export const ServiceSpecSchema = z.object({
  /** Unique within the plan; lower-case, used in file names and URLs. */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  /** The provider that planned it (`python`, `node`, …). */
  provider: z.string(),
  /** The framework detected (`flask`, `fastapi`, `django`, `express`, `next`, `vite`) or null. */
  framework: z.string().nullable(),
  /** The service's directory relative to the repository root. */
  root: z.string(),
  /** `web` services get a port and an HTTP health check; `tcp` services a TCP check. */
  protocol: z.enum(['http', 'tcp']),
  install: InstallSpecSchema.nullable(),
  build: z.array(CommandSpecSchema),
  start: CommandSpecSchema,
  /** HTTP path tried first by the readiness check; `/health`, `/healthz`, `/` follow. */
  healthPath: z.string().nullable(),
  /** Environment the service needs (PORT and HOST are always added at start). */
  env: z.record(z.string(), z.string()),
  /** What the provider saw that led to this plan, for the report and for debugging. */
  evidence: z.array(z.string()),
});
export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;

/** The result of the detect phase: what the repository is and how to run it. */
export const RunPlanSchema = z.object({
  /** Ecosystems found (`python`, `node`), in registry order. */
  ecosystems: z.array(z.string()),
  services: z.array(ServiceSpecSchema),
  warnings: z.array(z.string()),
});
export type RunPlan = z.infer<typeof RunPlanSchema>;
