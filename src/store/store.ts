import { Kysely, Migrator } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';
import { preparedQuery, type Param } from './prepared.js';

/** Status of a run. `healthy`/`partial`/`failed` mirror the Report; `stopped` after `stop`. */
export type RunStatus =
  'queued' | 'running' | 'healthy' | 'partial' | 'failed' | 'stopped' | 'interrupted';

/** Status of one phase of a run. */
export type PhaseStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

/** A run as the store keeps it. Times are ISO-8601 (UTC). */
export interface RunRecord {
  id: string;
  source: string;
  repoPath: string | null;
  status: RunStatus;
  options: Record<string, unknown>;
  report: unknown;
  ownerPid: number | null;
  supervisorPid: number | null;
  /** The user who started the run; null for the anonymous local CLI. */
  userId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One phase record. `durationMs` in milliseconds. */
export interface PhaseRecord {
  name: string;
  status: PhaseStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: { code: string; message: string; hint?: string } | null;
}

/** One event of a run's event bus, as recorded. */
export interface EventRecord {
  id: number;
  runId: string;
  ts: string;
  kind: string;
  phase: string | null;
  service: string | null;
  message: string;
  data: unknown;
}

/** A process group a run started. */
export interface ProcessRecord {
  id: number;
  runId: string;
  service: string | null;
  kind: string;
  pid: number;
  command: string;
  startedAt: string;
  endedAt: string | null;
}

const now = () => new Date().toISOString();
const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
/**
 * Free text from outside (log lines, commands) made storable everywhere: PostgreSQL refuses
 * NUL in text and SQLite mangles lone UTF-16 surrogates, so both become U+FFFD on every backend.
 */
const storable = (text: string): string =>
  text.replace(/\p{Surrogate}/gu, '\uFFFD').replaceAll('\0', '\uFFFD');

// The reads of every `GET /runs/:id`, compiled once (see prepared.ts).
const runById = preparedQuery((db: Kysely<Database>, p: Param<{ id: string }>) =>
  db.selectFrom('runs').selectAll().where('id', '=', p('id')),
);
const phasesOfRun = preparedQuery((db: Kysely<Database>, p: Param<{ runId: string }>) =>
  db.selectFrom('phases').selectAll().where('run_id', '=', p('runId')),
);

/**
 * The persistent store of runs, phases, checkpoints, events, port leases and processes,
 * written with kysely so one implementation serves every dialect (SQLite: `sqlite.ts`;
 * PostgreSQL: `postgres.ts`; `open-store.ts` picks one). Safe to share between processes:
 * SQLite runs in WAL mode with a busy timeout, PostgreSQL has row locks, and port leases rely
 * on the primary key, not on a read-then-write.
 */
export class Store {
  constructor(readonly db: Kysely<Database>) {}

  /** Brings the schema to the newest migration. Throws with the failing migration's error. */
  async migrate(): Promise<void> {
    // Two processes opening a new store at once (a run and a `status`) can race: the loser's
    // transaction read the schema before the winner committed, and fails. The winner's
    // migrations are then done, so trying again (up to 5 times, 200 ms apart) succeeds.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const { error, results } = await new Migrator({
        db: this.db,
        provider: migrationProvider,
        // Migrations are named by what they add, not only by order, and features land on
        // branches: a store that has a later one may meet an earlier name for the first time.
        allowUnorderedMigrations: true,
      }).migrateToLatest();
      if (!error) return;
      lastError = new Error(
        `store migration ${results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'} failed: ${(error as Error).message ?? String(error)}`,
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    throw lastError;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async createRun(run: {
    id: string;
    source: string;
    options: Record<string, unknown>;
    /** The user the run belongs to (a `users.id`); omitted for the anonymous local CLI. */
    userId?: string | null;
  }): Promise<void> {
    const t = now();
    await this.db
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
  }

  async updateRun(
    id: string,
    patch: Partial<
      Pick<RunRecord, 'repoPath' | 'status' | 'report' | 'ownerPid' | 'supervisorPid'>
    >,
  ): Promise<void> {
    const values: Partial<Database['runs']> = { updated_at: now() };
    if (patch.repoPath !== undefined) values.repo_path = patch.repoPath;
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.report !== undefined) values.report_json = JSON.stringify(patch.report);
    if (patch.ownerPid !== undefined) values.owner_pid = patch.ownerPid;
    if (patch.supervisorPid !== undefined) values.supervisor_pid = patch.supervisorPid;
    await this.db.updateTable('runs').set(values).where('id', '=', id).execute();
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = (await runById(this.db, { id })).rows[0];
    return row && toRun(row);
  }

  /** Newest first; only the runs of `filter.userId` when given. */
  async listRuns(limit = 50, filter: { userId?: string } = {}): Promise<RunRecord[]> {
    let q = this.db.selectFrom('runs').selectAll();
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toRun);
  }

  /** Creates or updates a phase record. */
  async setPhase(
    runId: string,
    name: string,
    patch: Partial<Omit<PhaseRecord, 'name'>>,
  ): Promise<void> {
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
    await this.db
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
  }

  async getPhases(runId: string): Promise<PhaseRecord[]> {
    const { rows } = await phasesOfRun(this.db, { runId });
    return rows.map((r) => ({
      name: r.name,
      status: r.status as PhaseStatus,
      attempts: r.attempts,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      durationMs: r.duration_ms,
      error: parse(r.error_json) as PhaseRecord['error'],
    }));
  }

  async saveCheckpoint(runId: string, phase: string, data: unknown): Promise<void> {
    const data_json = JSON.stringify(data ?? null);
    await this.db
      .insertInto('checkpoints')
      .values({ run_id: runId, phase, data_json, created_at: now() })
      .onConflict((oc) =>
        oc.columns(['run_id', 'phase']).doUpdateSet({ data_json, created_at: now() }),
      )
      .execute();
  }

  /** Checkpoint data by phase name. */
  async getCheckpoints(runId: string): Promise<Map<string, unknown>> {
    const rows = await this.db
      .selectFrom('checkpoints')
      .select(['phase', 'data_json'])
      .where('run_id', '=', runId)
      .execute();
    return new Map(rows.map((r) => [r.phase, parse(r.data_json)]));
  }

  async appendEvent(e: Omit<EventRecord, 'id' | 'ts'> & { ts?: string }): Promise<number> {
    const row = await this.db
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
  }

  /** Events after `afterId`, oldest first, optionally of one kind and service. */
  async listEvents(
    runId: string,
    filter: { afterId?: number; kind?: string; service?: string; limit?: number } = {},
  ): Promise<EventRecord[]> {
    let q = this.db
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
  }

  /** Leases `port` to a run's service. False when another lease holds it (atomic: primary key). */
  async leasePort(port: number, runId: string, service: string): Promise<boolean> {
    const result = await this.db
      .insertInto('ports')
      .values({ port, run_id: runId, service, leased_at: now() })
      .onConflict((oc) => oc.column('port').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async leasedPorts(): Promise<Array<{ port: number; runId: string; service: string }>> {
    const rows = await this.db.selectFrom('ports').selectAll().execute();
    return rows.map((r) => ({ port: r.port, runId: r.run_id, service: r.service }));
  }

  async releasePorts(runId: string): Promise<void> {
    await this.db.deleteFrom('ports').where('run_id', '=', runId).execute();
  }

  async recordProcess(p: Omit<ProcessRecord, 'id' | 'startedAt' | 'endedAt'>): Promise<number> {
    const row = await this.db
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
  }

  async endProcess(id: number): Promise<void> {
    await this.db.updateTable('processes').set({ ended_at: now() }).where('id', '=', id).execute();
  }

  /** Processes of a run not yet recorded as ended (they may still be alive). */
  async openProcesses(runId: string): Promise<ProcessRecord[]> {
    const rows = await this.db
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
  }
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
