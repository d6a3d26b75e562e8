import type { Kysely } from 'kysely';
import type { ResourceStore } from '../model/store.js';
import type { Database } from './schema.js';
import { now, storable } from './values.js';

/**
 * Port leases and process groups over kysely. Port leases rely on the primary key, not on
 * a read-then-write, so two runs (or processes) never hold one port.
 */
export function resourceOperations(db: Kysely<Database>): ResourceStore {
  return {
    async leasePort(port, runId, service) {
      const result = await db
        .insertInto('ports')
        .values({ port, run_id: runId, service, leased_at: now() })
        .onConflict((oc) => oc.column('port').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async leasedPorts() {
      const rows = await db.selectFrom('ports').selectAll().execute();
      return rows.map((r) => ({ port: r.port, runId: r.run_id, service: r.service }));
    },

    async releasePorts(runId) {
      await db.deleteFrom('ports').where('run_id', '=', runId).execute();
    },

    async recordProcess(p) {
      const row = await db
        .insertInto('processes')
        .values({
          run_id: p.runId,
          service: p.service,
          kind: p.kind,
          pid: p.pid,
          command: storable(p.command),
          started_at: now(),
          ended_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async endProcess(id) {
      await db.updateTable('processes').set({ ended_at: now() }).where('id', '=', id).execute();
    },

    async openProcesses(runId) {
      const rows = await db
        .selectFrom('processes')
        .selectAll()
        .where('run_id', '=', runId)
        .where('ended_at', 'is', null)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        runId: r.run_id,
        service: r.service,
        kind: r.kind,
        pid: r.pid,
        command: r.command,
        startedAt: r.started_at,
        endedAt: r.ended_at,
      }));
    },
  };
}
