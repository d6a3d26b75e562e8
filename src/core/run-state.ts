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
  builds?: Array<{ service: string; status: 'built' | 'none'; durationMs: number }>;
  services?: RunningService[];
  health?: HealthOutcome[];
  report?: Report;
}
