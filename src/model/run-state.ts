import type { ModelDecision } from './llm-types.js';
import type { EnvFacts } from './env-facts.js';
import type { RunPlan } from './plan.js';
import type { ServiceExit } from './service-exit.js';
import type { FixAttempt, Report, ServiceHealth } from './report.js';
import type { IndexOutcome } from './index-outcome.js';

/** Where the repository is on disk, from the fetch phase. */
export interface Workspace {
  /** Absolute path of the repository (the user's own folder, or the run's clone). */
  repoPath: string;
  /**
   * `local`: used in place; `clone`: cloned from a git URL into the run directory; `copy`:
   * a folder under the server's repos roots, copied into the run directory (service mode).
   */
  kind: 'local' | 'clone' | 'copy';
  /** HEAD commit of a clone. */
  commit: string | null;
  /**
   * A local folder that is a member of a build workspace above it (a Cargo workspace: see
   * `repo/build-root.ts`): the workspace's root, which the run's sandbox shows writable as
   * well, since the build tool reads its manifest and writes its lockfile there. Absent:
   * the repository is its own build root.
   */
  buildRoot?: string;
}

/** A database the plan phase decided on: where it will listen and as whom apps connect. */
export interface DecidedDatabase {
  name: string;
  kind: 'postgres' | 'mysql' | 'redis';
  /** Leased port on 127.0.0.1 (0 when the user gave the URL: nothing is provisioned). */
  port: number;
  /**
   * The port the server listens on inside the run's own network (its kind's usual one, so
   * `db:5432` in code finds it), which `url` and `env` name; absent: `port` (host network).
   */
  listenPort?: number;
  user: string;
  password: string;
  database: string;
  /** The URL apps use, and the variables that carry it (DATABASE_URL, PG*, MYSQL_*, REDIS_URL…). */
  url: string;
  env: Record<string, string>;
  /** True when the user's environment already gives the URL: Repo Runner starts nothing. */
  provided: boolean;
}

/** The plan phase's decisions (PortsAndDatabasesPlanner): host, ports, databases. */
export interface DecidedPlan {
  /** Interface services bind to (default 127.0.0.1). */
  host: string;
  /** Port leased to each service, by service name. */
  ports: Record<string, number>;
  /** Databases to provision, with their ports and credentials. */
  databases?: DecidedDatabase[];
}

/** What the DependencyAgent did for one service. `durationMs` in milliseconds. */
export interface InstallOutcome {
  service: string;
  status: 'installed' | 'skipped' | 'none';
  reason: string;
  durationMs: number;
  hash: string | null;
}

/** What the ConfigAgent did for one service folder (services sharing a folder share it). */
export interface ServiceConfig {
  /** The folder, relative to the repository root. */
  root: string;
  services: string[];
  /** Absolute path of the `.env` written or completed. */
  file: string;
  /** The example files it was filled from. */
  sources: string[];
  /** Keys appended to the file this time. */
  added: string[];
  /**
   * Keys an earlier run of Repo Runner wrote there whose run-specific value (a database URL,
   * PORT) was updated this time. Absent in states written before it existed.
   */
  refreshed?: string[];
  /** Keys given a fresh random secret this time. */
  generated: string[];
  /** Keys still empty that only the user can fill (third-party credentials, placeholders). */
  needsValue: string[];
  /** The copy of the user's previous `.env`, when it was completed. */
  backup: string | null;
  /** The final `.env` values, passed to the service's processes too (without PORT/HOST). */
  env: Record<string, string>;
}

/** A service process the RunnerAgent started. */
export interface RunningService {
  name: string;
  pid: number;
  port: number | null;
  /** The start argv after placeholder substitution, joined for display. */
  command: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  startedAt: string;
}

/** The HealthAgent's verdict on one service. */
export interface HealthOutcome {
  service: string;
  health: ServiceHealth;
  /** The URL that answered, when one did. */
  url: string | null;
  detail: string;
  logTail: string[];
  /** How the service's process ended, when it did and this process saw it end. */
  exit?: ServiceExit | null;
}

/** The plan phase's model decisions (ModelManager): routes per agent, or none configured. */
export interface ModelsDecided {
  configured: boolean;
  decisions: ModelDecision[];
}

/**
 * Everything the phases of a run have produced so far. Each phase fills its part; its
 * checkpoint is that part, so a resumed run reloads it instead of redoing the phase.
 */
export interface RunState {
  env?: EnvFacts;
  workspace?: Workspace;
  plan?: RunPlan;
  decided?: DecidedPlan;
  models?: ModelsDecided;
  installs?: InstallOutcome[];
  config?: ServiceConfig[];
  /** Database servers the database phase started (pids, data dirs). */
  databases?: Array<{
    name: string;
    kind: string;
    pid: number | null;
    url: string;
    dataDir: string | null;
  }>;
  /** The context index (ContextIndexer); its build continues beside the later phases. */
  index?: IndexOutcome;
  builds?: Array<{ service: string; status: 'built' | 'none'; durationMs: number }>;
  services?: RunningService[];
  health?: HealthOutcome[];
  /** Every fix the FixerAgent attempted, in order (the Report's `fixes`). */
  fixes?: FixAttempt[];
  /**
   * What agents registered beyond the built-in ones (custom agents, e.g. from specs) produce,
   * by agent name: such an agent returns this map with its own entry set.
   */
  custom?: Record<string, unknown>;
  report?: Report;
}
