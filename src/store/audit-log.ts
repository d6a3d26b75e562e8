import type { AuditStore } from '../model/auth-store.js';
import type { StoreDb } from './serialized.js';

/** The audit log over kysely. Ids are auto-numbered, so newest-first by id is exact. */
export function auditOperations(db: StoreDb): AuditStore {
  return {
    async appendAudit(e, now) {
      await db
        .insertInto('audit_log')
        .values({
          ts: now,
          action: e.action,
          actor_id: e.actorId,
          target_id: e.targetId,
          details_json: JSON.stringify(e.details ?? {}),
        })
        .execute();
    },

    async listAudit({ limit, userId }) {
      let q = db.selectFrom('audit_log').selectAll();
      if (userId !== undefined)
        q = q.where((eb) => eb.or([eb('actor_id', '=', userId), eb('target_id', '=', userId)]));
      const rows = await q.orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        ts: r.ts,
        action: r.action,
        actorId: r.actor_id,
        targetId: r.target_id,
        details: JSON.parse(r.details_json) as Record<string, unknown>,
      }));
    },
  };
}
