import { z } from 'zod';

/** A name a shell or a package manager takes literally: no spaces, quotes or `;|&$`. */
const safeToken = z
  .string()
  .min(1)
  .max(214)
  .regex(/^[A-Za-z0-9@._/+=:<>~!^,-]+$/, 'letters, digits and @._/+=:<>~!^,- only');

/** A path relative to the repository root that stays inside it. */
const repoRelativePath = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..') && !p.includes('\0'),
    'a path relative to the repository root, without `..`',
  );

const service = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/);

/**
 * The typed set of fix actions (issue #5 item 2). Rules, fix memory and models all propose
 * actions from this set only; anything else is refused. Each action says what it changes,
 * and the FixerAgent applies it after a checkpoint and rolls it back if the retry fails.
 */
export const FixActionSchema = z.discriminatedUnion('kind', [
  /** Install a package into the service's isolated environment (venv, node_modules). */
  z
    .object({
      kind: z.literal('add-package'),
      service,
      ecosystem: z.enum(['python', 'node']),
      name: safeToken,
      version: safeToken.optional(),
    })
    .strict()
    .describe("Install a package into the service's isolated environment (venv, node_modules)."),
  /** Install an exact version of a package instead of what the manifest resolved. */
  z
    .object({
      kind: z.literal('pin-version'),
      service,
      ecosystem: z.enum(['python', 'node']),
      name: safeToken,
      version: safeToken,
    })
    .strict()
    .describe('Install an exact version of a package instead of what the manifest resolved.'),
  /** Give a service an environment variable (a generated secret, HOST, a polling flag). */
  z
    .object({
      kind: z.literal('set-env'),
      service,
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
      value: z.string().max(4096),
    })
    .strict()
    .describe('Give a service an environment variable (a generated secret, HOST, a polling flag).'),
  /** Lease the service another free port. */
  z
    .object({ kind: z.literal('move-port'), service })
    .strict()
    .describe('Lease the service another free port.'),
  /** Run a step the repo needs before it starts: its build, or its database migrations. */
  z
    .object({
      kind: z.literal('run-step'),
      service,
      step: z.enum(['build', 'migrate']),
      argv: z.array(z.string().min(1).max(500)).min(1).max(20),
    })
    .strict()
    .describe('Run a step the repo needs before it starts: its build, or its database migrations.'),
  /** Make a script in the repository executable (chmod +x). */
  z
    .object({ kind: z.literal('chmod'), path: repoRelativePath })
    .strict()
    .describe('Make a script in the repository executable (chmod +x).'),
  /** Install Debian packages (only when the configuration allows system packages). */
  z
    .object({
      kind: z.literal('apt-install'),
      packages: z
        .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/))
        .min(1)
        .max(10),
    })
    .strict()
    .describe('Install Debian packages (only when the configuration allows system packages).'),
  /** Start the service with another command. */
  z
    .object({
      kind: z.literal('switch-start-command'),
      service,
      argv: z.array(z.string().min(1).max(500)).min(1).max(40),
    })
    .strict()
    .describe('Start the service with another command.'),
  /** Install with another command (npm install instead of npm ci, --legacy-peer-deps). */
  z
    .object({
      kind: z.literal('switch-install-command'),
      service,
      argv: z.array(z.string().min(1).max(500)).min(1).max(40),
    })
    .strict()
    .describe('Install with another command (npm install instead of npm ci, --legacy-peer-deps).'),
  /** Create a file from its example (`.env` from `.env.example`); never overwrites. */
  z
    .object({
      kind: z.literal('create-from-example'),
      path: repoRelativePath,
      example: repoRelativePath,
    })
    .strict()
    .describe('Create a file from its example (`.env` from `.env.example`); never overwrites.'),
  /** Provision a run-scoped database server the app expects but the plan missed. */
  z
    .object({
      kind: z.literal('provision-database'),
      database: z.enum(['postgres', 'mysql', 'redis']),
    })
    .strict()
    .describe('Provision a run-scoped database server the app expects but the plan missed.'),
  /** Give commands or readiness more time (ms). */
  z
    .object({
      kind: z.literal('extend-timeout'),
      which: z.enum(['command', 'health']),
      timeoutMs: z.number().int().min(1000).max(3_600_000),
    })
    .strict()
    .describe('Give commands or readiness more time (ms).'),
]);

/** One fix action. */
export type FixAction = z.infer<typeof FixActionSchema>;

/** The `kind` of a {@link FixAction}. */
export type FixActionKind = FixAction['kind'];

/** Where a fix came from: fix memory, the rule catalogue, or a model. */
export type FixSource = 'memory' | 'rule' | 'model';

/**
 * The outcome of one fix attempt: `fixed` (the retried phase passed), `progress` (it failed
 * later or for another reason: kept), `rolled-back` (same failure or worse: undone),
 * `refused` (outside the action set, unsafe, or not allowed by configuration), `error` (the
 * action itself failed to apply).
 */
export type FixOutcome = 'fixed' | 'progress' | 'rolled-back' | 'refused' | 'error';
