import { z } from 'zod';
import { ServiceOverrideSchema } from './overrides.js';

/**
 * Options a run is started with; stored with the run so `resume` reuses them. Times in
 * milliseconds.
 */
export const RunOptionsSchema = z.object({
  /** Interface services bind to. Default 127.0.0.1 (nothing is exposed beyond this machine). */
  host: z.string().default('127.0.0.1'),
  /** Readiness timeout per service. Default 120 000 ms (issue #2). */
  healthTimeoutMs: z.number().int().positive().default(120_000),
  /** Timeout of one install or build command. Default 15 minutes. */
  commandTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  /** Leave the services running under a supervisor after the run reports. */
  detach: z.boolean().default(false),
  /**
   * Keep database data between runs of the same repository (under the data dir's `data/`),
   * instead of in the run's own directory.
   */
  keepData: z.boolean().default(false),
  /** Install even when the dependency manifests are unchanged. */
  forceInstall: z.boolean().default(false),
  /**
   * How the run's processes are confined (docs/security.md): `bubblewrap` (default) or
   * `none` (`--no-sandbox`; the server refuses it unless started with `--unsafe-no-sandbox`).
   */
  sandbox: z.enum(['bubblewrap', 'none']).default('bubblewrap'),
  /**
   * The run's network (docs/security.md): `run` (default) gives it its own namespace, its
   * services published on 127.0.0.1 at their leased ports; `host` (`--network host`, local
   * CLI only) shares this machine's network.
   */
  network: z.enum(['run', 'host']).default('run'),
  /**
   * Build the repository's context index in the `index` phase (beside the later phases; its
   * backend by the owner's tier). `--no-index` turns it off.
   */
  index: z.boolean().default(true),
  /**
   * The index backend asked for (`--index-backend`), within what the owner's tier allows;
   * absent: the tier's own (ARCHITECTURE.md §3).
   */
  indexBackend: z.enum(['text', 'faiss', 'chroma']).optional(),
  /** Let the FixerAgent try fixes when a phase fails (issue #5). `--no-fix` turns it off. */
  fix: z.boolean().default(true),
  /** Fix attempts per run, at most the FixerAgent's own bound (a business orchestrator's policy). */
  maxFixes: z.number().int().min(0).max(10).optional(),
  /** The business orchestrator the run was started through (its policies and custom agents). */
  orchestrator: z.string().optional(),
  /**
   * Let fixes install Debian packages with apt-get (missing system libraries). Off by
   * default: it changes the machine, not just the run.
   */
  allowSystemPackages: z.boolean().default(false),
  /**
   * Overrides from CLI flags (`--start`, `--port`, …), applied after the repo's own
   * `repo-runner.json`, to `service` or, without it, to every service.
   */
  overrides: ServiceOverrideSchema.extend({ service: z.string().optional() }).optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;
