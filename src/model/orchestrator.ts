import { z } from 'zod';

/**
 * A business orchestrator's name (the seeds' `business_name`, e.g. `acme_corp`): 2–40 of
 * a-z, 0-9, `_` and `-`, starting with a letter or digit.
 */
export const ORCHESTRATOR_NAME = /^[a-z0-9][a-z0-9_-]{1,39}$/;

/**
 * A business orchestrator's profile (issue #14 item 2): a named client's policies, applied
 * to every run started through it. Unknown fields are refused.
 */
export const OrchestratorProfileSchema = z
  .object({
    description: z.string().max(1000).optional(),
    /** Ecosystems its runs may be (a planned service's provider: python, node, go, …); all when absent. */
    allowedEcosystems: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
      .min(1)
      .optional(),
    /** Fix attempts per run: 0 turns the FixerAgent off; at most the built-in bound (10). */
    maxFixes: z.number().int().min(0).max(10).optional(),
    /** Environment every service of its runs gets (the run's own detected values win). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4000)).optional(),
    /** Health timeout of its runs, ms (1 s to 30 min). */
    healthTimeoutMs: z.number().int().min(1000).max(1_800_000).optional(),
    /** Build the context index (default true). */
    index: z.boolean().optional(),
    /** The tier of its service user (its API tokens' rate limit and quotas; default advanced). */
    tier: z.enum(['free', 'advanced', 'premium']).optional(),
  })
  .strict();
/** A validated {@link OrchestratorProfileSchema}. */
export type OrchestratorProfile = z.infer<typeof OrchestratorProfileSchema>;

/** A stored business orchestrator. */
export interface Orchestrator {
  name: string;
  profile: OrchestratorProfile;
  /**
   * Its service user (`org-<name>`), whose API tokens may only use its own endpoint; null
   * when made by the local CLI (no users there).
   */
  userId: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** Where business orchestrators are kept. */
export interface OrchestratorStore {
  /**
   * Saves a new orchestrator.
   * @returns false when the name is taken (nothing written).
   */
  createOrchestrator(o: Orchestrator): Promise<boolean>;
  getOrchestrator(name: string): Promise<Orchestrator | undefined>;
  /** Every orchestrator, by name. */
  listOrchestrators(): Promise<Orchestrator[]>;
  /** The orchestrator whose service user `userId` is, if any. */
  orchestratorOfUser(userId: string): Promise<Orchestrator | undefined>;
}
