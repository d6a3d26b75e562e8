import { sql } from 'kysely';
import { FixActionSchema, type FixAction } from '../model/fix-action.js';
import type { Store } from '../store/store.js';

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
 * AgentMemoryManager (the seeds' name): fix memory. Records, per repository and globally,
 * which action fixed (or failed to fix) an error signature, and answers with the actions to
 * try first next time: this repository's successes, then global ones, most successful
 * first, and never one that failed more often than it worked.
 */
export const agentMemoryManager = {
  name: 'AgentMemoryManager',

  /** Actions remembered for a signature, best first, bound to `service`. */
  async recall(
    store: Store,
    signatureKey: string,
    repoKey: string,
    service: string | null,
  ): Promise<FixAction[]> {
    const rows = await store.db
      .selectFrom('fix_memory')
      .selectAll()
      .where('signature_key', '=', signatureKey)
      .where('scope', 'in', [repoKey, GLOBAL_SCOPE])
      .where('successes', '>', 0)
      .execute();
    const ranked = rows
      .filter((r) => r.successes >= r.failures)
      .sort(
        (a, b) =>
          Number(b.scope === repoKey) - Number(a.scope === repoKey) ||
          b.successes - b.failures - (a.successes - a.failures) ||
          b.updated_at.localeCompare(a.updated_at),
      );
    const seen = new Set<string>();
    const actions: FixAction[] = [];
    for (const r of ranked) {
      if (seen.has(r.action_json)) continue;
      seen.add(r.action_json);
      const action = bindService(r.action_json, service);
      if (action) actions.push(action);
    }
    return actions;
  },

  /** Counts one outcome of `action` for the signature, in the repository's scope and globally. */
  async record(
    store: Store,
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
    for (const scope of [entry.repoKey, GLOBAL_SCOPE]) {
      await store.db
        .insertInto('fix_memory')
        .values({
          scope,
          signature_key: entry.signatureKey,
          action_json: actionJson,
          error_class: entry.errorClass,
          successes: entry.worked ? 1 : 0,
          failures: entry.worked ? 0 : 1,
          last_run_id: entry.runId,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.columns(['scope', 'signature_key', 'action_json']).doUpdateSet({
            successes: entry.worked ? sql`fix_memory.successes + 1` : sql`fix_memory.successes`,
            failures: entry.worked ? sql`fix_memory.failures` : sql`fix_memory.failures + 1`,
            last_run_id: entry.runId,
            updated_at: at,
          }),
        )
        .execute();
    }
  },

  /** Every remembered fix, for `repo-runner fixes`; only one repository's with `repoKey`. */
  async list(
    store: Store,
    opts: { repoKey?: string; limit?: number } = {},
  ): Promise<RememberedFix[]> {
    let q = store.db.selectFrom('fix_memory').selectAll();
    q = opts.repoKey ? q.where('scope', '=', opts.repoKey) : q;
    const rows = await q
      .orderBy('updated_at', 'desc')
      .limit(opts.limit ?? 200)
      .execute();
    return rows.flatMap((r) => {
      // Still a valid action of today's set? (checked with a stand-in service name; this
      // also skips a row that is not JSON at all, which must not break the whole listing)
      if (bindService(r.action_json, 'service') === null) return [];
      return [
        {
          scope: r.scope,
          signatureKey: r.signature_key,
          errorClass: r.error_class,
          action: JSON.parse(r.action_json) as FixAction,
          successes: r.successes,
          failures: r.failures,
          lastRunId: r.last_run_id,
          updatedAt: r.updated_at,
        },
      ];
    });
  },
};
