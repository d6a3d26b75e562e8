import type { AuditEntry } from './types.js';
import type { AuthDb } from './db.js';

/**
 * The security-relevant actions the audit log records: `register`, `login`,
 * `login-failed` (wrong password or unknown name: `details.reason`), `login-throttled`,
 * `logout`, `token-create`, `user-create`, `user-block`, `user-unblock`, `user-delete`,
 * `tier-change` (`details.from`, `details.to`).
 */
export type AuditAction =
  | 'register'
  | 'login'
  | 'login-failed'
  | 'login-throttled'
  | 'logout'
  | 'token-create'
  | 'user-create'
  | 'user-block'
  | 'user-unblock'
  | 'user-delete'
  | 'tier-change';

/** Number of entries {@link listAudit} returns when no limit is given. */
export const AUDIT_LIMIT_DEFAULT = 100;
/** Most entries {@link listAudit} returns at once. */
export const AUDIT_LIMIT_MAX = 1000;

/** Appends one entry. `details` must never hold a password or a token (callers pass names, ids, tiers). */
export async function appendAudit(
  db: AuthDb,
  e: {
    action: AuditAction;
    actorId: string | null;
    targetId: string | null;
    details?: Record<string, unknown>;
  },
  now: string,
): Promise<void> {
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
}

/**
 * Entries newest first (by id, which is auto-numbered, so order is exact), at most `limit`
 * (1 to 1000, default 100), optionally only those where `userId` acted or was acted on.
 */
export async function listAudit(
  db: AuthDb,
  opts: { limit?: number; userId?: string } = {},
): Promise<AuditEntry[]> {
  const asked = Number.isFinite(opts.limit)
    ? Math.floor(opts.limit as number)
    : AUDIT_LIMIT_DEFAULT;
  const limit = Math.min(AUDIT_LIMIT_MAX, Math.max(1, asked));
  let q = db.selectFrom('audit_log').selectAll();
  const userId = opts.userId;
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
}
