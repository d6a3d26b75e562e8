import { FixActionSchema, type FixAction } from '../model/fix-action.js';
import type { FixMemoryStore } from '../model/fix-memory.js';

/** The scope of fixes that hold for every repository. */
export const GLOBAL_SCOPE = 'global';

/** A remembered fix: an action that answered a signature, with how often it worked. */
export interface RememberedFix {
  scope: string;
  signatureKey: string;
  errorClass: string;
  /** The action with its service as `{service}` (see {@link bindService}). */
  action: FixAction;
  successes: number;
  failures: number;
  lastRunId: string | null;
  updatedAt: string;
}

const SERVICE_PLACEHOLDER = '{service}';

/** The action as remembered: the service it was applied to becomes `{service}`. */
function generalise(action: FixAction): string {
  const copy = { ...action } as Record<string, unknown>;
  if ('service' in copy) copy.service = SERVICE_PLACEHOLDER;
  return JSON.stringify(copy, Object.keys(copy).sort());
}

/**
 * A remembered action made concrete for the failing service. Returns null when the stored
 * JSON is no longer a valid action (the action set changed since it was stored).
 */
export function bindService(actionJson: string, service: string | null): FixAction | null {
  let raw: unknown;
  try {
    raw = JSON.parse(actionJson);
  } catch {
    return null;
  }
  if (raw && typeof raw === 'object' && 'service' in raw) {
    if (!service) return null;
    (raw as Record<string, unknown>).service = service;
  }
  const parsed = FixActionSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * AgentMemoryManager (the seeds' name): the policy over fix memory (the store's
 * {@link FixMemoryStore}, which only counts outcomes). It records, per repository and
 * globally, which action fixed (or failed to fix) an error signature, with the service
 * generalised, and decides what to try first next time: this repository's successes, then
 * global ones, most successful first, and never one that failed more often than it worked.
 */
export const agentMemoryManager = {
  name: 'AgentMemoryManager',

  /** Actions remembered for a signature, best first, bound to `service`. */
  async recall(
    store: FixMemoryStore,
    signatureKey: string,
    repoKey: string,
    service: string | null,
  ): Promise<FixAction[]> {
    const rows = await store.fixesThatWorked(signatureKey, [repoKey, GLOBAL_SCOPE]);
    const ranked = rows
      .filter((r) => r.successes >= r.failures)
      .sort(
        (a, b) =>
          Number(b.scope === repoKey) - Number(a.scope === repoKey) ||
          b.successes - b.failures - (a.successes - a.failures) ||
          b.updatedAt.localeCompare(a.updatedAt),
      );
    const seen = new Set<string>();
    const actions: FixAction[] = [];
    for (const r of ranked) {
      if (seen.has(r.actionJson)) continue;
      seen.add(r.actionJson);
      const action = bindService(r.actionJson, service);
      if (action) actions.push(action);
    }
    return actions;
  },

  /** Counts one outcome of `action` for the signature, in the repository's scope and globally. */
  async record(
    store: FixMemoryStore,
    entry: {
      signatureKey: string;
      errorClass: string;
      repoKey: string;
      action: FixAction;
      worked: boolean;
      runId: string;
    },
  ): Promise<void> {
    const actionJson = generalise(entry.action);
    const at = new Date().toISOString();
    for (const scope of [entry.repoKey, GLOBAL_SCOPE])
      await store.recordFixOutcome({
        scope,
        signatureKey: entry.signatureKey,
        errorClass: entry.errorClass,
        actionJson,
        worked: entry.worked,
        runId: entry.runId,
        at,
      });
  },

  /** Every remembered fix, for `repo-runner fixes`; only one repository's with `repoKey`. */
  async list(
    store: FixMemoryStore,
    opts: { repoKey?: string; limit?: number } = {},
  ): Promise<RememberedFix[]> {
    const rows = await store.listFixMemory({
      ...(opts.repoKey && { scope: opts.repoKey }),
      ...(opts.limit !== undefined && { limit: opts.limit }),
    });
    return rows.flatMap((r) => {
      // Still a valid action of today's set? (checked with a stand-in service name; this
      // also skips a row that is not JSON at all, which must not break the whole listing)
      if (bindService(r.actionJson, 'service') === null) return [];
      return [
        {
          scope: r.scope,
          signatureKey: r.signatureKey,
          errorClass: r.errorClass,
          action: JSON.parse(r.actionJson) as FixAction,
          successes: r.successes,
          failures: r.failures,
          lastRunId: r.lastRunId,
          updatedAt: r.updatedAt,
        },
      ];
    });
  },
};
