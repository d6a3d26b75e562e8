/**
 * One row of fix memory: how often an action (as JSON, its service generalised to
 * `{service}`) answered an error signature, in one scope (a repository key or `global`).
 */
export interface FixMemoryRecord {
  scope: string;
  signatureKey: string;
  errorClass: string;
  actionJson: string;
  successes: number;
  failures: number;
  lastRunId: string | null;
  updatedAt: string;
}

/**
 * Fix memory as stored: counts per (scope, signature, action). Which action to try first is
 * decided above the store (`AgentMemoryManager`), not here.
 */
export interface FixMemoryStore {
  /** The records of `signatureKey` in any of `scopes` that worked at least once. */
  fixesThatWorked(signatureKey: string, scopes: string[]): Promise<FixMemoryRecord[]>;
  /** Counts one outcome of an action in one scope (atomic `insert … on conflict`). */
  recordFixOutcome(o: {
    scope: string;
    signatureKey: string;
    errorClass: string;
    actionJson: string;
    worked: boolean;
    runId: string | null;
    at: string;
  }): Promise<void>;
  /** Records newest first, at most `limit` (default 200); only one scope's with `scope`. */
  listFixMemory(opts?: { scope?: string; limit?: number }): Promise<FixMemoryRecord[]>;
}
