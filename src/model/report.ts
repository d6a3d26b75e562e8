import { z } from 'zod';
import { IndexOutcomeSchema } from './index-outcome.js';

/**
 * Health of one service as last checked. `failed`: the supervisor gave it up after a crash
 * loop (see `src/core/restart-policy.ts`).
 */
export const ServiceHealthSchema = z.enum([
  'healthy',
  'unhealthy',
  'starting',
  'stopped',
  'failed',
]);

/**
 * The Report of a run: other tools read it, so these field names are a contract
 * (issue #2): `{ runId, status, services: [{ name, command, port, url, health }],
 * phases: [{ name, status, durationMs }], warnings }`.
 */
export const ReportSchema = z.object({
  runId: z.string(),
  status: z.enum(['healthy', 'partial', 'failed']),
  source: z.string(),
  repoPath: z.string(),
  services: z.array(
    z.object({
      name: z.string(),
      command: z.string(),
      port: z.number().int().nullable(),
      url: z.string().nullable(),
      health: ServiceHealthSchema,
      pid: z.number().int().nullable(),
      logFile: z.string(),
      /** Times the supervisor restarted it after a crash or failed liveness. */
      restarts: z.number().int().nonnegative().optional(),
      /** Last lines of the service log when it is not healthy. */
      logTail: z.array(z.string()).optional(),
      detail: z.string().optional(),
    }),
  ),
  phases: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
      durationMs: z.number().nullable(),
      /** The agents registered at this phase, in the order they run. */
      agents: z.array(z.string()).optional(),
    }),
  ),
  warnings: z.array(z.string()),
  /** Env keys only the user can fill (a third party's API key): `{ service, key, file }`. */
  needsValue: z
    .array(z.object({ service: z.string(), key: z.string(), file: z.string() }))
    .optional(),
  error: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional() })
    .optional(),
  /**
   * The failure's classified cause (src/fixer): its class, the key fix memory will use, the
   * line that decided it, and whether a rule-based fix can exist.
   */
  cause: z
    .object({
      class: z.string(),
      key: z.string(),
      phase: z.string(),
      service: z.string().nullable(),
      evidence: z.string(),
      fixable: z.boolean(),
      /** What a person should do next, when no fix worked. */
      nextStep: z.string().optional(),
      /**
       * Where the context index found the cause in the repository (`settings.py:23`), best
       * first: the lines that read the missing variable, import the missing module….
       */
      where: z.array(z.string()).optional(),
      /** The same in a sentence: "`SECRET_KEY` is read in settings.py:23". */
      located: z.string().optional(),
    })
    .optional(),
  /**
   * Every fix attempt of the FixerAgent, successful or not, in order (issue #5): the
   * signature it answered, the action (see `src/model/fix-action.ts`), where it came
   * from, and what happened. `durationMs` covers applying it and retrying the phase.
   */
  /** The run's context index (the `index` phase): backend, fallbacks, build state. */
  index: IndexOutcomeSchema.optional(),
  /**
   * What custom agents produced (the run state's `custom`), by agent name. An Admin Agent
   * spec's agent (src/admin/custom-agent.ts) leaves the spec version that ran, `done` or
   * `skipped` (and why), and each command's argv, exit code and time in ms.
   */
  custom: z.record(z.string(), z.unknown()).optional(),
  fixes: z
    .array(
      z.object({
        attempt: z.number().int().positive(),
        phase: z.string(),
        class: z.string(),
        key: z.string(),
        source: z.enum(['memory', 'rule', 'model']),
        action: z.object({ kind: z.string() }).passthrough(),
        outcome: z.enum(['fixed', 'progress', 'rolled-back', 'refused', 'error']),
        durationMs: z.number(),
        detail: z.string().optional(),
        /** Where the context index found the cause: "`SECRET_KEY` is read in settings.py:23". */
        located: z.string().optional(),
      }),
    )
    .optional(),
});
export type Report = z.infer<typeof ReportSchema>;
/** One entry of {@link Report}'s `fixes`. */
export type FixAttempt = NonNullable<Report['fixes']>[number];
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;
