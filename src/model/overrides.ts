import { z } from 'zod';
import type { CommandSpec, RunPlan, ServiceSpec } from './plan.js';

/** A command as the user writes it: one shell line, or several run in order. */
const CommandOverride = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** What a user may set for one service, in `repo-runner.json` or with CLI flags. */
export const ServiceOverrideSchema = z
  .object({
    /** Folder of the service, relative to the repository root (for a service defined here). */
    root: z.string().min(1).optional(),
    install: CommandOverride.optional(),
    build: CommandOverride.optional(),
    start: z.string().min(1).optional(),
    /** A fixed port: used when free (the report warns when it is not). */
    port: z.number().int().min(1).max(65535).optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env names are letters, digits and _'),
        z.string(),
      )
      .optional(),
    health_path: z.string().startsWith('/', 'a health path starts with /').optional(),
    protocol: z.enum(['http', 'tcp', 'none']).optional(),
  })
  .strict();
export type ServiceOverride = z.infer<typeof ServiceOverrideSchema>;

/** Agents a repo may turn off with `skip_agents` (the seeds' configuration file). */
export const SKIPPABLE_AGENTS = ['DependencyAgent', 'SetupAgent', 'ContextIndexer'] as const;

/**
 * `repo-runner.json` (or `.repo-runner.yml`) at a repository's root. `services` sets
 * commands, port, env and health path per service (a name the detectors did not find, with
 * a `start`, adds a service); top-level service fields apply to every detected service.
 * `skip_agents` turns agents off. `faiss` (`use_faiss`: true, false or null for the agents'
 * recommendation; `sentence_transformer_model`) sets the context index. The seeds' other
 * keys (`model_tier`, `log_level`, `environment`) are accepted and reserved for later use.
 */
export const OverridesSchema = ServiceOverrideSchema.omit({ root: true })
  .extend({
    services: z
      .record(
        z
          .string()
          .regex(
            /^[a-z0-9][a-z0-9._-]*$/,
            'service names are lower-case letters, digits, ., _ and -',
          ),
        ServiceOverrideSchema,
      )
      .optional(),
    skip_agents: z.array(z.enum(SKIPPABLE_AGENTS)).optional(),
    model_tier: z.enum(['fast', 'balanced', 'best']).optional(),
    log_level: z.string().optional(),
    environment: z.string().optional(),
    faiss: z
      .object({
        use_faiss: z.boolean().nullable().optional(),
        sentence_transformer_model: z.string().min(1).nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Overrides = z.infer<typeof OverridesSchema>;

/** `path.to.field: message`, one per issue, for user-facing errors. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`,
  );
}

/** {@link issueLines} joined by `; `, for the user-facing error. */
export function describeIssues(error: z.ZodError): string {
  return issueLines(error).join('; ');
}

const shell = (line: string, cwd: string, description: string): CommandSpec => ({
  argv: ['sh', '-c', line],
  cwd,
  env: {},
  description,
});
const commands = (c: string | string[], cwd: string, what: string): CommandSpec[] =>
  (Array.isArray(c) ? c : [c]).map((line) => shell(line, cwd, `${what} (override)`));

/** One service with an override applied; fields the override does not set are kept. */
export function applyServiceOverride(s: ServiceSpec, o: ServiceOverride): ServiceSpec {
  const out: ServiceSpec = {
    ...s,
    evidence: [...s.evidence, `override: ${Object.keys(o).join(', ')}`],
  };
  if (o.install !== undefined) {
    out.install = {
      isolation: s.install?.isolation ?? 'toolchain-cache',
      dir: s.install?.dir ?? s.root,
      manifests: s.install?.manifests ?? [],
      steps: commands(o.install, s.root, 'install'),
    };
  }
  if (o.build !== undefined) out.build = commands(o.build, s.root, 'build');
  if (o.start !== undefined) out.start = shell(o.start, s.root, 'start (override)');
  if (o.port !== undefined) out.preferredPort = o.port;
  if (o.env !== undefined) out.env = { ...s.env, ...o.env };
  if (o.health_path !== undefined) out.healthPath = o.health_path;
  if (o.protocol !== undefined) out.protocol = o.protocol;
  return out;
}

/** A service defined only by an override (it has a `start`). */
function newService(name: string, o: ServiceOverride): ServiceSpec {
  const root = o.root ?? '.';
  const base: ServiceSpec = {
    name,
    provider: 'override',
    framework: null,
    root,
    protocol: 'http',
    install: null,
    build: [],
    start: shell(o.start ?? 'false', root, 'start (override)'),
    healthPath: null,
    env: {},
    evidence: ['defined in repo-runner.json'],
  };
  return applyServiceOverride(base, o);
}

/**
 * Applies overrides to a plan: top-level fields to every service, then each named service's
 * own (adding services that have a `start` but were not detected), then `skip_agents`.
 * Returns the new plan; the input is not changed.
 */
export function applyOverrides(plan: RunPlan, o: Overrides): RunPlan & { skipAgents: string[] } {
  const { services: named = {}, skip_agents = [], faiss, ...rest } = o;
  const top: ServiceOverride = {};
  for (const key of [
    'install',
    'build',
    'start',
    'port',
    'env',
    'health_path',
    'protocol',
  ] as const) {
    if (rest[key] !== undefined) Object.assign(top, { [key]: rest[key] });
  }
  let services = plan.services.map((s) =>
    Object.keys(top).length > 0 ? applyServiceOverride(s, top) : s,
  );
  const warnings = [...plan.warnings];
  for (const [name, so] of Object.entries(named)) {
    const i = services.findIndex((s) => s.name === name);
    if (i >= 0) services[i] = applyServiceOverride(services[i] as ServiceSpec, so);
    else if (so.start) services = [...services, newService(name, so)];
    else
      warnings.push(
        `repo-runner.json names service "${name}", which was not detected and has no start command: ignored`,
      );
  }
  const index = faiss
    ? { useFaiss: faiss.use_faiss ?? null, model: faiss.sentence_transformer_model ?? null }
    : undefined;
  return { ...plan, services, warnings, skipAgents: [...skip_agents], ...(index ? { index } : {}) };
}
