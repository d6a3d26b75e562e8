import { z } from 'zod';
import { FixActionSchema } from './fix-action.js';
import { PHASES, type PhaseName } from './phases.js';

/**
 * Phases a custom agent may join. Not `env` and `fetch` (there is no repository yet), nor
 * `fix` and `report` (the slots of the FixerAgent and the OrchestratorAgent, called on a
 * failure and at the end: a phase agent there would change what they mean).
 */
export const CUSTOM_AGENT_PHASES = PHASES.filter(
  (p) => !['env', 'fetch', 'fix', 'report'].includes(p),
) as Exclude<PhaseName, 'env' | 'fetch' | 'fix' | 'report'>[];

/**
 * Parts of the run state a custom agent may read. A command agent gets each as JSON in an
 * environment variable `REPO_RUNNER_STATE_<KEY>` (upper case); a prompt agent in its prompt.
 */
export const READABLE_STATE = [
  'env',
  'workspace',
  'plan',
  'installs',
  'config',
  'databases',
  'index',
  'builds',
  'services',
  'health',
  'fixes',
] as const;

/** Read-only repository tools a prompt agent may be given besides the fix actions. */
export const READ_ONLY_TOOLS = ['read-file', 'list-files', 'search'] as const;

/** Every tool name a prompt agent's allow-list may hold: fix action kinds and read-only tools. */
export const AGENT_TOOLS = [
  ...FixActionSchema.options.map((o) => o.shape.kind.value),
  ...READ_ONLY_TOOLS,
] as const;

/** An agent spec's name: the seeds' style (`SeedDatabaseAgent`, `smoke-check`), 2–64 characters. */
export const AGENT_NAME = /^[A-Za-z][A-Za-z0-9_-]{1,63}$/;

/** A path relative to the repository root without `..` (checked again inside the repo at run time). */
const relativePath = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..') && !p.includes('\0'),
    'a path relative to the repository root, without `..`',
  );

/** One command of a command agent: run without a shell, in the run's sandbox. */
export const AgentCommandSchema = z
  .object({
    /** Program and arguments; never passed through a shell. */
    argv: z.array(z.string().min(1).max(4000)).min(1).max(200),
    /** Working directory relative to the repository root (default: the service's root). */
    cwd: relativePath.optional(),
    /** Environment for this command only (added to the service's). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4000)).optional(),
    /** Per command, ms (default: the spec's `timeoutMs`). */
    timeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
    /** A failure is a warning, not the phase's failure. */
    optional: z.boolean().optional(),
  })
  .strict();

/** A prompt agent: a model turns the prompt (and what it reads) into typed tool calls. */
export const AgentPromptSchema = z
  .object({
    text: z.string().min(1).max(20_000),
    /** A model route name (`--model`'s), default: the run's model. */
    model: z.string().min(1).max(200).optional(),
    /** The only tools the model may call: fix action kinds and read-only repo tools. */
    tools: z.array(z.enum(AGENT_TOOLS as unknown as [string, ...string[]])).min(1),
  })
  .strict();

/**
 * A custom agent or manager declared as data (issue #14): where it runs, what it does
 * (commands in the run's sandbox, or a prompt with an allow-list of typed tools), what it
 * reads of the run state, its time limit and the orchestrators that enable it. It writes
 * its own entry in the run state's `custom` map (and its seeds' state file). Unknown fields
 * are refused (`.strict()`), so a spec cannot ask for anything the schema does not grant
 * (capabilities, host network, another user).
 */
export const AgentSpecSchema = z
  .object({
    name: z.string().regex(AGENT_NAME, 'a letter, then 1–63 letters, digits, _ or -'),
    /** Managers decide, agents act (the state file is `manager_state_<name>.json` for managers). */
    kind: z.enum(['agent', 'manager']).default('agent'),
    description: z.string().max(1000).optional(),
    /** The phase whose row, checkpoint and timing its work belongs to. */
    phase: z.enum(CUSTOM_AGENT_PHASES as [string, ...string[]]),
    /** Before or after the phase's built-in agents (default after). */
    position: z.enum(['before', 'after']).default('after'),
    /** The service whose folder and environment the commands use (default: the first). */
    service: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/)
      .optional(),
    commands: z.array(AgentCommandSchema).min(1).max(50).optional(),
    prompt: AgentPromptSchema.optional(),
    reads: z.array(z.enum(READABLE_STATE)).default([]),
    /** Whole agent, ms: 1 s to 1 h (default 5 min). */
    timeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000),
    /** Business orchestrators that enable it; `*` for every one (default). */
    orchestrators: z.array(z.string().min(1).max(64)).min(1).default(['*']),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (!spec.commands === !spec.prompt)
      ctx.addIssue({
        code: 'custom',
        path: spec.commands ? ['prompt'] : ['commands'],
        message: 'give exactly one of `commands` (run in the sandbox) or `prompt` (a model)',
      });
  });

/** A validated agent spec (defaults filled). */
export type AgentSpec = z.infer<typeof AgentSpecSchema>;
/** One command of an {@link AgentSpec}. */
export type AgentCommand = z.infer<typeof AgentCommandSchema>;

/** What changed in a version: the first, a new spec, enabled or disabled, or a roll back. */
export type AgentSpecChange = 'create' | 'update' | 'enable' | 'disable' | 'rollback';

/** One stored version of an agent spec; every change is a new version, none is edited. */
export interface AgentSpecVersion {
  name: string;
  /** 1, 2, … per name. */
  version: number;
  spec: AgentSpec;
  enabled: boolean;
  change: AgentSpecChange;
  /** For a roll back: the version whose spec this one copies. */
  fromVersion: number | null;
  /** The user who made the change (null from the local CLI). */
  createdBy: string | null;
  createdAt: string;
}

/** Where agent specs are kept (the store: SQLite or PostgreSQL). */
export interface AgentSpecStore {
  /**
   * Saves a new version of `spec.name` (1 when the name is new).
   * @throws RepoRunnerError CONFLICT when two saves race for the same version (retry).
   */
  saveAgentSpec(input: {
    spec: AgentSpec;
    enabled: boolean;
    change: AgentSpecChange;
    fromVersion?: number | null;
    createdBy?: string | null;
  }): Promise<AgentSpecVersion>;
  /** Every version of `name`, oldest first ([] when unknown). */
  agentSpecVersions(name: string): Promise<AgentSpecVersion[]>;
  /** The latest version of every agent spec, by name. */
  latestAgentSpecs(): Promise<AgentSpecVersion[]>;
}
