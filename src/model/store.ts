import type { AgentSpecStore } from './agent-spec.js';
import type { OrchestratorStore } from './orchestrator.js';
import type { AuthStore } from './auth-store.js';
import type { FixMemoryStore } from './fix-memory.js';

/*
 * The store as every layer sees it: named operations over plain records, no SQL and no
 * query builder. One implementation (for SQLite and PostgreSQL) lives in `src/store/`
 * and is opened by `openStore`; its conformance suites run against this interface.
 */

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

/** A port leased to a run's service. */
export interface PortLease {
  port: number;
  runId: string;
  service: string;
}

/** Runs, their phases and checkpoints: what `status`, resume and the API read. */
export interface RunStore {
  createRun(run: {
    id: string;
    source: string;
    options: Record<string, unknown>;
    /** The user the run belongs to (a `users.id`); omitted for the anonymous local CLI. */
    userId?: string | null;
  }): Promise<void>;
  updateRun(
    id: string,
    patch: Partial<
      Pick<RunRecord, 'repoPath' | 'status' | 'report' | 'ownerPid' | 'supervisorPid'>
    >,
  ): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first; only the runs of `filter.userId` when given. */
  listRuns(limit?: number, filter?: { userId?: string }): Promise<RunRecord[]>;
  /** Creates or updates a phase record; an empty patch leaves an existing phase as it is. */
  setPhase(runId: string, name: string, patch: Partial<Omit<PhaseRecord, 'name'>>): Promise<void>;
  getPhases(runId: string): Promise<PhaseRecord[]>;
  /** Saves (or replaces) the checkpoint of one phase. */
  saveCheckpoint(runId: string, phase: string, data: unknown): Promise<void>;
  /** Checkpoint data by phase name. */
  getCheckpoints(runId: string): Promise<Map<string, unknown>>;
}

/** A run's event log: appended by the event bus, read by `logs` and SSE. */
export interface EventStore {
  /** Appends an event; returns its id (increasing). */
  appendEvent(e: Omit<EventRecord, 'id' | 'ts'> & { ts?: string }): Promise<number>;
  /** Events after `afterId`, oldest first, optionally of one kind and service. */
  listEvents(
    runId: string,
    filter?: { afterId?: number; kind?: string; service?: string; limit?: number },
  ): Promise<EventRecord[]>;
}

/** Port leases and process groups: what lets `stop` and other runs find what a run holds. */
export interface ResourceStore {
  /** Leases `port` to a run's service. False when another lease holds it (atomic). */
  leasePort(port: number, runId: string, service: string): Promise<boolean>;
  leasedPorts(): Promise<PortLease[]>;
  releasePorts(runId: string): Promise<void>;
  /** Records a started process group; returns its record id. */
  recordProcess(p: Omit<ProcessRecord, 'id' | 'startedAt' | 'endedAt'>): Promise<number>;
  endProcess(id: number): Promise<void>;
  /** Processes of a run not yet recorded as ended (they may still be alive). */
  openProcesses(runId: string): Promise<ProcessRecord[]>;
}

/**
 * The persistent store of Repo Runner: runs, phases, checkpoints, events, ports, processes,
 * fix memory, users, sessions, limits and audit, as named operations. Safe to share between
 * processes. Open it with `openStore` (`src/store/open-store.ts`); close it when done.
 */
export interface Store
  extends
    RunStore,
    EventStore,
    ResourceStore,
    FixMemoryStore,
    AuthStore,
    AgentSpecStore,
    OrchestratorStore {
  /** Brings the schema to the newest migration. Throws with the failing migration's error. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
