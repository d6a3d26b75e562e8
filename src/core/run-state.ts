import type { EnvFacts } from './env-facts.js';
import type { RunPlan } from './plan.js';
import type { Report, ServiceHealth } from './report.js';

/** Where the repository is on disk, from the fetch phase. */
export interface Workspace {
  /** Absolute path of the repository (the user's own folder, or the run's clone). */
  repoPath: string;
  /** `local`: used in place; `clone`: cloned from a git URL into the run directory. */
  kind: 'local' | 'clone';
  /** HEAD commit of a clone. */
  commit: string | null;
}

/** The plan phase's decisions (OrchestratorManager, PortManager). */
export interface DecidedPlan {
  /** Interface services bind to (default 127.0.0.1). */
  host: string;
  /** Port leased to each service, by service name. */
  ports: Record<string, number>;
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
  installs?: InstallOutcome[];
  config?: ServiceConfig[];
  builds?: Array<{ service: string; status: 'built' | 'none'; durationMs: number }>;
  services?: RunningService[];
  health?: HealthOutcome[];
  report?: Report;
}
