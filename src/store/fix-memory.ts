import { sql, type Kysely } from 'kysely';
import type { FixMemoryRecord, FixMemoryStore } from '../model/fix-memory.js';
import type { Database } from './schema.js';

/** Fix memory over kysely: counts only; ranking is the AgentMemoryManager's. */
export function fixMemoryOperations(db: Kysely<Database>): FixMemoryStore {
  return {
    async fixesThatWorked(signatureKey, scopes) {
      if (scopes.length === 0) return [];
      const rows = await db
        .selectFrom('fix_memory')
        .selectAll()
        .where('signature_key', '=', signatureKey)
        .where('scope', 'in', scopes)
        .where('successes', '>', 0)
        .execute();
      return rows.map(toRecord);
    },

    async recordFixOutcome(o) {
      await db
        .insertInto('fix_memory')
        .values({
          scope: o.scope,
          signature_key: o.signatureKey,
          action_json: o.actionJson,
          error_class: o.errorClass,
          successes: o.worked ? 1 : 0,
          failures: o.worked ? 0 : 1,
          last_run_id: o.runId,
          updated_at: o.at,
        })
        .onConflict((oc) =>
          oc.columns(['scope', 'signature_key', 'action_json']).doUpdateSet({
            successes: o.worked ? sql`fix_memory.successes + 1` : sql`fix_memory.successes`,
            failures: o.worked ? sql`fix_memory.failures` : sql`fix_memory.failures + 1`,
            last_run_id: o.runId,
            updated_at: o.at,
          }),
        )
        .execute();
    },

    async listFixMemory(opts = {}) {
      let q = db.selectFrom('fix_memory').selectAll();
      if (opts.scope) q = q.where('scope', '=', opts.scope);
      const rows = await q
        .orderBy('updated_at', 'desc')
        .limit(opts.limit ?? 200)
        .execute();
      return rows.map(toRecord);
    },
  };
}

function toRecord(r: Database['fix_memory']): FixMemoryRecord {
  return {
    scope: r.scope,
    signatureKey: r.signature_key,
    errorClass: r.error_class,
    actionJson: r.action_json,
    successes: r.successes,
    failures: r.failures,
    lastRunId: r.last_run_id,
    updatedAt: r.updated_at,
  };
}
