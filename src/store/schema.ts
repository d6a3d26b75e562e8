import type { Generated } from 'kysely';
import type { UsersDatabase } from './users-schema.js';

/** Row of `runs`: one run of one repository. Times are ISO-8601 strings (UTC). */
export interface RunsTable {
  id: string;
  /** What the user gave: a path or a git URL. */
  source: string;
  /** Absolute path of the repository being run (the local path, or the clone). */
  repo_path: string | null;
  status: string;
  /** JSON of the RunOptions the run was started with (so resume reuses them). */
  options_json: string;
  /** JSON of the last Report, when one was made. */
  report_json: string | null;
  /** pid of the process executing the pipeline, while it does. */
  owner_pid: number | null;
  /** pid of the detached supervisor, while it runs. */
  supervisor_pid: number | null;
  /** The user who started the run; null for the anonymous local CLI (migration 0003_users). */
  user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Row of `phases`: one phase of one run. */
export interface PhasesTable {
  run_id: string;
  name: string;
  status: string;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  error_json: string | null;
}

/** Row of `checkpoints`: the output of a finished phase, enough to resume after it. */
export interface CheckpointsTable {
  run_id: string;
  phase: string;
  data_json: string;
  created_at: string;
}

/** Row of `events`: progress, log lines and results, in order. */
export interface EventsTable {
  id: Generated<number>;
  run_id: string;
  ts: string;
  kind: string;
  phase: string | null;
  service: string | null;
  message: string;
  data_json: string | null;
}

/** Row of `ports`: a port leased to a run's service. The primary key makes leases exclusive. */
export interface PortsTable {
  port: number;
  run_id: string;
  service: string;
  leased_at: string;
}

/** Row of `processes`: every process group a run started, so none is left orphaned. */
export interface ProcessesTable {
  id: Generated<number>;
  run_id: string;
  service: string | null;
  /** `install`, `build`, `service`, `supervisor`. */
  kind: string;
  pid: number;
  command: string;
  started_at: string;
  ended_at: string | null;
}

/** Row of `fix_memory`: what a fix action did for one error signature, per scope. */
export interface FixMemoryTable {
  /** `global`, or the repository key (absolute path or clone URL). */
  scope: string;
  signature_key: string;
  /** The FixAction as JSON, with the service name left as `{service}`. */
  action_json: string;
  error_class: string;
  successes: number;
  failures: number;
  last_run_id: string | null;
  updated_at: string;
}

/** Row of `agent_specs`: one version of a custom agent's spec (issue #14). */
export interface AgentSpecsTable {
  name: string;
  version: number;
  /** The validated spec as JSON. */
  spec_json: string;
  /** 0/1. */
  enabled: number;
  change: string;
  from_version: number | null;
  created_by: string | null;
  created_at: string;
}

/** Row of `orchestrators`: one business orchestrator (issue #14). */
export interface OrchestratorsTable {
  name: string;
  profile_json: string;
  /** Its service user (`users.id`), null when made by the local CLI. */
  user_id: string | null;
  created_by: string | null;
  created_at: string;
}

/** The whole schema, as kysely sees it (the multi-user tables are in `users-schema.ts`). */
export interface Database extends UsersDatabase {
  runs: RunsTable;
  phases: PhasesTable;
  checkpoints: CheckpointsTable;
  events: EventsTable;
  ports: PortsTable;
  processes: ProcessesTable;
  fix_memory: FixMemoryTable;
  agent_specs: AgentSpecsTable;
  orchestrators: OrchestratorsTable;
}
