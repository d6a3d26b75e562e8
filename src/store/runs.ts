import type { Kysely } from 'kysely';
import type {
  EventStore,
  PhaseRecord,
  PhaseStatus,
  RunRecord,
  RunStatus,
  RunStore,
} from '../model/store.js';
import { preparedQuery, type Param } from './prepared.js';
import type { Database } from './schema.js';
import { now, parse, storable } from './values.js';

// The reads of every `GET /runs/:id`, compiled once (see prepared.ts).
const runById = preparedQuery((db: Kysely<Database>, p: Param<{ id: string }>) =>
  db.selectFrom('runs').selectAll().where('id', '=', p('id')),
);
const phasesOfRun = preparedQuery((db: Kysely<Database>, p: Param<{ runId: string }>) =>
  db.selectFrom('phases').selectAll().where('run_id', '=', p('runId')),
);

/** Runs, phases, checkpoints and events over kysely (one implementation for both dialects). */
export function runOperations(db: Kysely<Database>): RunStore & EventStore {
  return {
    async createRun(run) {
      const t = now();
      await db
        .insertInto('runs')
        .values({
          id: run.id,
          source: run.source,
          repo_path: null,
          status: 'queued',
          options_json: JSON.stringify(run.options),
          report_json: null,
          owner_pid: null,
          supervisor_pid: null,
          user_id: run.userId ?? null,
          created_at: t,
          updated_at: t,
        })
        .execute();
    },

    async updateRun(id, patch) {
      const values: Partial<Database['runs']> = { updated_at: now() };
      if (patch.repoPath !== undefined) values.repo_path = patch.repoPath;
      if (patch.status !== undefined) values.status = patch.status;
      if (patch.report !== undefined) values.report_json = JSON.stringify(patch.report);
      if (patch.ownerPid !== undefined) values.owner_pid = patch.ownerPid;
      if (patch.supervisorPid !== undefined) values.supervisor_pid = patch.supervisorPid;
      await db.updateTable('runs').set(values).where('id', '=', id).execute();
    },

    async getRun(id) {
      const row = (await runById(db, { id })).rows[0];
      return row && toRun(row);
    },

    async listRuns(limit = 50, filter = {}) {
      let q = db.selectFrom('runs').selectAll();
      if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },

    async setPhase(runId, name, patch) {
      const values = {
        status: patch.status,
        attempts: patch.attempts,
        started_at: patch.startedAt,
        ended_at: patch.endedAt,
        duration_ms: patch.durationMs,
        error_json:
          patch.error === undefined
            ? undefined
            : patch.error === null
              ? null
              : JSON.stringify(patch.error),
      };
      const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      await db
        .insertInto('phases')
        .values({
          run_id: runId,
          name,
          status: patch.status ?? 'pending',
          attempts: patch.attempts ?? 0,
          ...defined,
        })
        .onConflict((oc) =>
          // An empty SET is invalid SQL: an empty patch leaves an existing phase as it is.
          Object.keys(defined).length === 0
            ? oc.columns(['run_id', 'name']).doNothing()
            : oc.columns(['run_id', 'name']).doUpdateSet(defined),
        )
        .execute();
    },

    async getPhases(runId) {
      const { rows } = await phasesOfRun(db, { runId });
      return rows.map((r) => ({
        name: r.name,
        status: r.status as PhaseStatus,
        attempts: r.attempts,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        durationMs: r.duration_ms,
        error: parse(r.error_json) as PhaseRecord['error'],
      }));
    },

    async saveCheckpoint(runId, phase, data) {
      const data_json = JSON.stringify(data ?? null);
      await db
        .insertInto('checkpoints')
        .values({ run_id: runId, phase, data_json, created_at: now() })
        .onConflict((oc) =>
          oc.columns(['run_id', 'phase']).doUpdateSet({ data_json, created_at: now() }),
        )
        .execute();
    },

    async getCheckpoints(runId) {
      const rows = await db
        .selectFrom('checkpoints')
        .select(['phase', 'data_json'])
        .where('run_id', '=', runId)
        .execute();
      return new Map(rows.map((r) => [r.phase, parse(r.data_json)]));
    },

    async appendEvent(e) {
      const row = await db
        .insertInto('events')
        .values({
          run_id: e.runId,
          ts: e.ts ?? now(),
          kind: e.kind,
          phase: e.phase,
          service: e.service,
          message: storable(e.message),
          data_json: e.data === undefined || e.data === null ? null : JSON.stringify(e.data),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async listEvents(runId, filter = {}) {
      let q = db
        .selectFrom('events')
        .selectAll()
        .where('run_id', '=', runId)
        .where('id', '>', filter.afterId ?? 0);
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      if (filter.service) q = q.where('service', '=', filter.service);
      const rows = await q
        .orderBy('id')
        .limit(filter.limit ?? 10_000)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        runId: r.run_id,
        ts: r.ts,
        kind: r.kind,
        phase: r.phase,
        service: r.service,
        message: r.message,
        data: parse(r.data_json),
      }));
    },
  };
}

function toRun(row: Database['runs']): RunRecord {
  return {
    id: row.id,
    source: row.source,
    repoPath: row.repo_path,
    status: row.status as RunStatus,
    options: parse(row.options_json) as Record<string, unknown>,
    report: parse(row.report_json),
    ownerPid: row.owner_pid,
    supervisorPid: row.supervisor_pid,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
